// AVX512-VNNI int8 kernel: the register tile is up to 8 rows x 32 columns of int32 sums in 16
// zmm accumulators. Each step takes four k at once: one 64-byte load per 16-column group of B
// (four int8 per column), one 4-byte broadcast of A per row, and VPDPBUSD (uint8 x int8, four
// products summed into each int32 lane, without saturation). The sums are scaled back to fp32
// in registers. Quantising A and scaling back repeat int8.cc's scalar arithmetic exactly, so
// both kernels give the same results bit for bit.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/gemm/avx512_mask.h"
#include "kernels/gemm/microkernel.h"

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_ps() as the unused merge source, which
// -Wmaybe-uninitialized reports as a false positive (fixed in GCC 13), as in pack/avx512.cc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace albert {
namespace gemm {
namespace detail {
namespace {

void quantise_rows(int m, int k, const float* a, int lda, uint8_t* dst, float* row_scale) {
  const int kpad = int8_k_padded(k);
  const __m512 lower = _mm512_set1_ps(-127.0f), upper = _mm512_set1_ps(127.0f);
  const __m512 half = _mm512_set1_ps(0.5f), minus_half = _mm512_set1_ps(-0.5f);
  const __m512i zero_point = _mm512_set1_epi32(kInt8Zero);
  for (int i = 0; i < m; ++i) {
    const float* row = a + static_cast<std::size_t>(i) * lda;
    uint8_t* out = dst + static_cast<std::size_t>(i) * kpad;
    __m512 max_abs = _mm512_setzero_ps();
    for (int kk = 0; kk < k; kk += 16) {
      max_abs = _mm512_max_ps(max_abs, _mm512_abs_ps(_mm512_maskz_loadu_ps(lanes(k - kk), row + kk)));
    }
    const float largest = _mm512_reduce_max_ps(max_abs);
    const float scale = int8_scale_for(largest);
    const __m512 inv = _mm512_set1_ps(1.0f / scale);
    for (int kk = 0; kk < kpad; kk += 16) {
      const __mmask16 real = lanes(k - kk);
      // Lanes past k quantise 0 to the zero point, which is the padding's value.
      __m512 y = _mm512_mul_ps(_mm512_maskz_loadu_ps(real, row + kk), inv);
      y = _mm512_min_ps(_mm512_max_ps(y, lower), upper);
      const __mmask16 non_negative = _mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GE_OQ);
      const __m512i q = _mm512_cvttps_epi32(_mm512_add_ps(y, _mm512_mask_blend_ps(non_negative, minus_half, half)));
      _mm_mask_storeu_epi8(out + kk, lanes(kpad - kk), _mm512_cvtepi32_epi8(_mm512_add_epi32(q, zero_point)));
    }
    row_scale[i] = scale;
  }
}

template <int kRows>
void tile(int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b, float* out) {
  __m512i acc[kRows][2];
  for (int r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
  const int8_t* b0 = b.b;
  const int8_t* b1 = b.b + b.group_stride;
  for (int q = 0; q < kq; ++q) {
    const __m512i w0 = _mm512_load_si512(b0 + static_cast<std::size_t>(q) * 64);
    const __m512i w1 = _mm512_load_si512(b1 + static_cast<std::size_t>(q) * 64);
    for (int r = 0; r < kRows; ++r) {
      // A broadcast straight from memory (a load-port uop), not through a general register,
      // whose broadcast would compete with VPDPBUSD for port 5.
      const float* quad = reinterpret_cast<const float*>(a + static_cast<std::size_t>(r) * lda + q * 4);
      const __m512i x = _mm512_castps_si512(_mm512_set1_ps(*quad));
      acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x, w0);
      acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], x, w1);
    }
  }
  // float(sum - 128 * column sum) * (row scale * column scale), as int8.cc's scalar tile.
  const __m512i offset[2] = {_mm512_mullo_epi32(_mm512_loadu_si512(b.sum), _mm512_set1_epi32(kInt8Zero)),
                             _mm512_mullo_epi32(_mm512_loadu_si512(b.sum + 16), _mm512_set1_epi32(kInt8Zero))};
  const __m512 col_scale[2] = {_mm512_loadu_ps(b.scale), _mm512_loadu_ps(b.scale + 16)};
  for (int r = 0; r < kRows; ++r) {
    const __m512 rs = _mm512_set1_ps(row_scale[r]);
    for (int h = 0; h < 2; ++h) {
      // Rounded to nearest, as static_cast<float> rounds.
      const __m512 value = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][h], offset[h]));
      _mm512_storeu_ps(out + r * kInt8TileCols + 16 * h, _mm512_mul_ps(value, _mm512_mul_ps(rs, col_scale[h])));
    }
  }
}

using TileFn = void (*)(int, const uint8_t*, int, const float*, const Int8Columns&, float*);
constexpr TileFn kTiles[kInt8TileRows + 1] = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>, tile<5>, tile<6>, tile<7>, tile<8>};

void tile_rows(int rows, int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b, float* out) {
  kTiles[rows](kq, a, lda, row_scale, b, out);
}

void store(const float* values, int rows, int cols, float* c, int ldc, const BlockEpilogue* ep) {
  avx512_store_tile(values, kInt8TileCols, rows, cols, c, ldc, ep);
}

}  // namespace

const Int8Kernel& avx512_vnni_int8_kernel() {
  static const Int8Kernel kernel{quantise_rows, tile_rows, store};
  return kernel;
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert

#pragma GCC diagnostic pop
#endif
