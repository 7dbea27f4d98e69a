// `albert_engine_check gemm`: every fp32 GEMM path of every ISA this CPU runs (packed and
// unpacked B, both B layouts, strided operands, every epilogue, 1 and 2 threads) against
// gemm_reference, with the tolerance test/kernels/gemm.test.mjs uses; and the int8 path
// (scalar kernel, and AVX-VNNI, AVX512-VNNI and SDOT where present, their products bit for bit
// against the scalar one; packed B only) within the bound of 8-bit rounding.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "engine_check.h"
#include "kernels/gemm/gemm.h"
#include "kernels/layer_norm/layer_norm.h"
#include "runtime/thread_pool.h"

namespace engine_check {
namespace {

using albert::Activation;
using albert::Isa;
using albert::ThreadPool;
namespace gemm = albert::gemm;

// test/kernels/gemm_helpers.mjs compareGemm with gemm.test.mjs's fp32 rel: an element may be
// off by rel * (sum_k |a||b| + |bias| + |residual|) + 4e-7 |want| + 1e-6.
constexpr double kRel = 1e-5;
// C starts filled with this, so writes into the gaps between rows (ldc > n) are caught.
constexpr float kSentinel = 12345.0f;
constexpr float kLayerNormEps = 1e-12f;  // ALBERT's

std::vector<float> absolute(std::vector<float> v) {
  for (float& x : v) x = std::fabs(x);
  return v;
}

struct Spec {
  int m = 0, n = 0, k = 0;
  bool b_transposed = false;  // B stored [N, K] (a Linear weight) rather than [K, N]
  bool strided = false;       // every leading dimension wider than its row
  bool bias = false;
  Activation activation = Activation::kIdentity;
  bool residual = false;
  bool layer_norm = false;
};

// One spec's inputs and reference results, shared by every ISA and path.
struct Case {
  Spec spec;
  int lda = 0, ldb = 0, ldc = 0, ldr = 0;
  std::vector<float> a, b, bias, residual, gamma, beta;
  std::vector<float> want;   // gemm_reference, without the LayerNorm
  std::vector<float> bound;  // gemm_reference on |a|, |b|, |bias|, |residual|, no activation
};

gemm::Epilogue make_epilogue(const Case& c, const float* bias, Activation activation, const float* residual,
                             bool layer_norm) {
  gemm::Epilogue e;
  if (c.spec.bias) e.bias = bias;
  e.activation = activation;
  if (c.spec.residual) {
    e.residual = residual;
    e.ldr = c.ldr;
  }
  if (layer_norm) e.layer_norm = {c.gamma.data(), c.beta.data(), kLayerNormEps};
  return e;
}

std::vector<float> new_output(const Case& c) {
  return std::vector<float>(static_cast<size_t>(c.spec.m) * c.ldc + 1, kSentinel);
}

std::vector<float> reference(const Case& c, const std::vector<float>& a, const std::vector<float>& b,
                             const gemm::Epilogue& epilogue) {
  std::vector<float> out = new_output(c);
  const Spec& s = c.spec;
  gemm::gemm_reference(s.m, s.n, s.k, a.data(), c.lda, b.data(), c.ldb, s.b_transposed, out.data(), c.ldc, epilogue);
  return out;
}

Case make_case(const Spec& s, uint32_t seed) {
  Case c;
  c.spec = s;
  const int pad = s.strided ? 3 : 0;
  c.lda = s.k + pad;
  c.ldb = (s.b_transposed ? s.k : s.n) + pad;
  c.ldc = s.n + pad + 1;
  c.ldr = s.n + pad + 2;
  c.a = random_floats(static_cast<size_t>(s.m) * c.lda, seed);
  c.b = random_floats(static_cast<size_t>(s.b_transposed ? s.n : s.k) * c.ldb, seed + 1);
  c.bias = random_floats(s.n, seed + 2);
  c.residual = random_floats(static_cast<size_t>(s.m) * c.ldr, seed + 3);
  c.gamma = random_floats(s.n, seed + 4);
  c.beta = random_floats(s.n, seed + 5);
  c.want = reference(c, c.a, c.b, make_epilogue(c, c.bias.data(), s.activation, c.residual.data(), false));
  const std::vector<float> abs_bias = absolute(c.bias), abs_residual = absolute(c.residual);
  c.bound = reference(c, absolute(c.a), absolute(c.b),
                      make_epilogue(c, abs_bias.data(), Activation::kIdentity, abs_residual.data(), false));
  return c;
}

// Runs one path: B packed once (as model weights are) or packed on the fly by gemm().
std::vector<float> run_path(Isa isa, gemm::Precision precision, const Case& c, bool packed, ThreadPool* pool,
                            bool layer_norm) {
  const Spec& s = c.spec;
  std::vector<float> out = new_output(c);
  const gemm::Epilogue e = make_epilogue(c, c.bias.data(), s.activation, c.residual.data(), layer_norm);
  if (packed) {
    const gemm::PackedB b = gemm::pack_b(isa, precision, c.b.data(), s.n, s.k, c.ldb, s.b_transposed);
    gemm::gemm_packed(s.m, c.a.data(), c.lda, b, out.data(), c.ldc, e, pool);
  } else {
    gemm::gemm(isa, s.m, s.n, s.k, c.a.data(), c.lda, c.b.data(), c.ldb, s.b_transposed, out.data(), c.ldc, e, pool);
  }
  return out;
}

// "" when every element is within tol(index) of want and the gaps past column n still hold the
// sentinel; otherwise a description of the worst element.
template <typename Tol>
std::string compare(const Case& c, const std::vector<float>& got, const std::vector<float>& want, Tol tol) {
  double worst_ratio = 0;
  char worst[200] = "";
  for (int i = 0; i < c.spec.m; ++i) {
    for (int j = 0; j < c.ldc; ++j) {
      const size_t idx = static_cast<size_t>(i) * c.ldc + j;
      if (j >= c.spec.n) {
        if (got[idx] == kSentinel) continue;
        std::snprintf(worst, sizeof worst, "gap C[%d][%d] overwritten with %g", i, j, got[idx]);
        return worst;
      }
      const double err = std::fabs(static_cast<double>(got[idx]) - want[idx]), limit = tol(idx);
      if (err <= limit) continue;
      const double ratio = std::isnan(err) ? INFINITY : err / limit;
      if (worst[0] && ratio <= worst_ratio) continue;
      worst_ratio = ratio;
      std::snprintf(worst, sizeof worst, "C[%d][%d] = %.9g, want %.9g (err %.2e, tol %.2e)", i, j, got[idx],
                    want[idx], err, limit);
    }
  }
  return worst;
}

std::string compare_product(const Case& c, const std::vector<float>& got) {
  return compare(c, got, c.want, [&](size_t i) { return kRel * c.bound[i] + 4e-7 * std::fabs(c.want[i]) + 1e-6; });
}

// "" when got and want hold the same bits, else the first element that differs.
std::string first_difference(const std::vector<float>& got, const std::vector<float>& want) {
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::memcmp(&got[i], &want[i], sizeof(float)) == 0) continue;
    char what[120];
    std::snprintf(what, sizeof what, "element %zu = %.9g, the scalar kernel's %.9g", i, got[i], want[i]);
    return what;
  }
  return "";
}

