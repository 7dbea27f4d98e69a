// layer_norm for AVX512 (this file is compiled with AVX512 flags; see CMakeLists.txt).
#if defined(ALBERT_X86)
#include "kernels/layer_norm/layer_norm.h"
#include "kernels/layer_norm/layer_norm_impl.h"

namespace albert {

void layer_norm_avx512(float* x, int rows, int width, int ld, const float* gamma, const float* beta, float eps) {
  layer_norm_body(x, rows, width, ld, gamma, beta, eps);
}

}  // namespace albert
#endif
