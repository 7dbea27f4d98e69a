// The AVX-512 epilogue: bias, activation, residual on a tile of C (at most 32 columns) while it
// is in L1, one pass per row. Used in place by the fp32 AVX-512 and AVX512-BF16 kernels.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/activation/avx512_math.h"
#include "kernels/gemm/avx512_mask.h"
#include "kernels/gemm/epilogue/avx512_row.h"
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {

void avx512_store_tile(const float* src, int lds, int m, int n, float* c, int ldc, const BlockEpilogue* ep) {
  const bool any = ep && (ep->bias || ep->residual || ep->activation != Activation::kIdentity);
  if (!any && src == c) return;
  const __mmask16 mask[2] = {lanes(n), lanes(n - 16)};
  const Activation act = ep ? ep->activation : Activation::kIdentity;
  with_activation(act, [&](auto tag) {
    alignas(64) float spill[32];
    for (int i = 0; i < m; ++i) {
      const float* s = src + static_cast<std::ptrdiff_t>(i) * lds;
      __m512 v0 = _mm512_maskz_loadu_ps(mask[0], s), v1 = _mm512_maskz_loadu_ps(mask[1], s + 16);
      const float* residual = ep && ep->residual ? ep->residual + static_cast<std::ptrdiff_t>(i) * ep->ldr : nullptr;
      epilogue_x32<decltype(tag)::value>(v0, v1, mask, ep ? ep->bias : nullptr, residual, spill);
      float* row = c + static_cast<std::ptrdiff_t>(i) * ldc;
      _mm512_mask_storeu_ps(row, mask[0], v0);
      _mm512_mask_storeu_ps(row + 16, mask[1], v1);
    }
  });
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
