// Row-wise softmax of scaled scores, in place: x[r, :] = softmax(scale * x[r, :]).
// One implementation body (softmax_impl.h) compiled per ISA file with that ISA's flags, so
// the exp vectorises; the scalar reference uses libm's expf.
#pragma once
#include "kernels/isa.h"

namespace albert {

void softmax_rows(Isa isa, float* x, int rows, int cols, float scale);
void softmax_rows_scalar(float* x, int rows, int cols, float scale);
#if defined(ALBERT_X86)
void softmax_rows_avx2(float* x, int rows, int cols, float scale);
void softmax_rows_avx512(float* x, int rows, int cols, float scale);
#endif
#if defined(ALBERT_ARM64)
void softmax_rows_neon(float* x, int rows, int cols, float scale);
#endif

}  // namespace albert