// The int8 product's bound (test/kernels/gemm_int8.test.mjs compareInt8): rounding a row of A
// and a column of B to 8 bits moves each value by at most half a step, da = max|a_i.| / 254
// and db = max|b_.j| / 254, so C[i][j] may be off by db sum|a_ik| + da sum|b_kj| + K da db,
// and the activations (slope <= 1.2) carry that on; plus the fp32 tolerance.
std::string compare_int8_product(const Case& c, const std::vector<float>& got) {
  const Spec& s = c.spec;
  auto a_at = [&](int i, int k) { return std::fabs(c.a[static_cast<size_t>(i) * c.lda + k]); };
  auto b_at = [&](int k, int j) {
    return std::fabs(s.b_transposed ? c.b[static_cast<size_t>(j) * c.ldb + k] : c.b[static_cast<size_t>(k) * c.ldb + j]);
  };
  std::vector<double> row_step(s.m), row_sum(s.m), col_step(s.n), col_sum(s.n);
  for (int i = 0; i < s.m; ++i) {
    for (int k = 0; k < s.k; ++k) row_step[i] = std::max(row_step[i], a_at(i, k) / 254.0), row_sum[i] += a_at(i, k);
  }
  for (int j = 0; j < s.n; ++j) {
    for (int k = 0; k < s.k; ++k) col_step[j] = std::max(col_step[j], b_at(k, j) / 254.0), col_sum[j] += b_at(k, j);
  }
  return compare(c, got, c.want, [&](size_t idx) {
    const int i = static_cast<int>(idx / c.ldc), j = static_cast<int>(idx % c.ldc);
    const double quantisation = col_step[j] * row_sum[i] + row_step[i] * col_sum[j] + s.k * row_step[i] * col_step[j];
    return 1.2 * 1.01 * quantisation + kRel * c.bound[idx] + 4e-7 * std::fabs(c.want[idx]) + 1e-6;
  });
}

