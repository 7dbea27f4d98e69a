// Portable epilogue: bias, activation, residual, in the order gemm.h documents.
#include "kernels/gemm/epilogue_rows.h"

namespace albert {
namespace gemm {
namespace detail {

void apply_epilogue_portable(const BlockEpilogue& ep, int m, int n, float* c, int ldc) {
  epilogue_rows(ep, m, n, c, ldc, [&](float* row, int width) { apply_activation_scalar(ep.activation, row, width); });
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
