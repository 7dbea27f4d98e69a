// Vectorised activations for avx512: vector_math.h compiled with this file's ISA flags.
#if defined(ALBERT_X86)
#include "kernels/activation/activation_simd.h"
#include "kernels/activation/vector_math.h"

namespace albert {

void apply_activation_avx512(Activation act, float* x, int n) { vm_activate_array(act, x, n); }

}  // namespace albert
#endif  // ALBERT_X86
