#include "kernels/layer_norm/layer_norm.h"

#include <cmath>

namespace albert {

void layer_norm(float* x, int rows, int width, int ld, const float* gamma, const float* beta,
                float eps) {
  for (int r = 0; r < rows; ++r) {
    float* row = x + static_cast<long>(r) * ld;
    float sum = 0.0f;
    for (int i = 0; i < width; ++i) sum += row[i];
    const float mean = sum / width;
    float squares = 0.0f;
    for (int i = 0; i < width; ++i) {
      float d = row[i] - mean;
      squares += d * d;
    }
    const float inv_std = 1.0f / std::sqrt(squares / width + eps);
    for (int i = 0; i < width; ++i) row[i] = (row[i] - mean) * inv_std * gamma[i] + beta[i];
  }
}

}  // namespace albert
