// Portable epilogue: bias, activation, residual, in the order gemm.h documents.
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {

void apply_epilogue_portable(const BlockEpilogue& ep, int m, int n, float* c, int ldc) {
  for (int i = 0; i < m; ++i) {
    float* row = c + static_cast<std::ptrdiff_t>(i) * ldc;
    if (ep.bias) {
      for (int j = 0; j < n; ++j) row[j] += ep.bias[j];
    }
    apply_activation_scalar(ep.activation, row, n);
    if (ep.residual) {
      const float* res = ep.residual + static_cast<std::ptrdiff_t>(i) * ep.ldr;
      for (int j = 0; j < n; ++j) row[j] += res[j];
    }
  }
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
