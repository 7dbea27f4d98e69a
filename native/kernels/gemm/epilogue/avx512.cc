// The AVX-512 epilogue: bias, activation, residual on a tile of C while it is in L1. Shared by
// the fp32 AVX-512 kernel (in place) and the bf16 kernels (from their fp32 tile scratch).
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/activation/avx512_math.h"
#include "kernels/gemm/avx512_mask.h"
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {

void avx512_store_tile(const float* src, int lds, int m, int n, float* c, int ldc, const BlockEpilogue* ep) {
  const bool bias = ep && ep->bias, residual = ep && ep->residual;
  const bool activation = ep && ep->activation != Activation::kIdentity;
  for (int i = 0; i < m; ++i) {
    const float* s = src + static_cast<std::ptrdiff_t>(i) * lds;
    float* row = c + static_cast<std::ptrdiff_t>(i) * ldc;
    if (bias || s != row) {
      for (int j = 0; j < n; j += 16) {
        const __mmask16 mask = lanes(n - j);
        __m512 v = _mm512_maskz_loadu_ps(mask, s + j);
        if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, ep->bias + j));
        _mm512_mask_storeu_ps(row + j, mask, v);
      }
    }
    if (activation) avx512_activate_array(ep->activation, row, n);
    if (residual) {
      const float* r = ep->residual + static_cast<std::ptrdiff_t>(i) * ep->ldr;
      for (int j = 0; j < n; j += 16) {
        const __mmask16 mask = lanes(n - j);
        const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, row + j), _mm512_maskz_loadu_ps(mask, r + j));
        _mm512_mask_storeu_ps(row + j, mask, v);
      }
    }
  }
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
