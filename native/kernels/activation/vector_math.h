// Branch-free float math for the activations, written as plain scalar C++ so that the same
// source vectorises under each ISA file's flags (activation/avx2.cc, activation/avx512.cc, the
// GEMM epilogues): every function is straight-line arithmetic and selects, which GCC and
// Clang turn into SIMD loops. Accuracy: a few float ulps against the libm-based scalar
// reference in activation.cc (tested in test/kernels/activation.test.mjs).
//
// Everything has internal linkage on purpose: each ISA file gets its own copy compiled with
// its own flags, and none can leak into another translation unit through the linker.
#pragma once
#include <cstdint>
#include <cstring>

#include "kernels/activation.h"

namespace albert {
namespace {

inline float vm_bits_to_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline float vm_abs(float x) { return x < 0.0f ? -x : x; }

// exp(x): 2^n * e^r with |r| <= ln2 / 2, e^r by a degree-7 Taylor polynomial (truncation
// < 1e-8 relative). Overflows to +inf like expf; below -87 (where expf goes subnormal) it
// returns the smallest normal, then 0 below -104.
inline float vm_exp(float x) {
  const float in = x;
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.3f ? 88.3f : x;
  const float shifter = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float n = (x * 1.44269504088896341f + shifter) - shifter;
  float r = x - n * 0.693145751953125f;  // ln 2 split in a high part exact in float...
  r = r - n * 1.428606765330187045e-06f;  // ...and the rest
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t e = static_cast<int32_t>(n) + 127;
  const float result = p * vm_bits_to_float(static_cast<uint32_t>(e) << 23);
  const float inf = vm_bits_to_float(0x7f800000u);
  return in > 88.7228f ? inf : (in < -104.0f ? 0.0f : result);
}

// tanh: odd Taylor polynomial below |x| = 0.4 (where 1 - 2 / (e^2x + 1) would cancel),
// otherwise the exp form; saturates to +-1 through exp's clamp.
inline float vm_tanh(float x) {
  const float ax = vm_abs(x);
  const float x2 = x * x;
  float p = 21844.0f / 6081075.0f;
  p = p * x2 - 1382.0f / 155925.0f;
  p = p * x2 + 62.0f / 2835.0f;
  p = p * x2 - 17.0f / 315.0f;
  p = p * x2 + 2.0f / 15.0f;
  p = p * x2 - 1.0f / 3.0f;
  const float small = x + x * x2 * p;
  const float large = 1.0f - 2.0f / (vm_exp(2.0f * ax) + 1.0f);
  return ax < 0.4f ? small : (x < 0.0f ? -large : large);
}

// erfc(x) e^(x^2) on [1, 4] as a polynomial in s = (1/x - 0.625) / 0.375: a Chebyshev
// least-squares fit of degree 10 (max relative error 1.4e-7 in float).
inline float vm_erfc_scaled(float x) {
  const float s = (1.0f / x - 0.625f) / 0.375f;
  float p = -1.8213908106190502e-06f;
  p = p * s + 3.7412848996609682e-06f;
  p = p * s + 1.7768072666513035e-06f;
  p = p * s - 2.79234391200589e-05f;
  p = p * s + 0.00012022069859085605f;
  p = p * s - 0.00034821993904188275f;
  p = p * s + 0.00046136180753819644f;
  p = p * s + 0.0023080469109117985f;
  p = p * s - 0.024243013933300972f;
  p = p * s + 0.14335641264915466f;
  p = p * s + 0.3059529960155487f;
  return p;
}

// erf: Maclaurin series in x^2 up to x^21 for |x| <= 1 (error < 1e-9), 1 - e^(-x^2) Q(x)
// above, clamped at 4 where erf rounds to 1 in float.
inline float vm_erf(float x) {
  const float ax = vm_abs(x) > 4.0f ? 4.0f : vm_abs(x);
  const float x2 = x * x;
  // 2/sqrt(pi) * (-1)^n / (n! (2n + 1)), n = 10 .. 0
  float p = 1.48071928e-08f;
  p = p * x2 - 1.63658447e-07f;
  p = p * x2 + 1.64621144e-06f;
  p = p * x2 - 1.49256504e-05f;
  p = p * x2 + 1.20553330e-04f;
  p = p * x2 - 8.54832702e-04f;
  p = p * x2 + 5.22397763e-03f;
  p = p * x2 - 2.68661706e-02f;
  p = p * x2 + 1.12837917e-01f;
  p = p * x2 - 3.76126389e-01f;
  p = p * x2 + 1.12837917e+00f;
  const float small = x * p;
  const float large = 1.0f - vm_exp(-ax * ax) * vm_erfc_scaled(ax > 1.0f ? ax : 1.0f);
  return ax <= 1.0f ? small : (x < 0.0f ? -large : large);
}

// The activation formulas of activation.cc, on one element.
inline float vm_activate(Activation act, float v) {
  switch (act) {
    case Activation::kIdentity: return v;
    case Activation::kGeluErf: return 0.5f * v * (1.0f + vm_erf(v * 0.70710678118654752f));
    // 0.5 (1 + tanh(u)) = 1 / (1 + e^(-2u)): one exp and one division instead of tanh's
    // polynomial, exp and select, and no cancellation in 1 + tanh(u) for negative u.
    case Activation::kGeluTanh:
      return v / (1.0f + vm_exp(-2.0f * 0.79788456080286536f * (v + 0.044715f * v * v * v)));
    case Activation::kGeluFast: return v / (1.0f + vm_exp(-2.0f * v * 0.7978845608f * (1.0f + 0.044715f * v * v)));
    case Activation::kQuickGelu: return v / (1.0f + vm_exp(-1.702f * v));
    case Activation::kRelu: return v > 0.0f ? v : 0.0f;
    case Activation::kSilu: return v / (1.0f + vm_exp(-v));
    case Activation::kTanh: return vm_tanh(v);
  }
  return v;
}

// x[0, n) = act(x): one loop per activation so each vectorises with the switch hoisted out.
template <Activation kAct>
inline void vm_activate_loop(float* x, int n) {
  for (int i = 0; i < n; ++i) x[i] = vm_activate(kAct, x[i]);
}

inline void vm_activate_array(Activation act, float* x, int n) {
  if (act == Activation::kIdentity) return;
  with_activation(act, [&](auto tag) { vm_activate_loop<decltype(tag)::value>(x, n); });
}

}  // namespace
}  // namespace albert
