// Vectorised activations: the same formulas as apply_activation_scalar (activation.cc),
// evaluated with per-ISA polynomial approximations accurate to a few float ulps. The GEMM
// epilogue uses them on each output tile; tests compare them against the scalar reference.
#pragma once
#include "kernels/activation.h"
#include "kernels/isa.h"

namespace albert {

// Applies act in place to x[0, n) with the isa's vector code (scalar: the reference).
void apply_activation(Isa isa, Activation act, float* x, int n);

#if defined(ALBERT_X86)
void apply_activation_avx2(Activation act, float* x, int n);
void apply_activation_avx512(Activation act, float* x, int n);
#endif
#if defined(ALBERT_ARM64)
void apply_activation_neon(Activation act, float* x, int n);
#endif

}  // namespace albert
