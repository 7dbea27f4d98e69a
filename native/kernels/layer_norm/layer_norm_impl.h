// The LayerNorm body shared by the ISA files; included once per file, compiled with its flags.
// The `omp simd` reductions (enabled by -fopenmp-simd, no OpenMP runtime) let the sums vectorise.
#pragma once
#include <cmath>

namespace albert {
namespace {

inline void layer_norm_body(float* x, int rows, int width, int ld, const float* gamma, const float* beta, float eps) {
  for (int r = 0; r < rows; ++r) {
    float* row = x + static_cast<long>(r) * ld;
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int i = 0; i < width; ++i) sum += row[i];
    const float mean = sum / width;
    float squares = 0.0f;
#pragma omp simd reduction(+ : squares)
    for (int i = 0; i < width; ++i) {
      const float d = row[i] - mean;
      squares += d * d;
    }
    const float inv_std = 1.0f / std::sqrt(squares / width + eps);
    for (int i = 0; i < width; ++i) row[i] = (row[i] - mean) * inv_std * gamma[i] + beta[i];
  }
}

}  // namespace
}  // namespace albert
