// Vectorised activations for avx512: the intrinsics forms of avx512_math.h, vector_math.h for
// the rest (compiled with this file's ISA flags).
#if defined(ALBERT_X86)
#include "kernels/activation/activation_simd.h"
#include "kernels/activation/avx512_math.h"

namespace albert {

void apply_activation_avx512(Activation act, float* x, int n) { avx512_activate_array(act, x, n); }

}  // namespace albert
#endif  // ALBERT_X86
