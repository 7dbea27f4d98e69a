// bf16 GEMM with AVX512-BF16 dot products (VDPBF16PS), fp32 accumulation: the fallback for
// CPUs with AVX512-BF16 but no AMX (Cooper Lake, Zen 4). Same register tile as the fp32
// AVX-512 kernel (14 rows x 32 columns in 28 zmm accumulators), but each step consumes a pair
// of k: B comes in the VNNI pairs layout of pack_b_bf16, and A is packed here into panels of
// (a[i][2p], a[i][2p+1]) pairs so one 32-bit broadcast feeds a whole row of the tile.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include <cstdlib>
#include <new>

#include "kernels/gemm/avx512_mask.h"
#include "kernels/gemm/microkernel.h"
#include "runtime/aligned_buffer.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kMr = kAvx512Bf16TileRows;
constexpr int kNr = 32;
constexpr int kRowsAtOnce = kMr * 16;  // rows of A converted together

// rows x k floats of A -> kMr-row panels [kpad / 2][kMr] of bf16 pairs, zero padded in k.
void pack_a_pairs(const float* a, int lda, int rows, int k, int kpad, uint32_t* dst) {
  alignas(64) uint32_t pairs[16];
  for (int i = 0; i < rows; ++i) {
    const float* src = a + static_cast<std::size_t>(i) * lda;
    uint32_t* panel = dst + static_cast<std::size_t>(i / kMr) * (kpad / 2) * kMr + i % kMr;
    for (int kk = 0; kk < kpad; kk += 32) {
      const __m512 lo = _mm512_maskz_loadu_ps(lanes(k - kk), src + kk);
      const __m512 hi = _mm512_maskz_loadu_ps(lanes(k - kk - 16), src + kk + 16);
      _mm512_store_si512(pairs, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
      for (int p = 0; p < 16; ++p) panel[static_cast<std::size_t>(kk / 2 + p) * kMr] = pairs[p];
    }
  }
}

// C[M x n] = A panel x (B groups b0, b1) over kpairs pairs of k.
template <int M>
void tile(int n, int kpairs, const uint32_t* a, const uint16_t* b0, const uint16_t* b1, float* c, int ldc) {
  __m512 acc[M][2];
#pragma GCC unroll 16
  for (int i = 0; i < M; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int p = 0; p < kpairs; ++p) {
    const __m512bh bv0 = (__m512bh)_mm512_load_si512(b0 + 32 * p);
    const __m512bh bv1 = (__m512bh)_mm512_load_si512(b1 + 32 * p);
#pragma GCC unroll 16
    for (int i = 0; i < M; ++i) {
      const __m512bh ai = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[i]));
      acc[i][0] = _mm512_dpbf16_ps(acc[i][0], ai, bv0);
      acc[i][1] = _mm512_dpbf16_ps(acc[i][1], ai, bv1);
    }
    a += kMr;
  }
  const __mmask16 m0 = lanes(n), m1 = lanes(n - 16);
#pragma GCC unroll 16
  for (int i = 0; i < M; ++i) {
    _mm512_mask_storeu_ps(c + i * ldc, m0, acc[i][0]);
    _mm512_mask_storeu_ps(c + i * ldc + 16, m1, acc[i][1]);
  }
}

using TileFn = void (*)(int, int, const uint32_t*, const uint16_t*, const uint16_t*, float*, int);
constexpr TileFn kTiles[kMr + 1] = {nullptr,  tile<1>,  tile<2>,  tile<3>,  tile<4>,
                                    tile<5>,  tile<6>,  tile<7>,  tile<8>,  tile<9>,
                                    tile<10>, tile<11>, tile<12>, tile<13>, tile<14>};

}  // namespace

void avx512_bf16_range(int r0, int r1, int c0, int c1, const float* a, int lda, const PackedB& b,
                       float* c, int ldc, const Epilogue& ep) {
  thread_local AlignedBuffer<uint32_t> scratch;
  const int kpad = bf16_k_padded(b.k);
  const std::size_t group_stride = static_cast<std::size_t>(kpad) * 16;
  const std::size_t panel_stride = static_cast<std::size_t>(kpad / 2) * kMr;
  uint32_t* a_pairs = scratch.at_least(panel_stride * (kRowsAtOnce / kMr));
  for (int ic = r0; ic < r1; ic += kRowsAtOnce) {
    const int mb = r1 - ic < kRowsAtOnce ? r1 - ic : kRowsAtOnce;
    pack_a_pairs(a + static_cast<std::size_t>(ic) * lda, lda, mb, b.k, kpad, a_pairs);
    for (int jc = c0; jc < c1; jc += kNr) {
      const int nb = c1 - jc < kNr ? c1 - jc : kNr;
      const uint16_t* b0 = b.bf16.data() + (jc / 16) * group_stride;
      for (int i = 0; i < mb; i += kMr) {
        const int rows = mb - i < kMr ? mb - i : kMr;
        float* cp = c + static_cast<std::size_t>(ic + i) * ldc + jc;
        kTiles[rows](nb, kpad / 2, a_pairs + (i / kMr) * panel_stride, b0, b0 + group_stride, cp, ldc);
        const BlockEpilogue tile_ep = offset_epilogue(ep, ic + i, jc);
        avx512_store_tile(cp, ldc, rows, nb, cp, ldc, &tile_ep);
      }
    }
  }
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
