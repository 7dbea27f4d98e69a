// The softmax body shared by the ISA files; included once per file, compiled with its flags.
// Three simple passes (max, exp and sum, scale) that GCC vectorises (`omp simd` reductions via
// -fopenmp-simd, no OpenMP runtime); vm_exp is branch-free.
#pragma once
#include "kernels/activation/vector_math.h"

namespace albert {
namespace {

inline void softmax_rows_body(float* x, int rows, int cols, float scale) {
  for (int r = 0; r < rows; ++r) {
    float* row = x + static_cast<long>(r) * cols;
    float max = row[0] * scale;
#pragma omp simd reduction(max : max)
    for (int j = 1; j < cols; ++j) max = row[j] * scale > max ? row[j] * scale : max;
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < cols; ++j) {
      row[j] = vm_exp(row[j] * scale - max);
      sum += row[j];
    }
    const float inv = 1.0f / sum;
    for (int j = 0; j < cols; ++j) row[j] *= inv;
  }
}

}  // namespace
}  // namespace albert
