// bf16 GEMM on AMX tiles (TDPBF16PS), fp32 accumulation.
//
// Tile registers: tmm0-3 hold a 32 x 32 block of C as 2 x 2 tiles of 16 x 16 fp32; tmm4-5 two
// 16-row slices of A (16 rows x 32 k, bf16); tmm6-7 two 16-column slices of B (16 k-pairs x 16
// columns x 2, the VNNI pairs layout pack_b_bf16 writes, so a B tile is 1 KiB of contiguous
// memory). Each 32-deep K step loads 4 tiles and issues 4 TDPBF16PS - the most reuse 8 tile
// registers allow. C accumulates over the whole K in the tiles, so it is written exactly once.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kBlock = 32;     // C block edge (2 tiles)
// Rows of A converted to bf16 at once: as many as fit a ~768 KB share of the 2 MB L2 (512 at
// K = 768), since every such block streams all of B's panels past it once.
constexpr std::size_t kABlockBytes = 768 * 1024;
constexpr int kMaxRowsAtOnce = 512;

// Panels (32 columns of B, kpad x 64 bytes each) per group: ~512 KB of B (10 at K = 768, 2
// at K = 3072), at most 16.
constexpr std::size_t kBGroupBytes = 512 * 1024;
constexpr int kMaxPanelsPerGroup = 16;

int panels_per_group(int kpad) {
  const int panels = static_cast<int>(kBGroupBytes / (static_cast<std::size_t>(kpad) * 64));
  return panels < 1 ? 1 : panels > kMaxPanelsPerGroup ? kMaxPanelsPerGroup : panels;
}

int rows_at_once(int kpad) {
  int rows = static_cast<int>(kABlockBytes / (static_cast<std::size_t>(kpad) * sizeof(uint16_t)));
  rows = rows / kBlock * kBlock;
  return rows < kBlock ? kBlock : rows > kMaxRowsAtOnce ? kMaxRowsAtOnce : rows;
}

// The 64-byte LDTILECFG operand (Intel SDM vol. 2, LDTILECFG): palette 1, then bytes per row
// and row count of each tile register.
struct alignas(64) TileConfig {
  uint8_t palette_id;
  uint8_t start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
};

void configure_tiles() {
  TileConfig cfg;  // loading a config also zeroes every tile register
  std::memset(&cfg, 0, sizeof cfg);
  cfg.palette_id = 1;
  for (int t = 0; t < 8; ++t) {
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;  // 16 fp32 (C) or 32 bf16 (A, B)
  }
  _tile_loadconfig(&cfg);
}

// A per-thread buffer of bf16 A rows that only grows.
struct Bf16Scratch {
  uint16_t* data = nullptr;
  std::size_t capacity = 0;
  ~Bf16Scratch() { std::free(data); }
  uint16_t* get(std::size_t count) {
    if (count > capacity) {
      std::free(data);
      capacity = (count + 31) / 32 * 32;
      data = static_cast<uint16_t*>(std::aligned_alloc(64, capacity * sizeof(uint16_t)));
      if (!data) throw std::bad_alloc();
    }
    return data;
  }
};

// rows x k floats of A -> padded_rows x kpad bf16 (row stride kpad), zeros in the padding.
void convert_a(const float* a, int lda, int rows, int padded_rows, int k, int kpad, uint16_t* dst) {
  for (int i = 0; i < padded_rows; ++i) {
    uint16_t* out = dst + static_cast<std::size_t>(i) * kpad;
    if (i >= rows) {
      std::memset(out, 0, kpad * sizeof(uint16_t));
      continue;
    }
    const float* src = a + static_cast<std::size_t>(i) * lda;
    for (int kk = 0; kk < kpad; kk += 32) {
      const int left = k - kk;
      const __mmask16 lo = left >= 16 ? 0xffff : left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
      const __mmask16 hi = left >= 32 ? 0xffff : left <= 16 ? 0 : static_cast<__mmask16>((1u << (left - 16)) - 1);
      const __m512 v0 = _mm512_maskz_loadu_ps(lo, src + kk);
      const __m512 v1 = _mm512_maskz_loadu_ps(hi, src + kk + 16);
      _mm512_store_si512(out + kk, (__m512i)_mm512_cvtne2ps_pbh(v1, v0));
    }
  }
}

