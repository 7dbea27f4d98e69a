// exports._testing: direct access to the GEMM and activation kernels for the test suite and
// bench/gemm.mjs. Not part of the public API. Every engine exception (std::invalid_argument,
// std::runtime_error) becomes a JS Error with the same message.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.h"
#include "js_values.h"
#include "kernels/activation.h"
#include "kernels/activation/activation_simd.h"
#include "kernels/attention/attention.h"
#include "kernels/gemm/gemm.h"
#include "kernels/gemm/microkernel.h"
#include "kernels/isa.h"
#include "kernels/layer_norm/layer_norm.h"
#include "kernels/softmax/softmax.h"
#include "model/weights.h"
#include "runtime/thread_pool.h"

namespace albert_bindings {
namespace {

using albert::Isa;
namespace gemm = albert::gemm;

// Runs fn, turning C++ exceptions into JS exceptions (node-addon-api only converts its own).
template <typename Fn>
Napi::Value guarded(const Napi::CallbackInfo& info, Fn fn) {
  try {
    return fn(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

// A Float32Array option holding at least `needed` floats, or null when absent and optional.
const float* get_floats(const Napi::Object& o, const char* key, std::size_t needed, bool required) {
  Napi::Value v = o.Get(key);
  if (is_absent(v)) {
    if (required) throw std::invalid_argument(std::string(key) + " is required");
    return nullptr;
  }
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw std::invalid_argument(std::string(key) + " must be a Float32Array");
  }
  auto arr = v.As<Napi::Float32Array>();
  if (arr.ElementLength() < needed) {
    throw std::invalid_argument(std::string(key) + " has " + std::to_string(arr.ElementLength()) +
                                " elements, needs " + std::to_string(needed));
  }
  return arr.Data();
}

// Elements a row-major [rows, cols] matrix with row stride ld spans.
std::size_t span(int rows, int cols, int ld) {
  if (rows <= 0 || cols <= 0) return 0;
  return static_cast<std::size_t>(rows - 1) * ld + cols;
}

Isa isa_option(const Napi::Object& o) {
  Napi::Value v = o.Get("isa");
  if (is_absent(v)) return albert::default_isa();
  return albert::parse_isa(v.ToString().Utf8Value());
}

gemm::Bf16Path bf16_path_option(const Napi::Object& o) {
  return gemm::parse_bf16_path(get_string(o, "bf16Path", "auto"));
}

gemm::Bf16Rounding bf16_rounding_option(const Napi::Object& o) {
  const std::string r = get_string(o, "bf16Rounding", "nearest");
  if (r == "nearest") return gemm::Bf16Rounding::kNearest;
  if (r == "partner") return gemm::Bf16Rounding::kPartner;
  throw std::invalid_argument("bf16Rounding must be nearest or partner, got '" + r + "'");
}

gemm::Precision precision_option(const Napi::Object& o) {
  const std::string p = get_string(o, "precision", "fp32");
  if (p == "fp32") return gemm::Precision::kF32;
  if (p == "bf16") return gemm::Precision::kBF16;
  if (p == "int8") return gemm::Precision::kInt8;
  throw std::invalid_argument("precision must be fp32, bf16 or int8, got '" + p + "'");
}

// The parsed arguments of gemm() / gemmReference().
struct GemmArgs {
  int m, n, k, lda, ldb, ldc;
  bool b_transposed;
  const float* a;
  const float* b;
  const float* c_init;  // optional initial C, so tests can check that gaps stay untouched
  gemm::Epilogue ep;
};

GemmArgs parse_gemm_args(const Napi::Object& o) {
  GemmArgs g;
  g.m = get_int(o, "m", -1);
  g.n = get_int(o, "n", -1);
  g.k = get_int(o, "k", -1);
  if (g.m < 0 || g.n < 0 || g.k < 0) throw std::invalid_argument("m, n and k must be non-negative numbers");
  g.b_transposed = get_bool(o, "bTransposed", false);
  g.lda = get_int(o, "lda", g.k);
  g.ldb = get_int(o, "ldb", g.b_transposed ? g.k : g.n);
  g.ldc = get_int(o, "ldc", g.n);
  if (g.lda < g.k || g.ldc < g.n) throw std::invalid_argument("lda/ldc smaller than the row width");
  g.a = get_floats(o, "a", span(g.m, g.k, g.lda), true);
  g.b = g.b_transposed ? get_floats(o, "b", span(g.n, g.k, g.ldb), true)
                       : get_floats(o, "b", span(g.k, g.n, g.ldb), true);
  g.c_init = get_floats(o, "c", static_cast<std::size_t>(g.m) * g.ldc, false);
  g.ep.bias = get_floats(o, "bias", g.n, false);
  g.ep.activation = albert::parse_activation(get_string(o, "activation", "identity"));
  g.ep.ldr = get_int(o, "ldr", g.n);
  g.ep.residual = get_floats(o, "residual", span(g.m, g.n, g.ep.ldr), false);
  g.ep.layer_norm.gamma = get_floats(o, "lnGamma", g.n, false);
  g.ep.layer_norm.beta = get_floats(o, "lnBeta", g.n, g.ep.layer_norm.gamma != nullptr);
  g.ep.layer_norm.eps = static_cast<float>(o.Has("lnEps") ? o.Get("lnEps").ToNumber().DoubleValue() : 1e-12);
  return g;
}

Napi::Float32Array new_output(Napi::Env env, const GemmArgs& g) {
  auto c = Napi::Float32Array::New(env, static_cast<std::size_t>(g.m) * g.ldc);
  if (g.c_init) std::copy(g.c_init, g.c_init + c.ElementLength(), c.Data());
  return c;
}

std::unique_ptr<albert::ThreadPool> make_pool(int threads) {
  if (threads <= 1) return nullptr;
  return std::make_unique<albert::ThreadPool>(threads);
}

// The bf16-activation overloads of gemm_packed (bf16Activations: 'a' reads A rounded to bf16,
// 'c' writes C as bf16); the result comes back widened to fp32.
void gemm_bf16_activations(const GemmArgs& g, const gemm::PackedB& pb, const std::string& which, float* c,
                           albert::ThreadPool* pool) {
  using gemm::detail::float_to_bf16;
  if (which == "a") {
    std::vector<uint16_t> a(span(g.m, g.k, g.lda));
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = float_to_bf16(g.a[i]);
    gemm::gemm_packed(g.m, a.data(), g.lda, pb, c, g.ldc, g.ep, pool);
  } else if (which == "c") {
    std::vector<uint16_t> out(static_cast<std::size_t>(g.m) * g.ldc);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = float_to_bf16(c[i]);
    gemm::gemm_packed(g.m, g.a, g.lda, pb, out.data(), g.ldc, g.ep, pool);
    for (std::size_t i = 0; i < out.size(); ++i) c[i] = albert::bfloat16_to_float(out[i]);
  } else {
    throw std::invalid_argument("bf16Activations must be 'a' or 'c', got '" + which + "'");
  }
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Object o = info[0].As<Napi::Object>();
  const GemmArgs g = parse_gemm_args(o);
  const Isa isa = isa_option(o);
  const gemm::Precision precision = precision_option(o);
  const bool packed = get_bool(o, "packed", true);
  auto pool = make_pool(get_int(o, "threads", 1));
  Napi::Float32Array c = new_output(info.Env(), g);
  const std::string bf16_activations = get_string(o, "bf16Activations", "");
  if (!bf16_activations.empty()) {
    const gemm::PackedB pb = gemm::pack_b(isa, precision, g.b, g.n, g.k, g.ldb, g.b_transposed, bf16_path_option(o));
    gemm_bf16_activations(g, pb, bf16_activations, c.Data(), pool.get());
  } else if (packed || precision != gemm::Precision::kF32) {
    const gemm::PackedB pb =
        gemm::pack_b(isa, precision, g.b, g.n, g.k, g.ldb, g.b_transposed, bf16_path_option(o), bf16_rounding_option(o));
    gemm::gemm_packed(g.m, g.a, g.lda, pb, c.Data(), g.ldc, g.ep, pool.get());
  } else {
    gemm::gemm(isa, g.m, g.n, g.k, g.a, g.lda, g.b, g.ldb, g.b_transposed, c.Data(), g.ldc, g.ep, pool.get());
  }
  return c;
}

Napi::Value GemmReference(const Napi::CallbackInfo& info) {
  const GemmArgs g = parse_gemm_args(info[0].As<Napi::Object>());
  Napi::Float32Array c = new_output(info.Env(), g);
  gemm::gemm_reference(g.m, g.n, g.k, g.a, g.lda, g.b, g.ldb, g.b_transposed, c.Data(), g.ldc, g.ep);
  return c;
}

// activation(name, x, isa?) -> a new Float32Array: the ISA's vectorised activation
// (isa "reference": the scalar one from activation.cc).
Napi::Value Activation(const Napi::CallbackInfo& info) {
  const albert::Activation act = albert::parse_activation(info[0].ToString().Utf8Value());
  auto x = info[1].As<Napi::Float32Array>();
  auto out = Napi::Float32Array::New(info.Env(), x.ElementLength());
  std::copy(x.Data(), x.Data() + x.ElementLength(), out.Data());
  const std::string isa = info.Length() > 2 && !info[2].IsUndefined() ? info[2].ToString().Utf8Value() : "reference";
  const int n = static_cast<int>(out.ElementLength());
  if (isa == "reference") {
    albert::apply_activation_scalar(act, out.Data(), n);
  } else {
    albert::apply_activation(albert::parse_isa(isa), act, out.Data(), n);
  }
  return out;
}

// measurePeakGflops(threads, seconds, precision = 'fp32', isa): the FMA peak of the best
// ISA, or of `isa` when given (0 for 'scalar'); with 'bf16' the AMX peak (0 without AMX).
Napi::Value MeasurePeakGflops(const Napi::CallbackInfo& info) {
  const int threads = info.Length() > 0 ? info[0].As<Napi::Number>().Int32Value() : 1;
  const double seconds = info.Length() > 1 ? info[1].As<Napi::Number>().DoubleValue() : 0.5;
  const std::string precision = info.Length() > 2 ? info[2].ToString().Utf8Value() : "fp32";
  if (precision != "fp32" && precision != "bf16") throw std::invalid_argument("precision must be fp32 or bf16");
  const bool has_isa = info.Length() > 3 && !info[3].IsUndefined();
  if (has_isa && precision == "bf16") throw std::invalid_argument("isa applies to the fp32 peak only");
  double gflops = 0.0;
  if (has_isa) {
    gflops = gemm::measure_fma_peak_gflops(albert::parse_isa(info[3].ToString().Utf8Value()), threads, seconds);
  } else {
    const auto p = precision == "bf16" ? gemm::Precision::kBF16 : gemm::Precision::kF32;
    gflops = gemm::measure_peak_gflops(threads, seconds, p);
  }
  return Napi::Number::New(info.Env(), gflops);
}

// True when the test asks for the scalar reference (isa: 'reference').
bool is_reference(const Napi::Object& o) { return get_string(o, "isa", "") == "reference"; }

// benchGemm({isa, precision, bf16Path, m, n, k, threads, iterations, packed, activation, bias, residual})
// -> Float64Array of seconds per call (B packed once beforehand; one untimed warm-up call).
Napi::Value BenchGemm(const Napi::CallbackInfo& info) {
  Napi::Object o = info[0].As<Napi::Object>();
  const int m = get_int(o, "m", 1), n = get_int(o, "n", 1), k = get_int(o, "k", 1);
  const int iterations = std::max(1, get_int(o, "iterations", 10));
  const bool packed = get_bool(o, "packed", true);
  const Isa isa = isa_option(o);
  const gemm::Precision precision = precision_option(o);
  auto pool = make_pool(get_int(o, "threads", 1));
  std::vector<float> a(static_cast<std::size_t>(m) * k), b(static_cast<std::size_t>(n) * k),
      c(static_cast<std::size_t>(m) * n);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>((i * 7919) % 1000) * 1e-3f - 0.5f;
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>((i * 104729) % 1000) * 1e-3f - 0.5f;
  gemm::Epilogue ep;
  ep.activation = albert::parse_activation(get_string(o, "activation", "identity"));
  // Optional bias and residual, as the model's GEMMs have them (values do not matter).
  std::vector<float> bias(get_bool(o, "bias", false) ? n : 0, 0.25f);
  std::vector<float> residual(get_bool(o, "residual", false) ? static_cast<std::size_t>(m) * n : 0, 0.5f);
  if (!bias.empty()) ep.bias = bias.data();
  if (!residual.empty()) {
    ep.residual = residual.data();
    ep.ldr = n;
  }
  const bool b_transposed = get_bool(o, "bTransposed", true);
  const int ldb = b_transposed ? k : n;
  gemm::PackedB pb;
  if (packed) pb = gemm::pack_b(isa, precision, b.data(), n, k, ldb, b_transposed, bf16_path_option(o));
  auto run = [&] {
    if (packed) {
      gemm::gemm_packed(m, a.data(), k, pb, c.data(), n, ep, pool.get());
    } else {
      gemm::gemm(isa, m, n, k, a.data(), k, b.data(), ldb, b_transposed, c.data(), n, ep, pool.get());
    }
  };
  run();
  auto times = Napi::Float64Array::New(info.Env(), iterations);
  for (int i = 0; i < iterations; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    times[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return times;
}

// benchVector({kernel, isa | 'reference', rows, cols, iterations}) -> Float64Array of seconds
// per call of one in-place vector kernel over a [rows, cols] matrix: kernel 'softmax' (rows of
// attention scores, scale 1/8), 'layerNorm' (rows of hidden states) or an activation name
// ('gelu_new', 'gelu', 'relu', 'tanh', ...; over all rows * cols elements). The input is
// restored outside the timed region before every call, so each call sees the same values
// (repeated in place, GELU would shrink them towards subnormals).
Napi::Value BenchVector(const Napi::CallbackInfo& info) {
  Napi::Object o = info[0].As<Napi::Object>();
  const std::string kernel = get_string(o, "kernel", "");
  const int rows = get_int(o, "rows", 1), cols = get_int(o, "cols", 1);
  if (rows < 1 || cols < 1) throw std::invalid_argument("rows and cols must be positive");
  const int iterations = std::max(1, get_int(o, "iterations", 10));
  const bool reference = is_reference(o);
  const Isa isa = reference ? Isa::kScalar : isa_option(o);
  const std::size_t count = static_cast<std::size_t>(rows) * cols;
  std::vector<float> input(count), x(count), gamma(cols, 1.25f), beta(cols, -0.5f);
  for (std::size_t i = 0; i < count; ++i) input[i] = static_cast<float>((i * 7919) % 2000) * 2e-3f - 2.0f;
  std::function<void()> run;
  if (kernel == "softmax") {
    run = [&] {
      if (reference) albert::softmax_rows_scalar(x.data(), rows, cols, 0.125f);
      else albert::softmax_rows(isa, x.data(), rows, cols, 0.125f);
    };
  } else if (kernel == "layerNorm") {
    run = [&] {
      if (reference) albert::layer_norm_scalar(x.data(), rows, cols, cols, gamma.data(), beta.data(), 1e-12f);
      else albert::layer_norm(isa, x.data(), rows, cols, cols, gamma.data(), beta.data(), 1e-12f);
    };
  } else {
    albert::Activation act;
    try {
      act = albert::parse_activation(kernel);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument("benchVector: kernel must be softmax, layerNorm or an activation name, got '" + kernel + "'");
    }
    const int n = static_cast<int>(count);
    run = [&, act, n] {
      if (reference) albert::apply_activation_scalar(act, x.data(), n);
      else albert::apply_activation(isa, act, x.data(), n);
    };
  }
  auto times = Napi::Float64Array::New(info.Env(), iterations);
  for (int i = -1; i < iterations; ++i) {  // i = -1: one untimed warm-up call
    std::copy(input.begin(), input.end(), x.begin());
    const auto t0 = std::chrono::steady_clock::now();
    run();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (i >= 0) times[i] = seconds;
  }
  return times;
}

// softmax({isa | 'reference', x: Float32Array [rows, cols], rows, cols, scale}) -> new array.
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Object o = info[0].As<Napi::Object>();
  const int rows = get_int(o, "rows", 1), cols = get_int(o, "cols", 1);
  const float* x = get_floats(o, "x", span(rows, cols, cols), true);
  const float scale = static_cast<float>(o.Get("scale").ToNumber().DoubleValue());
  auto out = Napi::Float32Array::New(info.Env(), span(rows, cols, cols));
  std::copy(x, x + out.ElementLength(), out.Data());
  if (is_reference(o)) albert::softmax_rows_scalar(out.Data(), rows, cols, scale);
  else albert::softmax_rows(isa_option(o), out.Data(), rows, cols, scale);
  return out;
}

// layerNorm({isa | 'reference', x [rows, ld], rows, width, ld, gamma, beta, eps}) -> new array.
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Napi::Object o = info[0].As<Napi::Object>();
  const int rows = get_int(o, "rows", 1), width = get_int(o, "width", 1), ld = get_int(o, "ld", width);
  const float* x = get_floats(o, "x", span(rows, width, ld), true);
  const float* gamma = get_floats(o, "gamma", width, true);
  const float* beta = get_floats(o, "beta", width, true);
  const float eps = static_cast<float>(o.Get("eps").ToNumber().DoubleValue());
  auto out = Napi::Float32Array::New(info.Env(), span(rows, width, ld));
  std::copy(x, x + out.ElementLength(), out.Data());
  if (is_reference(o)) albert::layer_norm_scalar(out.Data(), rows, width, ld, gamma, beta, eps);
  else albert::layer_norm(isa_option(o), out.Data(), rows, width, ld, gamma, beta, eps);
  return out;
}

// attention({isa | 'reference', bf16Tiles, heads, headDim, lengths: number[], qkv: Float32Array
// [tokens, 3 * heads * headDim], positionEmbedding, distance: Float32Array [2 * maxPositions - 1,
// headDim], maxPositions, probabilities: bool}) -> { context, probabilities? }. Sequences lie
// back to back with no padding; probabilities are [batch, heads, S, S] with S the longest.
Napi::Value Attention(const Napi::CallbackInfo& info) {
  Napi::Object o = info[0].As<Napi::Object>();
  albert::AttentionArgs args;
  args.isa = is_reference(o) ? Isa::kScalar : isa_option(o);
  args.bf16_tiles = get_bool(o, "bf16Tiles", false);
  if (args.bf16_tiles && !albert::cpu_has_amx_bf16()) throw std::invalid_argument("bf16Tiles needs AMX-BF16");
  args.heads = get_int(o, "heads", 1);
  args.head_dim = get_int(o, "headDim", 1);
  albert::TokenLayout layout;
  Napi::Array lengths = o.Get("lengths").As<Napi::Array>();
  layout.batch = static_cast<int>(lengths.Length());
  layout.seq_begin.push_back(0);
  for (int b = 0; b < layout.batch; ++b) {
    const int len = lengths.Get(b).As<Napi::Number>().Int32Value();
    layout.seq_len = std::max(layout.seq_len, len);
    layout.key_begin.push_back(layout.seq_begin.back());
    for (int p = 0; p < len; ++p) layout.position.push_back(p);
    layout.seq_begin.push_back(layout.seq_begin.back() + len);
  }
  const int tokens = layout.tokens(), width = args.heads * args.head_dim;
  args.qkv = get_floats(o, "qkv", static_cast<std::size_t>(tokens) * 3 * width, true);
  args.position_embedding = albert::parse_position_embedding(get_string(o, "positionEmbedding", "absolute"));
  args.max_positions = get_int(o, "maxPositions", layout.seq_len);
  if (args.position_embedding != albert::PositionEmbedding::kAbsolute) {
    args.distance_embedding =
        get_floats(o, "distance", static_cast<std::size_t>(2 * args.max_positions - 1) * args.head_dim, true);
  }
  auto context = Napi::Float32Array::New(info.Env(), static_cast<std::size_t>(tokens) * width);
  args.context = context.Data();
  // bf16Activations: Q, K, V rounded to bf16 in, the context as bf16 out (widened on return).
  std::vector<uint16_t> qkv_bf16, context_bf16;
  if (get_bool(o, "bf16Activations", false)) {
    qkv_bf16.resize(static_cast<std::size_t>(tokens) * 3 * width);
    for (std::size_t i = 0; i < qkv_bf16.size(); ++i) qkv_bf16[i] = gemm::detail::float_to_bf16(args.qkv[i]);
    context_bf16.resize(context.ElementLength());
    args.qkv_bf16 = qkv_bf16.data();
    args.context_bf16 = context_bf16.data();
  }
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("context", context);
  if (get_bool(o, "probabilities", false)) {
    const std::size_t s = layout.seq_len;
    auto probabilities = Napi::Float32Array::New(info.Env(), layout.batch * args.heads * s * s);
    std::fill(probabilities.Data(), probabilities.Data() + probabilities.ElementLength(), 0.0f);
    args.probabilities = probabilities.Data();
    result.Set("probabilities", probabilities);
  }
  auto pool = make_pool(get_int(o, "threads", 1));
  albert::attention(layout, args, pool.get());
  for (std::size_t i = 0; i < context_bf16.size(); ++i) context[i] = albert::bfloat16_to_float(context_bf16[i]);
  return result;
}

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  return guarded(info, F);
}

}  // namespace

void InitKernelTesting(Napi::Env env, Napi::Object exports) {
  Napi::Object t = Napi::Object::New(env);
  t.Set("gemm", Napi::Function::New<Guarded<Gemm>>(env, "gemm"));
  t.Set("gemmReference", Napi::Function::New<Guarded<GemmReference>>(env, "gemmReference"));
  t.Set("activation", Napi::Function::New<Guarded<Activation>>(env, "activation"));
  t.Set("measurePeakGflops", Napi::Function::New<Guarded<MeasurePeakGflops>>(env, "measurePeakGflops"));
  t.Set("benchGemm", Napi::Function::New<Guarded<BenchGemm>>(env, "benchGemm"));
  t.Set("benchVector", Napi::Function::New<Guarded<BenchVector>>(env, "benchVector"));
  t.Set("softmax", Napi::Function::New<Guarded<Softmax>>(env, "softmax"));
  t.Set("layerNorm", Napi::Function::New<Guarded<LayerNorm>>(env, "layerNorm"));
  t.Set("attention", Napi::Function::New<Guarded<Attention>>(env, "attention"));
  exports.Set("_testing", t);
}

}  // namespace albert_bindings
