// AVX-VNNI int8 kernel (VEX-encoded VPDPBUSD on ymm): for cores with AVX2 but no AVX-512,
// such as Alder Lake and later client CPUs. The 32 columns of a tile are four ymm of int32
// sums per row, so rows go three at a time: 12 accumulators, three broadcasts of A and one
// ymm of B fill the 16 registers. Quantising A and scaling back repeat int8.cc's scalar
// arithmetic exactly, so all int8 kernels give the same results bit for bit.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "kernels/gemm/epilogue_rows.h"
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kChunkRows = 3;

void quantise_rows(int m, int k, const float* a, int lda, uint8_t* dst, float* row_scale) {
  const int kpad = int8_k_padded(k);
  const int whole = k / 8 * 8;
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 lower = _mm256_set1_ps(-127.0f), upper = _mm256_set1_ps(127.0f);
  const __m256 half = _mm256_set1_ps(0.5f), minus_half = _mm256_set1_ps(-0.5f);
  for (int i = 0; i < m; ++i) {
    const float* row = a + static_cast<std::size_t>(i) * lda;
    uint8_t* out = dst + static_cast<std::size_t>(i) * kpad;
    __m256 max_abs = _mm256_setzero_ps();
    for (int kk = 0; kk < whole; kk += 8) max_abs = _mm256_max_ps(max_abs, _mm256_andnot_ps(sign, _mm256_loadu_ps(row + kk)));
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, max_abs);
    float largest = 0.0f;
    for (float v : lanes) largest = std::max(largest, v);
    for (int kk = whole; kk < k; ++kk) largest = std::max(largest, std::fabs(row[kk]));
    const float scale = int8_scale_for(largest);
    const float inv_scalar = 1.0f / scale;
    const __m256 inv = _mm256_set1_ps(inv_scalar);
    for (int kk = 0; kk < whole; kk += 8) {
      __m256 y = _mm256_mul_ps(_mm256_loadu_ps(row + kk), inv);
      y = _mm256_min_ps(_mm256_max_ps(y, lower), upper);
      const __m256 rounding = _mm256_blendv_ps(minus_half, half, _mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GE_OQ));
      alignas(32) int32_t q[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(q), _mm256_cvttps_epi32(_mm256_add_ps(y, rounding)));
      for (int t = 0; t < 8; ++t) out[kk + t] = static_cast<uint8_t>(q[t] + kInt8Zero);
    }
    for (int kk = whole; kk < k; ++kk) out[kk] = static_cast<uint8_t>(quantise_int8(row[kk], inv_scalar) + kInt8Zero);
    for (int kk = k; kk < kpad; ++kk) out[kk] = kInt8Zero;
    row_scale[i] = scale;
  }
}

// Up to three rows (kRows) of the tile.
template <int kRows>
void chunk(int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b, float* out) {
  __m256i acc[kRows][4];
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < 4; ++v) acc[r][v] = _mm256_setzero_si256();
  }
  for (int q = 0; q < kq; ++q) {
    __m256i x[kRows];
    for (int r = 0; r < kRows; ++r) {
      const float* quad = reinterpret_cast<const float*>(a + static_cast<std::size_t>(r) * lda + q * 4);
      x[r] = _mm256_castps_si256(_mm256_broadcast_ss(quad));
    }
    for (int v = 0; v < 4; ++v) {
      // Columns 8v..8v+7: group v / 2, its half v % 2 (a group's quad row is 64 bytes).
      const int8_t* w = b.b + (v / 2) * b.group_stride + static_cast<std::size_t>(q) * 64 + (v % 2) * 32;
      const __m256i weights = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
      for (int r = 0; r < kRows; ++r) acc[r][v] = _mm256_dpbusd_avx_epi32(acc[r][v], x[r], weights);
    }
  }
  // float(sum - 128 * column sum) * (row scale * column scale), as int8.cc's scalar tile.
  for (int r = 0; r < kRows; ++r) {
    const __m256 rs = _mm256_set1_ps(row_scale[r]);
    for (int v = 0; v < 4; ++v) {
      const __m256i offset = _mm256_mullo_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.sum + 8 * v)), _mm256_set1_epi32(kInt8Zero));
      const __m256 value = _mm256_cvtepi32_ps(_mm256_sub_epi32(acc[r][v], offset));
      const __m256 scale = _mm256_mul_ps(rs, _mm256_loadu_ps(b.scale + 8 * v));
      _mm256_storeu_ps(out + r * kInt8TileCols + 8 * v, _mm256_mul_ps(value, scale));
    }
  }
}

constexpr Int8ChunkFn<kChunkRows> kChunks[kChunkRows + 1] = {nullptr, chunk<1>, chunk<2>, chunk<3>};

void tile_rows(int rows, int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b, float* out) {
  int8_tile_in_chunks<kChunkRows>(kChunks, rows, kq, a, lda, row_scale, b, out);
}

}  // namespace

const Int8Kernel& avx_vnni_int8_kernel() {
  static const Int8Kernel kernel{quantise_rows, tile_rows, store_int8_tile_vectorised};
  return kernel;
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif
