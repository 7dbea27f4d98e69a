// AVX-512 fp32 microkernel. Register tile kMr rows x (16 kNv) columns: kMr * kNv zmm
// accumulators, kNv zmm of B loaded per k, and the A values broadcast straight from memory
// (the FMA's embedded broadcast), so 32 zmm registers suffice without spilling.
#if defined(ALBERT_X86)
#include <immintrin.h>
#include <cstdlib>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kMr = 14;
constexpr int kNv = 2;  // zmm per tile row
constexpr int kNr = 16 * kNv;

// Lanes of vector v that fall inside the n valid columns.
inline __mmask16 column_mask(int n, int v) {
  const int rem = n - 16 * v;
  if (rem >= 16) return 0xffff;
  if (rem <= 0) return 0;
  return static_cast<__mmask16>((1u << rem) - 1);
}

// C[M x n] = (accumulate ? C : 0) + A_panel * B_panel. C is read only after the K loop, with
// its lines prefetched before it: when C has left the cache between K blocks, the loads then
// find it in L1 instead of stalling the first FMAs.
template <int M>
void tile(int n, int kc, const float* a, const float* b, float* c, int ldc, bool accumulate) {
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
    __m512 bv[kNv];
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < M; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < kNv; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += kMr;
    b += kNr;
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

using TileFn = void (*)(int, int, const float*, const float*, float*, int, bool);

template <int... Ms>
struct TileTable {
  static constexpr TileFn fns[] = {nullptr, tile<Ms>...};
};
constexpr const TileFn* kTiles = TileTable<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14>::fns;
static_assert(kMr == 14, "kTiles lists one tile per row count 1..kMr");

void block(int m, int n, int kc, const float* a, const float* b, std::size_t b_stride, float* c,
           int ldc, bool accumulate, const BlockEpilogue* ep) {
  // B panel outer: the kc x kNr panel stays in L1 while every A panel of the block streams by.
  for (int j = 0; j < n; j += kNr) {
    const int cols = n - j < kNr ? n - j : kNr;
    const float* bp = b + (j / kNr) * b_stride;
    for (int i = 0; i < m; i += kMr) {
      const int rows = m - i < kMr ? m - i : kMr;
      float* cp = c + static_cast<std::ptrdiff_t>(i) * ldc + j;
      kTiles[rows](cols, kc, a + static_cast<std::size_t>(i / kMr) * kc * kMr, bp, cp, ldc, accumulate);
      if (ep) apply_epilogue_portable(offset_epilogue(*ep, i, j), rows, cols, cp, ldc);
    }
  }
}

}  // namespace

static int env_int(const char* name, int fallback) {  // TEMP tuning
  const char* v = getenv(name);
  return v ? atoi(v) : fallback;
}
const F32Kernel& avx512_f32_kernel() {
  static const F32Kernel kernel{kMr, kNr, env_int("KC", 256), env_int("MC", 14 * 24), env_int("NC", 4096), block};
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
