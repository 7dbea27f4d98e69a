// The reference every ISA path is tested against: a plain triple loop in float, written for
// obviousness rather than speed.
#include "kernels/gemm/microkernel.h"
#include "kernels/layer_norm/layer_norm.h"

namespace albert {
namespace gemm {

void gemm_reference(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                    bool b_transposed, float* c, int ldc, const Epilogue& epilogue) {
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (int p = 0; p < k; ++p) {
        const float bv = b_transposed ? b[static_cast<std::size_t>(j) * ldb + p]
                                      : b[static_cast<std::size_t>(p) * ldb + j];
        sum += a[static_cast<std::size_t>(i) * lda + p] * bv;
      }
      c[static_cast<std::size_t>(i) * ldc + j] = sum;
    }
  }
  detail::apply_epilogue_portable(detail::offset_epilogue(epilogue, 0, 0), m, n, c, ldc);
  const RowLayerNorm& ln = epilogue.layer_norm;
  if (ln.gamma) layer_norm_scalar(c, m, n, ldc, ln.gamma, ln.beta, ln.eps);
}

}  // namespace gemm
}  // namespace albert