// out[32 x 32] (row stride ld_out floats) = A rows [0, 32) (or [0, 16) when !two_row_tiles)
// x the two B column groups b0, b1, over kpad.
template <bool kTwoRowTiles>
void compute_block(const uint16_t* a, int kpad, const uint16_t* b0, const uint16_t* b1, float* out, int ld_out) {
  const int out_stride = ld_out * static_cast<int>(sizeof(float));
  const int a_stride = kpad * static_cast<int>(sizeof(uint16_t));
  _tile_zero(0);
  _tile_zero(1);
  if (kTwoRowTiles) {
    _tile_zero(2);
    _tile_zero(3);
  }
  for (int kk = 0; kk < kpad; kk += 32) {
    _tile_loadd(6, b0 + kk * 16, 64);
    _tile_loadd(7, b1 + kk * 16, 64);
    _tile_loadd(4, a + kk, a_stride);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    if (kTwoRowTiles) {
      _tile_loadd(5, a + 16 * kpad + kk, a_stride);
      _tile_dpbf16ps(2, 5, 6);
      _tile_dpbf16ps(3, 5, 7);
    }
  }
  _tile_stored(0, out, out_stride);
  _tile_stored(1, out + 16, out_stride);
  if (kTwoRowTiles) {
    _tile_stored(2, out + 16 * ld_out, out_stride);
    _tile_stored(3, out + 16 * ld_out + 16, out_stride);
  }
}

}  // namespace

void amx_bf16_range(int r0, int r1, int c0, int c1, const float* a, int lda, const PackedB& b,
                    float* c, int ldc, const Epilogue& ep) {
  thread_local Bf16Scratch scratch;
  alignas(64) float out[kBlock * kBlock];
  const int kpad = bf16_k_padded(b.k);
  const std::size_t group_stride = static_cast<std::size_t>(kpad) * 16;
  const int row_block = rows_at_once(kpad);
  uint16_t* a_bf16 = scratch.get(static_cast<std::size_t>(row_block) * kpad);
  const int group = panels_per_group(kpad);
  configure_tiles();
  for (int ic = r0; ic < r1; ic += row_block) {
    const int mb = r1 - ic < row_block ? r1 - ic : row_block;
    const int padded = (mb + kBlock - 1) / kBlock * kBlock;
    convert_a(a + static_cast<std::size_t>(ic) * lda, lda, mb, padded, b.k, kpad, a_bf16);
    // Groups of 32-column panels; inside a group the row blocks are outer, so each A slice
    // serves the whole group back to back while the group's B panels are reused by every row
    // block from L2. (With the panel loop outside the row blocks instead, the C written
    // between two uses of the A block - 6 MB at N = 3072 - evicted it from L2: ~20% slower.)
    for (int jg = c0; jg < c1; jg += group * kBlock) {
      const int g_end = c1 - jg < group * kBlock ? c1 : jg + group * kBlock;
      for (int i = 0; i < mb; i += kBlock) {
        const int rows = mb - i < kBlock ? mb - i : kBlock;
        const uint16_t* ap = a_bf16 + static_cast<std::size_t>(i) * kpad;
        for (int jc = jg; jc < g_end; jc += kBlock) {
          const int nb = g_end - jc < kBlock ? g_end - jc : kBlock;
          const uint16_t* b0 = b.bf16.data() + (jc / 16) * group_stride;
          float* cp = c + static_cast<std::size_t>(ic + i) * ldc + jc;
          const BlockEpilogue block_ep = offset_epilogue(ep, ic + i, jc);
          if (rows == kBlock && nb == kBlock) {
            // A whole block: the tiles go straight to C and the epilogue runs there in place.
            compute_block<true>(ap, kpad, b0, b0 + group_stride, cp, ldc);
            avx512_store_tile(cp, ldc, rows, nb, cp, ldc, &block_ep);
            continue;
          }
          // An edge block: tiles to scratch, then only the valid part of it to C.
          if (rows > 16) {
            compute_block<true>(ap, kpad, b0, b0 + group_stride, out, kBlock);
          } else {
            compute_block<false>(ap, kpad, b0, b0 + group_stride, out, kBlock);
          }
          avx512_store_tile(out, kBlock, rows, nb, cp, ldc, &block_ep);
        }
      }
    }
  }
  _tile_release();
}

float amx_dp_loop(long iterations) {
  configure_tiles();
  for (long it = 0; it < iterations; ++it) {
    // Four independent accumulators, as in compute_block; the inputs stay whatever is in
    // tmm4-7 (zeros after the first configure): the throughput does not depend on values.
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  alignas(64) float out[16 * 16];
  _tile_stored(0, out, 64);
  _tile_release();
  return out[0];
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif  // ALBERT_X86
