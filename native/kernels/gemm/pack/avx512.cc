// AVX-512 packing for the per-call operands: A (every GEMM) and a transposed B (attention's
// K in Q K^T). Both are transposes, done 16 x 16 at a time in registers instead of one
// strided scalar store per element: packing is O(M K) or O(N K) against O(M N K) compute, but
// attention's products are small enough (K or N = 64) for a slow pack to cost a third.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include "kernels/gemm/avx512_mask.h"
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

// GCC 12's unpack/shuffle intrinsics pass _mm512_undefined_ps() as the unused merge source,
// which -Wmaybe-uninitialized reports as a false positive (fixed in GCC 13).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
// In-register transpose of a 16 x 16 float block: r[i] holds row i on entry, column i on
// exit. Three rounds, each interleaving twice as many elements: 32-bit pairs within 128-bit
// lanes, 64-bit pairs within lanes, then whole 128-bit lanes across registers.
inline void transpose16(__m512 r[16]) {
  __m512 u[16], v[16];
  for (int i = 0; i < 8; ++i) {
    u[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    u[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; ++i) {
    const __m512d a = _mm512_castps_pd(u[4 * i]), b = _mm512_castps_pd(u[4 * i + 2]);
    const __m512d c = _mm512_castps_pd(u[4 * i + 1]), d = _mm512_castps_pd(u[4 * i + 3]);
    v[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
    v[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
    v[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(c, d));
    v[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(c, d));
  }
  // v[4 g + c], 128-bit lane L, now holds column c + 4 L of rows 4 g .. 4 g + 3.
  for (int c = 0; c < 4; ++c) {
    const __m512 lo01 = _mm512_shuffle_f32x4(v[c], v[4 + c], 0x44);
    const __m512 lo23 = _mm512_shuffle_f32x4(v[8 + c], v[12 + c], 0x44);
    const __m512 hi01 = _mm512_shuffle_f32x4(v[c], v[4 + c], 0xee);
    const __m512 hi23 = _mm512_shuffle_f32x4(v[8 + c], v[12 + c], 0xee);
    r[c] = _mm512_shuffle_f32x4(lo01, lo23, 0x88);
    r[c + 4] = _mm512_shuffle_f32x4(lo01, lo23, 0xdd);
    r[c + 8] = _mm512_shuffle_f32x4(hi01, hi23, 0x88);
    r[c + 12] = _mm512_shuffle_f32x4(hi01, hi23, 0xdd);
  }
}
#pragma GCC diagnostic pop

// Loads up to 16 rows x `depth` floats (row stride ld) into r, zeros elsewhere, and transposes:
// r[kk] then holds element kk of every row.
inline void load_transposed(const float* src, std::size_t ld, int rows, int depth, __m512 r[16]) {
  const __mmask16 mask = lanes(depth);
  for (int j = 0; j < 16; ++j) r[j] = j < rows ? _mm512_maskz_loadu_ps(mask, src + j * ld) : _mm512_setzero_ps();
  transpose16(r);
}

}  // namespace

void avx512_pack_a(int mr, int m, int kc, const float* a, int lda, float* dst) {
  for (TileRows t(m, mr); t.more(); t.next()) {  // mr <= 16
    const __mmask16 panel_lanes = lanes(t.rows);
    float* panel = dst + static_cast<std::size_t>(t.row) * kc;
    for (int k0 = 0; k0 < kc; k0 += 16) {
      const int depth = kc - k0 < 16 ? kc - k0 : 16;
      __m512 r[16];
      load_transposed(a + static_cast<std::size_t>(t.row) * lda + k0, lda, t.rows, depth, r);
      for (int kk = 0; kk < depth; ++kk) _mm512_mask_storeu_ps(panel + (k0 + kk) * t.rows, panel_lanes, r[kk]);
    }
  }
}

void avx512_pack_b_transposed(int nr, const float* b, int n, int k, int ldb, float* dst) {
  const int padded = (n + nr - 1) / nr * nr;
  for (int j0 = 0; j0 < padded; j0 += 16) {  // nr is a multiple of 16
    float* panel = dst + static_cast<std::size_t>(j0 / nr) * k * nr + j0 % nr;
    const int cols = n - j0;  // <= 0 for the zero padding of the last panel
    for (int k0 = 0; k0 < k; k0 += 16) {
      const int depth = k - k0 < 16 ? k - k0 : 16;
      __m512 r[16];
      load_transposed(b + static_cast<std::size_t>(cols > 0 ? j0 : 0) * ldb + k0, ldb, cols, depth, r);
      for (int kk = 0; kk < depth; ++kk) _mm512_store_ps(panel + static_cast<std::size_t>(k0 + kk) * nr, r[kk]);
    }
  }
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
