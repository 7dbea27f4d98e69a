// softmax_rows for AVX512 (this file is compiled with AVX512 flags; see CMakeLists.txt).
#if defined(ALBERT_X86)
#include "kernels/softmax/softmax.h"
#include "kernels/softmax/softmax_impl.h"

namespace albert {

void softmax_rows_avx512(float* x, int rows, int cols, float scale) { softmax_rows_body(x, rows, cols, scale); }

}  // namespace albert
#endif
