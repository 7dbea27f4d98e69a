// NEON int8 kernel on the ARMv8.2 dot-product instructions (SDOT), for Apple silicon, Graviton
// 2 and later, and other ARMv8.2+ cores. SDOT multiplies int8 by int8, so the uint8 rows of A
// (value + 128) are turned back into int8 with one XOR per 16 bytes, and the sums need no
// column-sum correction: they are the same exact integers the other int8 kernels get after
// theirs, scaled back the same way, so the results agree bit for bit. The register tile is
// two rows x 32 columns (16 accumulators of four int32, eight of B, two of A).
#if defined(ALBERT_ARM64)
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/gemm/epilogue_rows.h"
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kChunkRows = 2;

// Up to two rows (kRows) of the tile.
template <int kRows>
void chunk(int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b, float* out) {
  int32x4_t acc[kRows][8];
  for (int r = 0; r < kRows; ++r) {
    for (int v = 0; v < 8; ++v) acc[r][v] = vdupq_n_s32(0);
  }
  for (int q = 0; q < kq; ++q) {
    int8x16_t x[kRows];
    for (int r = 0; r < kRows; ++r) {
      uint32_t quad;
      std::memcpy(&quad, a + static_cast<std::size_t>(r) * lda + q * 4, sizeof quad);
      // The quad in every 32-bit lane, each byte back from value + 128 to the signed value.
      x[r] = vreinterpretq_s8_u32(vdupq_n_u32(quad ^ 0x80808080u));
    }
    for (int v = 0; v < 8; ++v) {
      // Columns 4v..4v+3: group v / 4, 16 bytes into its 64-byte quad row.
      const int8_t* w = b.b + (v / 4) * b.group_stride + static_cast<std::size_t>(q) * 64 + (v % 4) * 16;
      const int8x16_t weights = vld1q_s8(w);
      for (int r = 0; r < kRows; ++r) acc[r][v] = vdotq_s32(acc[r][v], weights, x[r]);
    }
  }
  // float(sum) * (row scale * column scale): the sum is already exact (int8.cc's tile gets the
  // same integer as its sum - 128 * column sum).
  for (int r = 0; r < kRows; ++r) {
    const float32x4_t rs = vdupq_n_f32(row_scale[r]);
    for (int v = 0; v < 8; ++v) {
      const float32x4_t scale = vmulq_f32(rs, vld1q_f32(b.scale + 4 * v));
      vst1q_f32(out + r * kInt8TileCols + 4 * v, vmulq_f32(vcvtq_f32_s32(acc[r][v]), scale));
    }
  }
}

constexpr Int8ChunkFn<kChunkRows> kChunks[kChunkRows + 1] = {nullptr, chunk<1>, chunk<2>};

void tile_rows(int rows, int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b, float* out) {
  int8_tile_in_chunks<kChunkRows>(kChunks, rows, kq, a, lda, row_scale, b, out);
}

}  // namespace

const Int8Kernel& neon_dotprod_int8_kernel() {
  // Quantising A stays the portable loop, which the compiler vectorises for NEON.
  static const Int8Kernel kernel{scalar_int8_kernel().quantise_rows, tile_rows, store_int8_tile_vectorised};
  return kernel;
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_ARM64
