// int8 GEMM pieces in portable code: quantising B once per column (every kernel reads the same
// packed B), and the scalar kernel, whose arithmetic every other int8 kernel reproduces bit for
// bit (microkernel.h, Int8Kernel).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

void quantise_rows_scalar(int m, int k, const float* a, int lda, uint8_t* dst, float* row_scale) {
  const int kpad = int8_k_padded(k);
  for (int i = 0; i < m; ++i) {
    const float* row = a + static_cast<std::size_t>(i) * lda;
    uint8_t* out = dst + static_cast<std::size_t>(i) * kpad;
    float max_abs = 0.0f;
    for (int kk = 0; kk < k; ++kk) max_abs = std::max(max_abs, std::fabs(row[kk]));
    const float scale = int8_scale_for(max_abs);
    const float inv = 1.0f / scale;
    for (int kk = 0; kk < k; ++kk) out[kk] = static_cast<uint8_t>(quantise_int8(row[kk], inv) + kInt8Zero);
    for (int kk = k; kk < kpad; ++kk) out[kk] = kInt8Zero;
    row_scale[i] = scale;
  }
}

void tile_scalar(int rows, int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b,
                 float* out) {
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < kInt8TileCols; ++j) {
      const int8_t* column = b.b + (j / 16) * b.group_stride + (j % 16) * 4;
      int32_t sum = 0;
      for (int q = 0; q < kq; ++q) {
        for (int t = 0; t < 4; ++t) sum += static_cast<int32_t>(a[r * lda + q * 4 + t]) * column[q * 64 + t];
      }
      // The uint8 offset of A added kInt8Zero * (column sum of B) to every product.
      const int32_t exact = sum - kInt8Zero * b.sum[j];
      out[r * kInt8TileCols + j] = static_cast<float>(exact) * (row_scale[r] * b.scale[j]);
    }
  }
}

void store_scalar(const float* values, int rows, int cols, float* c, int ldc, const BlockEpilogue* ep) {
  copy_int8_tile(values, rows, cols, c, ldc);
  if (ep) apply_epilogue_portable(*ep, rows, cols, c, ldc);
}

}  // namespace

void pack_b_int8(const float* b, int n, int k, int ldb, bool transposed, PackedB& packed) {
  const int kpad = int8_k_padded(k);
  const int npad = int8_n_padded(n);
  packed.s8.resize(static_cast<std::size_t>(npad) * kpad);
  packed.col_scale.resize(npad);
  packed.col_sum.resize(npad);
  std::memset(packed.s8.data(), 0, packed.s8.size());
  auto at = [&](int kk, int j) {
    return transposed ? b[static_cast<std::size_t>(j) * ldb + kk] : b[static_cast<std::size_t>(kk) * ldb + j];
  };
  for (int j = 0; j < npad; ++j) {
    float max_abs = 0.0f;
    for (int kk = 0; j < n && kk < k; ++kk) max_abs = std::max(max_abs, std::fabs(at(kk, j)));
    const float scale = int8_scale_for(max_abs);
    const float inv = 1.0f / scale;
    int8_t* group = packed.s8.data() + static_cast<std::size_t>(j / 16) * kpad * 16;
    int32_t sum = 0;
    for (int kk = 0; j < n && kk < k; ++kk) {
      const int q = quantise_int8(at(kk, j), inv);
      group[(static_cast<std::size_t>(kk / 4) * 16 + j % 16) * 4 + kk % 4] = static_cast<int8_t>(q);
      sum += q;
    }
    packed.col_scale.data()[j] = j < n ? scale : 0.0f;
    packed.col_sum.data()[j] = sum;
  }
}

const Int8Kernel& scalar_int8_kernel() {
  static const Int8Kernel kernel{quantise_rows_scalar, tile_scalar, store_scalar};
  return kernel;
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
