// The GEMM epilogue on one row of at most 32 columns, in registers: + bias, the activation
// (fixed at compile time, so GELU is one straight vector sequence), + residual - one pass,
// after which the caller stores the row once. Shared by the AMX kernel (rows from its L1 tile
// buffer) and avx512_store_tile (the fp32 and AVX512-BF16 kernels' tiles). Include only from
// files compiled with AVX-512 flags.
#pragma once
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/activation/avx512_math.h"
#include "kernels/gemm/avx512_mask.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

// v0, v1: columns 0-15 and 16-31 of the row's products, updated in place; m: their valid
// lanes. spill: 32 aligned floats of scratch for activations without an intrinsics form.
template <Activation kAct>
inline void epilogue_x32(__m512& v0, __m512& v1, const __mmask16 m[2], const float* bias, const float* residual,
                         float* spill) {
  if (bias) {
    v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m[0], bias));
    v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m[1], bias + 16));
  }
  if constexpr (has_avx512_form(kAct)) {
    v0 = avx512_activate<kAct>(v0);
    v1 = avx512_activate<kAct>(v1);
  } else {
    _mm512_store_ps(spill, v0);
    _mm512_store_ps(spill + 16, v1);
    vm_activate_loop<kAct>(spill, 32);
    v0 = _mm512_load_ps(spill);
    v1 = _mm512_load_ps(spill + 16);
  }
  if (residual) {
    v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m[0], residual));
    v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m[1], residual + 16));
  }
}

}  // namespace
}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
