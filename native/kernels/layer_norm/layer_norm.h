// Row-wise LayerNorm: y = (x - mean) / sqrt(var + eps) * gamma + beta, in place.
#pragma once

namespace albert {

// rows x width, row stride ld. Two passes per row (mean, then centred variance) for accuracy.
void layer_norm(float* x, int rows, int width, int ld, const float* gamma, const float* beta,
                float eps);

}  // namespace albert
