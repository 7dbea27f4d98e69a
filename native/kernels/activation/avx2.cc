#if defined(ALBERT_X86)
#include "kernels/activation/activation_simd.h"
namespace albert {
void apply_activation_avx2(Activation act, float* x, int n) { apply_activation_scalar(act, x, n); }
}
#endif
