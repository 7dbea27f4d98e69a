// Vectorised activations for avx2: vector_math.h compiled with this file's ISA flags.
#if defined(ALBERT_X86)
#include "kernels/activation/activation_simd.h"
#include "kernels/activation/vector_math.h"

namespace albert {

void apply_activation_avx2(Activation act, float* x, int n) { vm_activate_array(act, x, n); }

}  // namespace albert
#endif  // ALBERT_X86