// The fused LayerNorm against layer_norm_scalar applied to the same path's product without it.
// The product's own error is compare_product's business, so this isolates the LayerNorm, whose
// vectorised or fused forms differ from the scalar one only by rounding: allow 1e-5 of the
// magnitudes involved (|gamma x_hat|, |gamma|, |beta|).
std::string compare_layer_norm(const Case& c, const std::vector<float>& plain, const std::vector<float>& fused) {
  std::vector<float> want = plain;
  albert::layer_norm_scalar(want.data(), c.spec.m, c.spec.n, c.ldc, c.gamma.data(), c.beta.data(), kLayerNormEps);
  return compare(c, fused, want, [&](size_t i) {
    const size_t j = i % c.ldc;
    const double scaled = std::fabs(static_cast<double>(want[i]) - c.beta[j]);
    return 1e-5 * (scaled + std::fabs(c.gamma[j]) + std::fabs(c.beta[j])) + 1e-6;
  });
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::kIdentity: return "";
    case Activation::kGeluTanh: return "gelu_tanh";
    case Activation::kGeluErf: return "gelu_erf";
    case Activation::kRelu: return "relu";
    default: return "other_activation";
  }
}

std::string epilogue_name(const Spec& s) {
  std::string name;
  auto add = [&](const char* part) { name += (name.empty() ? "" : "+") + std::string(part); };
  if (s.bias) add("bias");
  if (s.activation != Activation::kIdentity) add(activation_name(s.activation));
  if (s.residual) add("residual");
  if (s.layer_norm) add("layernorm");
  return name.empty() ? "none" : name;
}

// Runs the cases of one ISA (and precision) into its CaseLog.
class IsaChecker {
 public:
  explicit IsaChecker(Isa isa, gemm::Precision precision = gemm::Precision::kF32)
      : log_(precision == gemm::Precision::kInt8 ? "gemm int8" : "gemm", isa), precision_(precision) {}

  // One path of a case: its product, then (LayerNorm specs) the product with the LayerNorm.
  // int8 B is always packed (quantised once, like model weights).
  void check(const Case& c, bool packed, ThreadPool* pool) {
    const bool int8 = precision_ == gemm::Precision::kInt8;
    if (int8 && !packed) return;
    try {
      const std::vector<float> plain = run_path(log_.isa(), precision_, c, packed, pool, false);
      record(c, packed, pool, "", int8 ? compare_int8_product(c, plain) : compare_product(c, plain));
      // Every int8 kernel computes the scalar kernel's products bit for bit (bias and residual
      // adds included; the vectorised activations differ from the scalar ones in the last bits).
      if (int8 && log_.isa() != Isa::kScalar && c.spec.activation == Activation::kIdentity) {
        const std::vector<float> scalar = run_path(Isa::kScalar, precision_, c, packed, pool, false);
        record(c, packed, pool, " (against the scalar int8 kernel)", first_difference(plain, scalar));
      }
      if (c.spec.layer_norm) {
        const std::vector<float> fused = run_path(log_.isa(), precision_, c, packed, pool, true);
        record(c, packed, pool, " (fused layernorm)", compare_layer_norm(c, plain, fused));
      }
    } catch (const std::exception& e) {
      record(c, packed, pool, "", std::string("threw: ") + e.what());
    }
  }

  bool report() const { return log_.summary(); }

 private:
  void record(const Case& c, bool packed, ThreadPool* pool, const char* what, const std::string& error) {
    if (error.empty()) return log_.record("");
    const Spec& s = c.spec;
    char where[200];
    std::snprintf(where, sizeof where, "m=%d n=%d k=%d b=%s %s lda=%d ldc=%d threads=%s epilogue=%s%s: ", s.m, s.n,
                  s.k, s.b_transposed ? "[N,K]" : "[K,N]", packed ? "packed" : "unpacked", c.lda, c.ldc,
                  pool ? std::to_string(pool->size()).c_str() : "caller", epilogue_name(s).c_str(), what);
    log_.record(where + error);
  }

  CaseLog log_;
  gemm::Precision precision_;
};

// Awkward sizes: 1, primes, non-multiples of every register tile width (4/8/12/16), and sizes
// past one tile. The grid is kept small because qemu-aarch64 runs it ~50x slower than native.
const int kGridM[] = {1, 2, 3, 7, 8, 9, 13, 17, 31, 64};
const int kGridN[] = {1, 3, 5, 12, 13, 16, 17, 31, 33, 47, 64};
const int kGridK[] = {1, 2, 5, 17, 64, 131};

// Products without an epilogue over the whole grid, both B layouts, packed and unpacked, on the
// calling thread; every third shape strided.
void check_grid(std::vector<IsaChecker>& checkers) {
  uint32_t seed = 1;
  for (int m : kGridM) {
    for (int n : kGridN) {
      for (int k : kGridK) {
        for (bool b_transposed : {false, true}) {
          Spec s;
          s.m = m, s.n = n, s.k = k, s.b_transposed = b_transposed, s.strided = seed % 3 == 0;
          const Case c = make_case(s, seed);
          seed += 10;
          for (IsaChecker& checker : checkers) {
            for (bool packed : {true, false}) checker.check(c, packed, nullptr);
          }
        }
      }
    }
  }
}

// Each epilogue, strided, on 1 and 2 threads. The last two shapes are big enough for gemm to
// use the second thread (3M multiply-adds, or a B of 2^18 elements): 64 rows split by rows,
// 7 rows by columns, where the LayerNorm runs after the product instead of fused.
void check_epilogues(std::vector<IsaChecker>& checkers) {
  const int shapes[][3] = {{9, 33, 17}, {17, 47, 131}, {64, 200, 300}, {7, 600, 450}};
  Spec epilogues[7];
  epilogues[0].bias = true;
  epilogues[1].activation = Activation::kGeluTanh;
  epilogues[2].activation = Activation::kGeluErf;
  epilogues[3].activation = Activation::kRelu;
  epilogues[4].residual = true;
  epilogues[5].layer_norm = true;
  epilogues[6].bias = epilogues[6].residual = epilogues[6].layer_norm = true;  // ALBERT's FFN output
  epilogues[6].activation = Activation::kGeluTanh;
  ThreadPool one(1), two(2);
  uint32_t seed = 100000;
  for (const auto& shape : shapes) {
    for (Spec s : epilogues) {
      s.m = shape[0], s.n = shape[1], s.k = shape[2], s.strided = true, s.b_transposed = seed % 20 == 0;
      const Case c = make_case(s, seed);
      seed += 10;
      for (IsaChecker& checker : checkers) {
        for (bool packed : {true, false}) {
          for (ThreadPool* pool : {&one, &two}) checker.check(c, packed, pool);
        }
      }
    }
  }
}

}  // namespace

int run_gemm_check() {
  const std::vector<Isa> isas = supported_isas();
  std::string names;
  for (Isa isa : isas) names += std::string(names.empty() ? "" : " ") + albert::isa_name(isa);
  std::printf("isas: %s; best: %s\n", names.c_str(), albert::isa_name(albert::best_isa()));
  std::fflush(stdout);

  std::vector<IsaChecker> checkers(isas.begin(), isas.end());
  checkers.emplace_back(Isa::kScalar, gemm::Precision::kInt8);
  if (albert::cpu_has_avx_vnni()) checkers.emplace_back(Isa::kAvx2, gemm::Precision::kInt8);
  if (albert::cpu_has_neon_dotprod()) checkers.emplace_back(Isa::kNeon, gemm::Precision::kInt8);
  if (albert::cpu_has_avx512_vnni()) checkers.emplace_back(Isa::kAvx512, gemm::Precision::kInt8);
  check_grid(checkers);
  check_epilogues(checkers);
  bool ok = true;
  for (const IsaChecker& checker : checkers) ok = checker.report() && ok;
  return ok ? 0 : 1;
}

}  // namespace engine_check
