// Picks the vectorised activation for an ISA.
#include "kernels/activation/activation_simd.h"

namespace albert {

void apply_activation(Isa isa, Activation act, float* x, int n) {
  if (act == Activation::kIdentity || n <= 0) return;
#if defined(ALBERT_X86)
  if (isa == Isa::kAvx512) return apply_activation_avx512(act, x, n);
  if (isa == Isa::kAvx2) return apply_activation_avx2(act, x, n);
#endif
#if defined(ALBERT_ARM64)
  if (isa == Isa::kNeon) return apply_activation_neon(act, x, n);
#endif
  apply_activation_scalar(act, x, n);
}

}  // namespace albert
