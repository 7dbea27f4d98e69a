// softmax_rows for AArch64 NEON: the shared body, which vectorises to NEON with the baseline flags.
#if defined(ALBERT_ARM64)
#include "kernels/softmax/softmax.h"
#include "kernels/softmax/softmax_impl.h"

namespace albert {

void softmax_rows_neon(float* x, int rows, int cols, float scale) { softmax_rows_body(x, rows, cols, scale); }

}  // namespace albert
#endif  // ALBERT_ARM64
