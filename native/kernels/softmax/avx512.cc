// softmax_rows for AVX-512, written with intrinsics: attention's rows are short (128 keys at
// ALBERT-base), so the per-row reductions matter as much as the exp, and GCC's `omp simd`
// reductions (softmax_impl.h) finish each one with 16 scalar adds through the stack. Here
// each reduction is one in-register tree, and exp is avx512_math.h's.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/activation/avx512_math.h"
#include "kernels/gemm/avx512_mask.h"
#include "kernels/softmax/softmax.h"

namespace albert {
namespace {

using gemm::detail::lanes;

void softmax_row(float* row, int cols, float scale) {
  const __m512 s = _mm512_set1_ps(scale);
  __m512 max = _mm512_set1_ps(-__builtin_inff());
  for (int j = 0; j < cols; j += 16) {
    const __mmask16 m = lanes(cols - j);
    max = _mm512_mask_max_ps(max, m, max, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + j), s));
  }
  const __m512 row_max = _mm512_set1_ps(_mm512_reduce_max_ps(max));
  __m512 sum = _mm512_setzero_ps();
  for (int j = 0; j < cols; j += 16) {
    const __mmask16 m = lanes(cols - j);
    const __m512 e = avx512_exp(_mm512_fmsub_ps(_mm512_maskz_loadu_ps(m, row + j), s, row_max));
    _mm512_mask_storeu_ps(row + j, m, e);
    sum = _mm512_mask_add_ps(sum, m, sum, e);
  }
  const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
  for (int j = 0; j < cols; j += 16) {
    const __mmask16 m = lanes(cols - j);
    _mm512_mask_storeu_ps(row + j, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + j), inv));
  }
}

}  // namespace

void softmax_rows_avx512(float* x, int rows, int cols, float scale) {
  for (int r = 0; r < rows; ++r) softmax_row(x + static_cast<long>(r) * cols, cols, scale);
}

}  // namespace albert
#endif
