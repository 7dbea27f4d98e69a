// AVX2 + FMA fp32 microkernel. Register tile 6 x 16: 12 ymm accumulators, 2 ymm of B and one
// broadcast of A per row - 15 of the 16 ymm registers.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/gemm/epilogue_rows.h"
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kMr = 6;
constexpr int kNv = 2;  // ymm per tile row
constexpr int kNr = 8 * kNv;
constexpr int kPrefetch = 8;  // K steps ahead

// Lanes of vector v that fall inside the n valid columns, as the sign bits maskload wants.
inline __m256i column_mask(int n, int v) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8 * v), lane);
}

// C[M x n] = (accumulate ? C : 0) + A_panel * B_panel. As in the AVX-512 kernel, C is
// prefetched up front and read only after the K loop, and A and B are prefetched a few steps
// ahead of use (the B panel lives in L2 at kc = 768).
template <int M>
void tile(int n, int kc, const float* a, const float* b, float* c, int ldc, bool accumulate) {
  const bool full = n == kNr;
  __m256i mask[kNv];
  for (int v = 0; v < kNv; ++v) mask[v] = column_mask(n, v);
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + kNr - 1), _MM_HINT_T0);
  }
  __m256 acc[M][kNv];
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) acc[i][v] = _mm256_setzero_ps();
  }
  for (int k = 0; k < kc; ++k) {
    _mm_prefetch(reinterpret_cast<const char*>(b + kPrefetch * kNr), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + kPrefetch * M), _MM_HINT_T0);
    __m256 bv[kNv];
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) bv[v] = _mm256_load_ps(b + 8 * v);
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 4
      for (int v = 0; v < kNv; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += M;
    b += kNr;
  }
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < kNv; ++v) {
      float* cp = c + i * ldc + 8 * v;
      if (full) {
        if (accumulate) acc[i][v] = _mm256_add_ps(acc[i][v], _mm256_loadu_ps(cp));
        _mm256_storeu_ps(cp, acc[i][v]);
      } else {
        if (accumulate) acc[i][v] = _mm256_add_ps(acc[i][v], _mm256_maskload_ps(cp, mask[v]));
        _mm256_maskstore_ps(cp, mask[v], acc[i][v]);
      }
    }
  }
}

constexpr PackedTileFn kTiles[kMr + 1] = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>, tile<5>, tile<6>};

}  // namespace

const F32Kernel& avx2_f32_kernel() {
  static const F32Kernel kernel =
      PackedBKernel<kMr, kNr, kTiles, vector_epilogue_tile>::make(/*kc=*/768, /*mc=*/kMr * 28, /*nc=*/4096);
  return kernel;
}

float avx2_fma_loop(long iterations) {
  __m256 acc[kAvx2FmaChains];
  for (int i = 0; i < kAvx2FmaChains; ++i) acc[i] = _mm256_set1_ps(0.001f * i);
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kAvx2FmaChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
  }
  __m256 sum = acc[0];
  for (int i = 1; i < kAvx2FmaChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
  float out[8];
  _mm256_storeu_ps(out, sum);
  return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7];
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
