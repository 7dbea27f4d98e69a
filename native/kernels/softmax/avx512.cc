// softmax_rows for AVX-512, written with intrinsics: attention's rows are short (128 keys at
// ALBERT-base), so the per-row reductions matter as much as the exp, and GCC's `omp simd`
// reductions (softmax_impl.h) finish each one with 16 scalar adds through the stack. Here
// each reduction is one in-register tree, and exp scales by 2^n with VSCALEFPS, which also
// handles underflow, so no clamping selects are needed.
#if defined(ALBERT_X86)
// GCC 12 warns that the "undefined" source register inside _mm512_max_ps, _mm512_roundscale_ps
// and the _mm512_reduce_* helpers may be uninitialised: a false positive of its headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "kernels/gemm/avx512_mask.h"
#include "kernels/softmax/softmax.h"

namespace albert {
namespace {

using gemm::detail::lanes;

// e^x for x <= 88: 2^n e^r, |r| <= ln2 / 2, e^r by the degree-7 Taylor polynomial vm_exp
// uses (activation/vector_math.h). Inputs below -88 give ~0, as e^x does.
inline __m512 exp_ps(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-88.0f));
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
    const __m512 e = exp_ps(_mm512_fmsub_ps(_mm512_maskz_loadu_ps(m, row + j), s, row_max));
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
