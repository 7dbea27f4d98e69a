// AVX-512 fp32 microkernel. Register tile kMr x kNr = 14 x 32: 28 zmm accumulators, 2 zmm of
// B loaded per k and one broadcast of A per row - 31 of the 32 zmm registers, and 28 FMAs per
// 16 loads, comfortably inside the two load ports while both FMA ports stay busy.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kMr = 14;
constexpr int kNv = 2;  // zmm per tile row
constexpr int kNr = 16 * kNv;
// Prefetch distance in K steps (~8 x 14 cycles ahead): B panels of kc = 768 live in L2, and
// A panels stream from L2; the hardware prefetchers alone leave the FMAs waiting on them.
constexpr int kPrefetch = 8;

// Lanes of vector v that fall inside the n valid columns.
inline __mmask16 column_mask(int n, int v) {
  const int rem = n - 16 * v;
  if (rem >= 16) return 0xffff;
  if (rem <= 0) return 0;
  return static_cast<__mmask16>((1u << rem) - 1);
}

// C[M x n] = (accumulate ? C : 0) + A_panel * B over kc. B rows are b_row floats apart: kNr
// in a packed panel, ldb when B is read in place (masked loads keep the last columns of an
// unpadded B in bounds). C is prefetched up front and read only after the K loop, so when it
// has left the cache between K blocks its loads find it in L1 instead of stalling the FMAs.
// pf / pf_step: each K step also prefetches pf + k * pf_step into L2 - a share of the next B
// panel, which otherwise arrives from L3 (or DRAM) only when the first tile of that panel
// asks for it.
template <int M>
void tile(int n, int kc, const float* a, const float* b, std::size_t b_row, float* c, int ldc, bool accumulate,
          const char* pf, int pf_step) {
  __mmask16 mask[kNv];
  for (int v = 0; v < kNv; ++v) mask[v] = column_mask(n, v);
#pragma GCC unroll 16
  for (int i = 0; i < M; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + kNr - 1), _MM_HINT_T0);
  }
  __m512 acc[M][kNv];
#pragma GCC unroll 16
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  for (int k = 0; k < kc; ++k) {
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) _mm_prefetch(reinterpret_cast<const char*>(b + kPrefetch * b_row + 16 * v), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + kPrefetch * M), _MM_HINT_T0);
    _mm_prefetch(pf, _MM_HINT_T1);
    pf += pf_step;
    __m512 bv[kNv];
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) bv[v] = _mm512_maskz_loadu_ps(mask[v], b + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < M; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < kNv; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += M;
    b += b_row;
  }
#pragma GCC unroll 16
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) {
      float* cp = c + i * ldc + 16 * v;
      if (accumulate) acc[i][v] = _mm512_add_ps(acc[i][v], _mm512_maskz_loadu_ps(mask[v], cp));
      _mm512_mask_storeu_ps(cp, mask[v], acc[i][v]);
    }
  }
}

using TileFn = void (*)(int, int, const float*, const float*, std::size_t, float*, int, bool, const char*, int);

template <int... Ms>
struct TileTable {
  static constexpr TileFn fns[] = {nullptr, tile<Ms>...};
};
constexpr const TileFn* kTiles = TileTable<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14>::fns;
static_assert(kMr == 14, "kTiles lists one tile per row count 1..kMr");

void prefetch_rows(const float* p, int ld, int rows) {
  for (int r = 0; r < rows; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(p + static_cast<std::ptrdiff_t>(r) * ld), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(p + static_cast<std::ptrdiff_t>(r) * ld + kNr - 1), _MM_HINT_T0);
  }
}

void block(int m, int n, int kc, const float* a, const float* b, std::size_t b_panel, std::size_t b_row,
           float* c, int ldc, bool accumulate, const BlockEpilogue* ep) {
  // B panel outer: one B panel is reused by every A panel of the block before moving on.
  const int tiles = (m + kMr - 1) / kMr;
  // The next panel's kc rows (kc * b_row floats) shared out over this panel's tiles x kc steps.
  const int pf_step = static_cast<int>(b_row * sizeof(float) / tiles);
  for (int j = 0; j < n; j += kNr) {
    const int cols = n - j < kNr ? n - j : kNr;
    const float* bp = b + (j / kNr) * b_panel;
    const char* pf = reinterpret_cast<const char*>(j + kNr < n ? bp + b_panel : bp);
    for (TileRows t(m, kMr); t.more(); t.next()) {
      float* cp = c + static_cast<std::ptrdiff_t>(t.row) * ldc + j;
      // The epilogue's residual rows, from DRAM by the time the K loop is done.
      if (ep && ep->residual) prefetch_rows(ep->residual + static_cast<std::ptrdiff_t>(t.row) * ep->ldr + j, ep->ldr, t.rows);
      kTiles[t.rows](cols, kc, a + static_cast<std::size_t>(t.row) * kc, bp, b_row, cp, ldc, accumulate, pf, pf_step);
      pf += static_cast<std::size_t>(pf_step) * kc;
      if (ep) {
        const BlockEpilogue tile_ep = offset_epilogue(*ep, t.row, j);
        avx512_store_tile(cp, ldc, t.rows, cols, cp, ldc, &tile_ep);
      }
    }
  }
}

void pack_b(const float* b, int n, int k, int ldb, bool transposed, float* dst) {
  if (transposed) {
    avx512_pack_b_transposed(kNr, b, n, k, ldb, dst);
  } else {
    pack_b_f32(kNr, b, n, k, ldb, false, dst);  // row slices: already a memcpy
  }
}

}  // namespace

const F32Kernel& avx512_f32_kernel() {
  // kc = 768 covers ALBERT's K = 768 in one block, so C is written once per tile; mc x kc of
  // packed A (~690 KB) stays in the 2 MB L2.
  static const F32Kernel kernel{kMr, kNr, /*kc=*/768, /*mc=*/kMr * 16, /*nc=*/4096,
                                /*direct_b=*/true, block, avx512_pack_a, pack_b};
  return kernel;
}

float avx512_fma_loop(long iterations) {
  __m512 acc[kAvx512FmaChains];
  for (int i = 0; i < kAvx512FmaChains; ++i) acc[i] = _mm512_set1_ps(0.001f * i);
  const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kAvx512FmaChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kAvx512FmaChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
  // Stored and summed by hand: _mm512_reduce_add_ps trips a GCC 12 -Wuninitialized false positive.
  alignas(64) float out[16];
  _mm512_store_ps(out, sum);
  float total = 0.0f;
  for (float v : out) total += v;
  return total;
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
