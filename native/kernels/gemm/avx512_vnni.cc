// AVX512-VNNI int8 register tile: up to 8 rows x 32 columns of int32 sums, 16 zmm accumulators.
// Each step takes four k at once: one 64-byte load per 16-column group of B (four int8 per
// column), one 4-byte broadcast of A per row, and VPDPBUSD (uint8 x int8, four products
// summed into each int32 lane, without saturation).
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

template <int kRows>
void tile(int kq, const uint8_t* a, int lda, const int8_t* b, std::size_t group_stride, int32_t* out) {
  __m512i acc[kRows][2];
  for (int r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
  const int8_t* b0 = b;
  const int8_t* b1 = b + group_stride;
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
  for (int r = 0; r < kRows; ++r) {
    _mm512_storeu_si512(out + r * kInt8TileCols, acc[r][0]);
    _mm512_storeu_si512(out + r * kInt8TileCols + 16, acc[r][1]);
  }
}

using TileFn = void (*)(int, const uint8_t*, int, const int8_t*, std::size_t, int32_t*);
constexpr TileFn kTiles[kInt8TileRows + 1] = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>, tile<5>, tile<6>, tile<7>, tile<8>};

}  // namespace

void int8_tile_avx512_vnni(int rows, int kq, const uint8_t* a, int lda, const int8_t* b, std::size_t group_stride,
                           int32_t* out) {
  kTiles[rows](kq, a, lda, b, group_stride, out);
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif
