// The softmax body shared by the ISA files (AVX2, NEON); included once per file, compiled with
// its flags. Four passes over the row (max, exp, sum, scale; a row of scores is in L1): the
// reductions keep kSoftmaxLanes partial results, so every loop is plain element-wise code
// that GCC and clang both vectorise: clang leaves `omp simd` max and sum reductions scalar
// (5.1 ns per element on AVX2 against 1.3 this way; GCC 1.5 either way).
#pragma once
#include "kernels/activation/vector_math.h"

namespace albert {
namespace {

constexpr int kSoftmaxLanes = 16;  // two AVX2 vectors, four NEON ones

inline float softmax_row_max(const float* row, int cols, float scale) {
  float lanes[kSoftmaxLanes];
  for (int l = 0; l < kSoftmaxLanes; ++l) lanes[l] = row[0] * scale;
  int j = 0;
  for (; j + kSoftmaxLanes <= cols; j += kSoftmaxLanes) {
#pragma omp simd  // GCC leaves this select scalar without it
    for (int l = 0; l < kSoftmaxLanes; ++l) {
      const float v = row[j + l] * scale;
      lanes[l] = v > lanes[l] ? v : lanes[l];
    }
  }
  float max = lanes[0];
  for (int l = 1; l < kSoftmaxLanes; ++l) max = lanes[l] > max ? lanes[l] : max;
  for (; j < cols; ++j) max = row[j] * scale > max ? row[j] * scale : max;
  return max;
}

inline float softmax_row_sum(const float* row, int cols) {
  float lanes[kSoftmaxLanes] = {};
  int j = 0;
  for (; j + kSoftmaxLanes <= cols; j += kSoftmaxLanes) {
    for (int l = 0; l < kSoftmaxLanes; ++l) lanes[l] += row[j + l];
  }
  float sum = 0.0f;
  for (; j < cols; ++j) sum += row[j];
  for (int l = 0; l < kSoftmaxLanes; ++l) sum += lanes[l];
  return sum;
}

inline void softmax_rows_body(float* x, int rows, int cols, float scale) {
  for (int r = 0; r < rows; ++r) {
    float* row = x + static_cast<long>(r) * cols;
    const float max = softmax_row_max(row, cols, scale);
    // exp on its own, as the activations do: an element-wise loop every compiler vectorises.
    for (int j = 0; j < cols; ++j) row[j] = vm_exp(row[j] * scale - max);
    const float inv = 1.0f / softmax_row_sum(row, cols);
    for (int j = 0; j < cols; ++j) row[j] *= inv;
  }
}

}  // namespace
}  // namespace albert
