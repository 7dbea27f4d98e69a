#include "kernels/layer_norm/layer_norm.h"

#include "kernels/layer_norm/layer_norm_impl.h"

namespace albert {

void layer_norm_scalar(float* x, int rows, int width, int ld, const float* gamma, const float* beta, float eps) {
  layer_norm_body(x, rows, width, ld, gamma, beta, eps);
}

void layer_norm(Isa isa, float* x, int rows, int width, int ld, const float* gamma, const float* beta, float eps) {
#if defined(ALBERT_X86)
  if (isa == Isa::kAvx512) return layer_norm_avx512(x, rows, width, ld, gamma, beta, eps);
  if (isa == Isa::kAvx2) return layer_norm_avx2(x, rows, width, ld, gamma, beta, eps);
#endif
  layer_norm_scalar(x, rows, width, ld, gamma, beta, eps);
}

}  // namespace albert
