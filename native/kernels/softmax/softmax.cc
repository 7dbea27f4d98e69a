#include "kernels/softmax/softmax.h"

#include <cmath>

namespace albert {

void softmax_rows_scalar(float* x, int rows, int cols, float scale) {
  for (int r = 0; r < rows; ++r) {
    float* row = x + static_cast<long>(r) * cols;
    float max = -INFINITY;
    for (int j = 0; j < cols; ++j) max = std::fmax(max, row[j] * scale);
    float sum = 0.0f;
    for (int j = 0; j < cols; ++j) {
      row[j] = std::exp(row[j] * scale - max);
      sum += row[j];
    }
    const float inv = 1.0f / sum;
    for (int j = 0; j < cols; ++j) row[j] *= inv;
  }
}

void softmax_rows(Isa isa, float* x, int rows, int cols, float scale) {
#if defined(ALBERT_X86)
  if (isa == Isa::kAvx512) return softmax_rows_avx512(x, rows, cols, scale);
  if (isa == Isa::kAvx2) return softmax_rows_avx2(x, rows, cols, scale);
#endif
#if defined(ALBERT_ARM64)
  if (isa == Isa::kNeon) return softmax_rows_neon(x, rows, cols, scale);
#endif
  softmax_rows_scalar(x, rows, cols, scale);
}

}  // namespace albert
