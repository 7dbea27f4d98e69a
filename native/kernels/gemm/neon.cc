// AArch64 NEON fp32 microkernel. Register tile kMr x kNr = 8 x 12: 24 q-register accumulators,
// 3 q of B and 2 q of A (eight rows, used lane by lane with FMLA-by-element) per k - 29 of the 32
// vector registers, 24 FMAs per 5 loads.
#if defined(ALBERT_ARM64)
#include <arm_neon.h>

#include "kernels/gemm/epilogue_rows.h"
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kMr = 8;
constexpr int kNv = 3;  // q registers per tile row
constexpr int kNr = 4 * kNv;
constexpr int kPrefetch = 8;  // K steps ahead

// acc[i] += a[i] * b for the M rows of one k step. Whole quads of A are loaded once and
// used by lane (FMLA by element); the last M % 4 rows take one scalar each.
template <int M>
inline void multiply_rows(float32x4_t (&acc)[M][kNv], const float32x4_t (&bv)[kNv], const float* a) {
#pragma GCC unroll 2
  for (int i = 0; i + 4 <= M; i += 4) {
    const float32x4_t aq = vld1q_f32(a + i);
#pragma GCC unroll 3
    for (int v = 0; v < kNv; ++v) {
      acc[i][v] = vfmaq_laneq_f32(acc[i][v], bv[v], aq, 0);
      acc[i + 1][v] = vfmaq_laneq_f32(acc[i + 1][v], bv[v], aq, 1);
      acc[i + 2][v] = vfmaq_laneq_f32(acc[i + 2][v], bv[v], aq, 2);
      acc[i + 3][v] = vfmaq_laneq_f32(acc[i + 3][v], bv[v], aq, 3);
    }
  }
#pragma GCC unroll 3
  for (int i = M - M % 4; i < M; ++i) {
#pragma GCC unroll 3
    for (int v = 0; v < kNv; ++v) acc[i][v] = vfmaq_n_f32(acc[i][v], bv[v], a[i]);
  }
}

// Writes one tile row (n <= kNr valid columns) to C, adding C's old values when accumulating.
// NEON has no masked stores: a partial row goes through a small buffer.
inline void store_row(const float32x4_t (&row)[kNv], int n, float* c, bool accumulate) {
  if (n == kNr) {
#pragma GCC unroll 3
    for (int v = 0; v < kNv; ++v) {
      const float32x4_t sum = accumulate ? vaddq_f32(row[v], vld1q_f32(c + 4 * v)) : row[v];
      vst1q_f32(c + 4 * v, sum);
    }
    return;
  }
  float buffer[kNr];
  for (int v = 0; v < kNv; ++v) vst1q_f32(buffer + 4 * v, row[v]);
  for (int j = 0; j < n; ++j) c[j] = accumulate ? c[j] + buffer[j] : buffer[j];
}

// C[M x n] = (accumulate ? C : 0) + A_panel * B_panel over kc. B panels are zero padded to
// kNr columns, so B is always loaded whole; only the stores look at n.
template <int M>
void tile(int n, int kc, const float* a, const float* b, float* c, int ldc, bool accumulate) {
  float32x4_t acc[M][kNv];
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 3
    for (int v = 0; v < kNv; ++v) acc[i][v] = vdupq_n_f32(0.0f);
  }
  for (int k = 0; k < kc; ++k) {
    __builtin_prefetch(b + kPrefetch * kNr);
    __builtin_prefetch(a + kPrefetch * M);
    float32x4_t bv[kNv];
#pragma GCC unroll 3
    for (int v = 0; v < kNv; ++v) bv[v] = vld1q_f32(b + 4 * v);
    multiply_rows<M>(acc, bv, a);
    a += M;
    b += kNr;
  }
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) store_row(acc[i], n, c + static_cast<std::ptrdiff_t>(i) * ldc, accumulate);
}

constexpr PackedTileFn kTiles[kMr + 1] = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>, tile<5>, tile<6>, tile<7>, tile<8>};

}  // namespace

const F32Kernel& neon_f32_kernel() {
  // kc = 512 (ALBERT's K = 768 runs as two blocks of 384): a B micro-panel of 384 x 12 floats
  // (18 KB) and an A micro-panel of 8 x 384 (12 KB) stay in a 64 KB L1 together. 24 A panels
  // (~290 KB at kc = 384) stay in L2.
  static const F32Kernel kernel =
      PackedBKernel<kMr, kNr, kTiles, vector_epilogue_tile>::make(/*kc=*/512, /*mc=*/kMr * 24, /*nc=*/4092);
  return kernel;
}

float neon_fma_loop(long iterations) {
  float32x4_t acc[kNeonFmaChains];
  for (int i = 0; i < kNeonFmaChains; ++i) acc[i] = vdupq_n_f32(0.001f * i);
  const float32x4_t x = vdupq_n_f32(0.999999f), y = vdupq_n_f32(1e-7f);
  for (long it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kNeonFmaChains; ++i) acc[i] = vfmaq_f32(y, acc[i], x);
  }
  float32x4_t sum = acc[0];
  for (int i = 1; i < kNeonFmaChains; ++i) sum = vaddq_f32(sum, acc[i]);
  return vaddvq_f32(sum);
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_ARM64
