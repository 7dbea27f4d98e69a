// `albert_engine_check vector`: every ISA's vectorised activations, softmax and LayerNorm
// against their scalar references, with the inputs and tolerances of
// test/kernels/activation.test.mjs and softmax-layer-norm.test.mjs (which check the x86 paths
// through the addon; this brings the same checks to builds the addon cannot test).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine_check.h"
#include "kernels/activation/activation_simd.h"
#include "kernels/layer_norm/layer_norm.h"
#include "kernels/softmax/softmax.h"

namespace engine_check {
namespace {

using albert::Activation;
using albert::Isa;

// One case's verdict: empty, or its first bad element, described by describe(i).
class FirstError {
 public:
  template <typename Describe>
  void check(bool ok, const Describe& describe) {
    if (!ok && error_.empty()) error_ = describe();
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

// A dense sweep of [-12, 12] (every branch of every approximation), small and huge values,
// and random ones.
std::vector<float> activation_inputs() {
  std::vector<float> x;
  for (int i = 0; i <= 4800; ++i) x.push_back(-12.0f + i * 0.005f);
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 1e-3f, -1e-3f, 0.3999f, 0.4f, 0.4001f, 0.7071f, 1.0f,
                  -1.0f, 1.4142f, 1.4143f, 30.0f, -30.0f, 60.0f, -60.0f, 88.0f, -88.0f, 100.0f, -100.0f, 1e4f, -1e4f,
                  3e38f, -3e38f}) {
    x.push_back(v);
  }
  for (float v : random_floats(1001, 9)) x.push_back(v * 8.0f);
  return x;
}

// A few ulps, with an absolute floor that grows with |x| for the GELUs, whose 1 + erf / 1 + tanh
// cancels for negative x in the reference itself.
double activation_tolerance(Activation act, float x, float want) {
  const bool gelu = act == Activation::kGeluErf || act == Activation::kGeluTanh || act == Activation::kGeluFast ||
                    act == Activation::kQuickGelu;
  const double floor = gelu ? 1.2e-7 * std::max(1.0, std::fabs(static_cast<double>(x))) : 1e-37;
  return 4e-7 * std::fabs(want) + floor;
}

void check_activations(CaseLog& log) {
  const std::vector<float> x = activation_inputs();
  for (int a = 0; a <= static_cast<int>(Activation::kTanh); ++a) {
    const auto act = static_cast<Activation>(a);
    std::vector<float> want = x;
    albert::apply_activation_scalar(act, want.data(), static_cast<int>(want.size()));
    // Whole array, then short tails, so each vector loop's remainder runs too.
    for (int len : {static_cast<int>(x.size()), 1, 15, 17, 31}) {
      const size_t start = x.size() - len;
      std::vector<float> got(x.begin() + start, x.end());
      albert::apply_activation(log.isa(), act, got.data(), len);
      FirstError first;
      for (int i = 0; i < len; ++i) {
        const float w = want[start + i];
        first.check(std::fabs(got[i] - w) <= activation_tolerance(act, x[start + i], w), [&] {
          return "activation " + std::to_string(a) + "(" + std::to_string(x[start + i]) + ") = " + std::to_string(got[i]) +
                 ", want " + std::to_string(w);
        });
      }
      log.record(first.error());
    }
  }
}

void check_softmax(CaseLog& log) {
  const int shapes[][2] = {{1, 1}, {1, 7}, {3, 13}, {5, 16}, {2, 17}, {7, 127}, {4, 128}, {3, 513}};
  for (const auto& shape : shapes) {
    const int rows = shape[0], cols = shape[1];
    for (float spread : {1.0f, 30.0f, 300.0f}) {
      std::vector<float> x = random_floats(static_cast<size_t>(rows) * cols, rows * 31 + cols);
      for (float& v : x) v *= spread;
      std::vector<float> want = x, got = x;
      albert::softmax_rows_scalar(want.data(), rows, cols, 0.125f);
      albert::softmax_rows(log.isa(), got.data(), rows, cols, 0.125f);
      const std::string shape = "softmax " + std::to_string(rows) + "x" + std::to_string(cols);
      FirstError first;
      for (int r = 0; r < rows; ++r) {
        double sum = 0.0;
        for (int j = 0; j < cols; ++j) {
          const size_t i = static_cast<size_t>(r) * cols + j;
          sum += got[i];
          first.check(std::fabs(got[i] - want[i]) <= 3e-6 * std::fabs(want[i]) + 1e-30, [&] {
            return shape + " [" + std::to_string(i) + "] = " + std::to_string(got[i]) + ", want " + std::to_string(want[i]);
          });
        }
        first.check(std::fabs(sum - 1.0) < 1e-5, [&] { return shape + " row " + std::to_string(r) + " sums to " + std::to_string(sum); });
      }
      log.record(first.error());
    }
  }
}

void check_layer_norm(CaseLog& log) {
  const int shapes[][3] = {{1, 1, 1}, {2, 7, 7}, {3, 13, 20}, {5, 48, 48}, {2, 97, 101}, {4, 768, 768}, {3, 129, 200}};
  for (const auto& shape : shapes) {
    const int rows = shape[0], width = shape[1], ld = shape[2];
    for (float offset : {0.0f, 1000.0f}) {
      std::vector<float> x = random_floats(static_cast<size_t>(rows) * ld, rows + width);
      for (float& v : x) v = v * 3.0f + offset;
      std::vector<float> gamma = random_floats(width, 5), beta = random_floats(width, 6);
      for (float& g : gamma) g = 1.0f + g * 0.1f;
      for (float& b : beta) b *= 0.1f;
      std::vector<float> want = x, got = x;
      albert::layer_norm_scalar(want.data(), rows, width, ld, gamma.data(), beta.data(), 1e-12f);
      albert::layer_norm(log.isa(), got.data(), rows, width, ld, gamma.data(), beta.data(), 1e-12f);
      // The mean's rounding (~1e-7 of the offset) over the row's spread bounds the difference.
      const double abs_tolerance = 2e-5 + 1.5e-7 * offset;
      FirstError first;
      for (size_t i = 0; i < got.size(); ++i) {
        const bool in_row = static_cast<int>(i % ld) < width;
        const bool ok = in_row ? std::fabs(got[i] - want[i]) <= 1e-5 * std::fabs(want[i]) + abs_tolerance : got[i] == x[i];
        first.check(ok, [&] {
          return "layer_norm " + std::to_string(rows) + "x" + std::to_string(width) + " ld " + std::to_string(ld) +
                 (in_row ? "" : " (gap written)") + " [" + std::to_string(i) + "] = " + std::to_string(got[i]) + ", want " +
                 std::to_string(in_row ? want[i] : x[i]);
        });
      }
      log.record(first.error());
    }
  }
}

}  // namespace

int run_vector_check() {
  bool all_ok = true;
  for (Isa isa : supported_isas()) {
    CaseLog log("vector", isa);
    check_activations(log);
    check_softmax(log);
    check_layer_norm(log);
    all_ok = log.summary() && all_ok;
  }
  return all_ok ? 0 : 1;
}

}  // namespace engine_check
