// Vectorised activations for AArch64 NEON: vector_math.h, which vectorises with the baseline flags.
#if defined(ALBERT_ARM64)
#include "kernels/activation/activation_simd.h"
#include "kernels/activation/vector_math.h"

namespace albert {

void apply_activation_neon(Activation act, float* x, int n) { vm_activate_array(act, x, n); }

}  // namespace albert
#endif  // ALBERT_ARM64
