// AMX tile set-up shared by the AMX kernels (gemm/amx.cc, attention/amx.cc): every tile
// register is configured as 16 rows x 64 bytes, i.e. a 16 x 16 fp32 accumulator or a
// 16 x 32 bf16 operand (A: 16 rows x 32 k; B: 16 k-pairs x 16 columns x 2, the VNNI layout).
// Include only from files compiled with -mamx-tile.
#pragma once
#if defined(ALBERT_X86)
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/gemm/avx512_mask.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kTileElems = 16 * 32;  // bf16 elements in one A or B tile (1 KiB)

// The 64-byte LDTILECFG operand (Intel SDM vol. 2, LDTILECFG): palette 1, then bytes per row
// and row count of each tile register.
struct alignas(64) TileConfig {
  uint8_t palette_id;
  uint8_t start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
};

inline void configure_tiles() {
  TileConfig cfg;  // loading a config also zeroes every tile register
  std::memset(&cfg, 0, sizeof cfg);
  cfg.palette_id = 1;
  for (int t = 0; t < 8; ++t) {
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;
  }
  _tile_loadconfig(&cfg);
}

// A 32 x 32 block of C as the 2 x 2 accumulators tmm0-3 (rows 0-15 / 16-31 x columns 0-15 /
// 16-31), fed through tmm4-5 (A: rows 0-15, 16-31) and tmm6-7 (B: columns 0-15, 16-31): the
// most reuse 8 tile registers allow, 4 tile loads per 4 TDPBF16PS. kTwoRowTiles false: only
// the first 16 rows (tmm0-1, tmm4). Shared by the GEMM and attention kernels.
template <bool kTwoRowTiles = true>
inline void zero_block() {
  _tile_zero(0);
  _tile_zero(1);
  if (kTwoRowTiles) {
    _tile_zero(2);
    _tile_zero(3);
  }
}

// One 32-deep K step: a0, a1 the A tiles, b0, b1 the B tiles (1 KiB each, 64-byte rows).
template <bool kTwoRowTiles = true>
inline void block_step(const uint16_t* a0, const uint16_t* a1, const uint16_t* b0, const uint16_t* b1) {
  _tile_loadd(4, a0, 64);
  _tile_loadd(6, b0, 64);
  _tile_dpbf16ps(0, 4, 6);
  _tile_loadd(7, b1, 64);
  _tile_dpbf16ps(1, 4, 7);
  if (kTwoRowTiles) {
    _tile_loadd(5, a1, 64);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
}

// Stores the block as fp32 rows of ld floats.
template <bool kTwoRowTiles = true>
inline void store_block(float* c, int ld) {
  const int stride = ld * static_cast<int>(sizeof(float));
  _tile_stored(0, c, stride);
  _tile_stored(1, c + 16, stride);
  if (kTwoRowTiles) {
    _tile_stored(2, c + 16 * ld, stride);
    _tile_stored(3, c + 16 * ld + 16, stride);
  }
}

// 32 consecutive elements (masked to the first `count`) as 32 bf16: rounded from fp32 to
// nearest even (VCVTNE2PS2BF16, as for every AMX input), or copied when already bf16.
inline __m512i load_bf16x32(const float* src, int count) {
  const __m512 lo = _mm512_maskz_loadu_ps(lanes(count), src);
  const __m512 hi = _mm512_maskz_loadu_ps(lanes(count - 16), src + 16);
  return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
}
inline __m512i load_bf16x32(const uint16_t* src, int count) {
  const __mmask32 m = count >= 32 ? ~__mmask32{0} : count <= 0 ? 0 : (__mmask32{1} << count) - 1;
  return _mm512_maskz_loadu_epi16(m, src);
}

// Stores the lanes in m of 16 fp32 results as fp32, or rounded to bf16.
inline void store_x16(float* dst, __mmask16 m, __m512 v) { _mm512_mask_storeu_ps(dst, m, v); }
inline void store_x16(uint16_t* dst, __mmask16 m, __m512 v) {
  _mm256_mask_storeu_epi16(dst, m, (__m256i)_mm512_cvtneps_pbh(v));
}

}  // namespace
}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
