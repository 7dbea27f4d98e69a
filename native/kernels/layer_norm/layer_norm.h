// Row-wise LayerNorm, in place: y = (x - mean) / sqrt(var + eps) * gamma + beta.
// Two passes per row (mean, then centred variance) for accuracy. One body
// (layer_norm_impl.h) compiled per ISA file; the portable build is the scalar reference, and
// on AArch64 also the NEON path (NEON is in the baseline flags, so a neon.cc would compile the
// very same code).
#pragma once
#include "kernels/isa.h"

namespace albert {

// rows x width with row stride ld.
void layer_norm(Isa isa, float* x, int rows, int width, int ld, const float* gamma, const float* beta, float eps);
void layer_norm_scalar(float* x, int rows, int width, int ld, const float* gamma, const float* beta, float eps);
#if defined(ALBERT_X86)
void layer_norm_avx2(float* x, int rows, int width, int ld, const float* gamma, const float* beta, float eps);
void layer_norm_avx512(float* x, int rows, int width, int ld, const float* gamma, const float* beta, float eps);
#endif

}  // namespace albert
