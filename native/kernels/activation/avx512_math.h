// AVX-512 intrinsics forms of vector_math.h's exp and of the activations built on it, for the
// hot loops where GCC's vectorisation of the scalar forms falls short: the GEMM epilogues
// (GELU over the FFN's [tokens, 3072] output) and the softmax. Same formulas and polynomial
// as vector_math.h, so the same few-ulp accuracy; activations without an intrinsics form here
// (erf GELU, tanh) go through vector_math.h. Include only from files compiled with AVX-512.
#pragma once
#if defined(ALBERT_X86)
// GCC 12 warns that the "undefined" pass-through register inside _mm512_max_ps, _min_ps,
// _roundscale_ps, _scalef_ps and _mm512_reduce_* may be uninitialised where they inline: a
// false positive of its headers. Silenced for the rest of each file that includes this one.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "kernels/activation/vector_math.h"
#include "kernels/gemm/avx512_mask.h"

namespace albert {
namespace {

// e^x: 2^n e^r with |r| <= ln2 / 2 and e^r by vm_exp's degree-7 polynomial; VSCALEFPS applies
// 2^n, underflowing gracefully. x is clamped to [-88, 89]: e^-88 is ~6e-39, and 89 already
// overflows to +inf, as expf does.
inline __m512 avx512_exp(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-88.0f)), _mm512_set1_ps(89.0f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187045e-06f), r);
  __m512 p = _mm512_set1_ps(1.0f / 5040.0f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

// x / (1 + e^(-s)): the sigmoid-gated activations below, as in vm_activate.
inline __m512 avx512_gate(__m512 x, __m512 s) {
  return _mm512_div_ps(x, _mm512_add_ps(_mm512_set1_ps(1.0f), avx512_exp(_mm512_sub_ps(_mm512_setzero_ps(), s))));
}

constexpr bool has_avx512_form(Activation act) {
  return act != Activation::kGeluErf && act != Activation::kTanh;
}

// act on 16 lanes; only for activations with has_avx512_form.
template <Activation kAct>
inline __m512 avx512_activate(__m512 v) {
  static_assert(has_avx512_form(kAct), "no intrinsics form: use vector_math.h");
  const __m512 v2 = _mm512_mul_ps(v, v);
  switch (kAct) {
    case Activation::kGeluTanh:  // s = 2 sqrt(2/pi) (v + 0.044715 v^3)
      return avx512_gate(v, _mm512_mul_ps(v, _mm512_fmadd_ps(v2, _mm512_set1_ps(2.0f * 0.79788456080286536f * 0.044715f),
                                                              _mm512_set1_ps(2.0f * 0.79788456080286536f))));
    case Activation::kGeluFast:
      return avx512_gate(v, _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(2.0f * 0.7978845608f), v),
                                          _mm512_fmadd_ps(v2, _mm512_set1_ps(0.044715f), _mm512_set1_ps(1.0f))));
    case Activation::kQuickGelu: return avx512_gate(v, _mm512_mul_ps(v, _mm512_set1_ps(1.702f)));
    case Activation::kSilu: return avx512_gate(v, v);
    case Activation::kRelu: return _mm512_max_ps(v, _mm512_setzero_ps());
    default: return v;
  }
}

template <Activation kAct>
inline void avx512_activate_loop(float* x, int n) {
  if constexpr (has_avx512_form(kAct)) {
    for (int i = 0; i < n; i += 16) {
      const __mmask16 m = gemm::detail::lanes(n - i);
      _mm512_mask_storeu_ps(x + i, m, avx512_activate<kAct>(_mm512_maskz_loadu_ps(m, x + i)));
    }
  } else {
    vm_activate_loop<kAct>(x, n);
  }
}

// x[0, n) = act(x).
inline void avx512_activate_array(Activation act, float* x, int n) {
  if (act == Activation::kIdentity) return;
  with_activation(act, [&](auto tag) { avx512_activate_loop<decltype(tag)::value>(x, n); });
}

}  // namespace
}  // namespace albert
#endif  // ALBERT_X86
