// Internal to kernels/gemm: what each ISA file provides to the portable driver (gemm.cc).
//
// Data layouts (all produced by pack.cc):
//  * packed B, fp32: column panels nr wide, each [K][nr] (row k of the panel = nr consecutive
//    floats, zero padded past N); panel p starts at p * K * nr. A K block [pc, pc + kc) of a
//    panel is therefore contiguous.
//  * packed A, fp32: one block of up to mc rows x kc columns, cut into the register tiles of
//    TileRows below (heights <= mr, differing by at most one), each tile's rows a panel
//    [kc][h] (the h values of column k are adjacent, so the microkernel broadcasts from
//    consecutive addresses). The panel of the tile starting at row r starts at r * kc.
//  * packed B, bf16 (AMX and AVX512-BF16 share it): groups of 16 columns, each [K/2][16][2]:
//    "VNNI pairs", the two consecutive k of one column side by side, so one 32-bit lane holds
//    the pair a dot-product instruction consumes. K is padded to a multiple of 32 (one AMX tile
//    depth) and N to a multiple of 32, both with zeros. Group g starts at g * Kpad * 16.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/gemm/gemm.h"

namespace albert {
namespace gemm {
namespace detail {

// The epilogue of one block of C, its pointers already offset to the block's first row and
// column (bias + col, residual + row * ldr + col).
struct BlockEpilogue {
  const float* bias;
  Activation activation;
  const float* residual;
  int ldr;
};

// The inline helpers below have internal linkage on purpose: this header is compiled into
// files with different ISA flags, and an external inline function could be emitted out of
// line with AVX-512 instructions in one of them and then chosen by the linker for all.
namespace {

// How a block of m rows is cut into register tiles: ceil(m / mr) tiles whose heights differ
// by at most one (16 rows: 8 + 8, not 14 + 2). A tile of one or two rows is latency-bound and
// reads a whole B panel for a sliver of work; with 16-token inputs that tile took a third of
// the time. for (TileRows t(m, mr); t.more(); t.next()) visits them in order.
struct TileRows {
  int row = 0, rows = 0;  // the current tile: [row, row + rows)
  TileRows(int m, int mr) : m_(m) {
    const int count = (m + mr - 1) / mr;
    base_ = count > 0 ? m / count : 0;
    extra_ = count > 0 ? m % count : 0;
    rows = height(0);
  }
  bool more() const { return row < m_; }
  void next() {
    row += rows;
    rows = height(++index_);
  }

 private:
  int height(int t) const { return base_ + (t < extra_ ? 1 : 0); }
  int m_, base_ = 0, extra_ = 0, index_ = 0;
};

// Whether the epilogue changes the product's values before any LayerNorm (bias, activation or
// residual), i.e. whether a kernel must run it at all.
inline bool has_pointwise_epilogue(const Epilogue& e) {
  return e.bias || e.residual || e.activation != Activation::kIdentity;
}

// Shifts an epilogue to the block starting at (row, col).
inline BlockEpilogue offset_epilogue(const Epilogue& e, int row, int col) {
  BlockEpilogue b;
  b.bias = e.bias ? e.bias + col : nullptr;
  b.activation = e.activation;
  b.residual = e.residual ? e.residual + static_cast<std::ptrdiff_t>(row) * e.ldr + col : nullptr;
  b.ldr = e.ldr;
  return b;
}
inline BlockEpilogue offset_epilogue(const BlockEpilogue& e, int row, int col) {
  BlockEpilogue b = e;
  if (b.bias) b.bias += col;
  if (b.residual) b.residual += static_cast<std::ptrdiff_t>(row) * e.ldr + col;
  return b;
}

// The macro-kernel of a kernel that always reads packed B (direct_b = false, so b_row is nr):
// B panel outer, the block's register tiles (TileRows) inner, then the epilogue while the tile is in
// L1. tiles[r] multiplies an r-row tile: (cols, kc, packed A panel, B panel, C, ldc,
// accumulate); epilogue(ep, rows, cols, c, ldc) is compiled under the caller's ISA flags.
template <int kMr, int kNr, typename TileFn, typename EpilogueFn>
inline void packed_b_block(const TileFn* tiles, const EpilogueFn& epilogue, int m, int n, int kc, const float* a,
                           const float* b, std::size_t b_panel, float* c, int ldc, bool accumulate,
                           const BlockEpilogue* ep) {
  for (int j = 0; j < n; j += kNr) {
    const int cols = n - j < kNr ? n - j : kNr;
    const float* bp = b + (j / kNr) * b_panel;
    for (TileRows t(m, kMr); t.more(); t.next()) {
      float* cp = c + static_cast<std::ptrdiff_t>(t.row) * ldc + j;
      tiles[t.rows](cols, kc, a + static_cast<std::size_t>(t.row) * kc, bp, cp, ldc, accumulate);
      if (ep) epilogue(offset_epilogue(*ep, t.row, j), t.rows, cols, cp, ldc);
    }
  }
}

}  // namespace

// Portable epilogue on an m x n tile of C (used by the scalar path and as the fallback).
void apply_epilogue_portable(const BlockEpilogue& ep, int m, int n, float* c, int ldc);

// One ISA's fp32 kernel: register tile, cache blocking, and the macro-kernel that multiplies
// a packed A block by a run of B panels.
struct F32Kernel {
  int mr;  // rows of the register tile (= rows of a packed A panel)
  int nr;  // columns of the register tile (= width of a packed B panel)
  int kc;  // largest K block
  int mc;  // rows of A packed at once, a multiple of mr
  int nc;  // columns of C per block, a multiple of nr
  // Whether block() may read an unpacked, untransposed B in place (b_row = ldb, b_panel = nr):
  // the unpacked gemm() then skips packing B altogether.
  bool direct_b;
  // C[m x n] = (accumulate ? C : 0) + A * B over kc, then the epilogue when ep is non-null
  // (the last K block). a: packed A block. b: the first B panel at this K block; b_panel
  // floats from one panel to the next, b_row floats from one k to the next.
  void (*block)(int m, int n, int kc, const float* a, const float* b, std::size_t b_panel,
                std::size_t b_row, float* c, int ldc, bool accumulate, const BlockEpilogue* ep);
  // Packs rows [0, m) x columns [0, kc) of A into the panels of TileRows(m, mr) (layout above).
  void (*pack_a)(int mr, int m, int kc, const float* a, int lda, float* dst);
  // Packs B into nr-wide panels (layout above).
  void (*pack_b)(const float* b, int n, int k, int ldb, bool transposed, float* dst);
};

const F32Kernel& scalar_f32_kernel();
#if defined(ALBERT_X86)
const F32Kernel& avx2_f32_kernel();
const F32Kernel& avx512_f32_kernel();
#endif
#if defined(ALBERT_ARM64)
const F32Kernel& neon_f32_kernel();
// NEON FMA-throughput loop for the peak measurement: iterations x kNeonFmaChains FMAs on 4 floats.
float neon_fma_loop(long iterations);
constexpr int kNeonFmaChains = 16;
#endif

// ---- packing (pack.cc) -------------------------------------------------------------------
// Packs rows [0, m) x columns [0, kc) of A into the panels of TileRows(m, mr) (layout above).
void pack_a_f32(int mr, int m, int kc, const float* a, int lda, float* dst);
// Floats needed for packed fp32 B.
std::size_t packed_b_f32_size(int n, int k, int nr);
void pack_b_f32(int nr, const float* b, int n, int k, int ldb, bool transposed, float* dst);

namespace {  // internal linkage, as above

// A register tile of a kernel that reads packed B: C[rows x cols] (+)= A panel * B panel over kc.
using PackedTileFn = void (*)(int cols, int kc, const float* a, const float* b, float* c, int ldc, bool accumulate);
// The epilogue on a tile of C still in L1 (apply_epilogue_portable, vector_epilogue_tile).
using TileEpilogueFn = void (*)(const BlockEpilogue& ep, int m, int n, float* c, int ldc);

// The F32Kernel of an ISA whose tiles always read packed B (avx2, neon, scalar): packed_b_block
// over kTiles[1..kMr] with kEpilogue, B packed into kNr-wide panels, A by pack_a_f32.
template <int kMr, int kNr, const PackedTileFn* kTiles, TileEpilogueFn kEpilogue>
struct PackedBKernel {
  static void block(int m, int n, int kc, const float* a, const float* b, std::size_t b_panel, std::size_t /*b_row*/,
                    float* c, int ldc, bool accumulate, const BlockEpilogue* ep) {
    packed_b_block<kMr, kNr>(kTiles, kEpilogue, m, n, kc, a, b, b_panel, c, ldc, accumulate, ep);
  }
  static void pack_b(const float* b, int n, int k, int ldb, bool transposed, float* dst) {
    pack_b_f32(kNr, b, n, k, ldb, transposed, dst);
  }
  static F32Kernel make(int kc, int mc, int nc) {
    return F32Kernel{kMr, kNr, kc, mc, nc, /*direct_b=*/false, block, pack_a_f32, pack_b};
  }
};

}  // namespace

// bf16 packing geometry.
constexpr int kBf16KAlign = 32;  // K padding: one AMX tile holds 32 k
constexpr int kBf16NAlign = 32;  // N padding: two 16-column groups per register tile
constexpr int kAmxTileRows = 16;         // rows of C in one AMX tile
constexpr int kAvx512Bf16TileRows = 14;  // rows of the AVX512-BF16 register tile
namespace {  // internal linkage, as above
inline int bf16_k_padded(int k) { return (k + kBf16KAlign - 1) / kBf16KAlign * kBf16KAlign; }
inline int bf16_n_padded(int n) { return (n + kBf16NAlign - 1) / kBf16NAlign * kBf16NAlign; }
}  // namespace
void pack_b_bf16(const float* b, int n, int k, int ldb, bool transposed, Bf16Rounding rounding, uint16_t* dst);
// Round-to-nearest-even float -> bf16, the rounding VCVTNEPS2BF16 and AMX inputs use.
uint16_t float_to_bf16(float x);
// The other rounding of the pair Bf16Rounding::kPartner describes (gemm.h).
uint16_t float_to_bf16_partner(float x);

// int8 geometry and layout. Packed B: groups of 16 columns, each [Kpad/4][16][4] int8: the four
// consecutive k of one column side by side, the group of four VPDPBUSD consumes per 32-bit
// lane. K is padded to a multiple of 4 and N to a multiple of 32, with zeros. Group g starts at
// g * Kpad * 16. Quantised A: rows of Kpad uint8, value + 128 (so 128 is zero; the padding too).
constexpr int kInt8KAlign = 4;
constexpr int kInt8NAlign = 32;
constexpr int kInt8TileRows = 8;  // rows of the int8 register tile (both kernels)
constexpr int kInt8TileCols = 32;
constexpr int kInt8Zero = 128;    // the uint8 value that stands for 0 in quantised A
namespace {  // internal linkage, as above
inline int int8_k_padded(int k) { return (k + kInt8KAlign - 1) / kInt8KAlign * kInt8KAlign; }
inline int int8_n_padded(int n) { return (n + kInt8NAlign - 1) / kInt8NAlign * kInt8NAlign; }

// The scale that maps a vector's largest magnitude to 127 (1 for an all-zero vector: any works).
inline float int8_scale_for(float max_abs) { return max_abs > 0.0f ? max_abs / 127.0f : 1.0f; }

// Symmetric quantisation of x with 1 / scale = inv: round half away from zero, clamped to
// +-127. A NaN becomes -127 (never an undefined conversion), as VMAXPS with the bound second
// makes it in the vector kernels, which repeat this arithmetic lane by lane.
inline int quantise_int8(float x, float inv) {
  const float y = std::min(127.0f, std::max(-127.0f, x * inv));
  return static_cast<int>(y + (y >= 0.0f ? 0.5f : -0.5f));
}

// Copies rows x cols of an int8 tile's fp32 output (row stride kInt8TileCols) to C.
inline void copy_int8_tile(const float* values, int rows, int cols, float* c, int ldc) {
  for (int r = 0; r < rows; ++r) {
    const float* row = values + r * kInt8TileCols;
    std::copy(row, row + cols, c + static_cast<std::ptrdiff_t>(r) * ldc);
  }
}

}  // namespace
// Quantises B (per column) into packed.s8, packed.col_scale and packed.col_sum.
void pack_b_int8(const float* b, int n, int k, int ldb, bool transposed, PackedB& packed);

// One 32-column pair of packed B groups (group_stride bytes apart) with their columns' scales
// and int8 sums.
struct Int8Columns {
  const int8_t* b;
  std::size_t group_stride;
  const float* scale;
  const int32_t* sum;
};

// An int8 kernel. Every kernel computes the same numbers bit for bit: quantise_rows rounds a
// row x to q = trunc(y + (y >= 0 ? 0.5 : -0.5)), y = clamp(x * (1 / s), -127, 127), s = max|x| / 127,
// and tile scales the exact int32 sum back as float(sum - 128 * column sum) * (s_row * s_col).
struct Int8Kernel {
  // m rows of A (k wide) -> dst (rows of Kpad bytes, value + 128) and row_scale[m].
  void (*quantise_rows)(int m, int k, const float* a, int lda, uint8_t* dst, float* row_scale);
  // `rows` (<= kInt8TileRows) quantised rows of A (row stride lda bytes, row scales row_scale)
  // times one column pair over kq = Kpad / 4 quads: out[r * 32 + j], fp32, row stride 32.
  void (*tile)(int rows, int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b, float* out);
  // Writes rows x cols of tile's output (row stride 32) to C through the epilogue (may be null).
  void (*store)(const float* values, int rows, int cols, float* c, int ldc, const BlockEpilogue* ep);
};

namespace {  // internal linkage, as above

// An int8 tile computed kChunk rows at a time, for kernels whose registers hold fewer than
// kInt8TileRows rows: chunks[n] computes n rows.
template <int kChunk>
using Int8ChunkFn = void (*)(int kq, const uint8_t* a, int lda, const float* row_scale, const Int8Columns& b,
                             float* out);
template <int kChunk>
inline void int8_tile_in_chunks(const Int8ChunkFn<kChunk>* chunks, int rows, int kq, const uint8_t* a, int lda,
                                const float* row_scale, const Int8Columns& b, float* out) {
  for (int r = 0; r < rows; r += kChunk) {
    const int n = rows - r < kChunk ? rows - r : kChunk;
    chunks[n](kq, a + static_cast<std::ptrdiff_t>(r) * lda, lda, row_scale + r, b, out + r * kInt8TileCols);
  }
}

}  // namespace

const Int8Kernel& scalar_int8_kernel();
#if defined(ALBERT_X86)
const Int8Kernel& avx512_vnni_int8_kernel();
const Int8Kernel& avx_vnni_int8_kernel();
#endif
#if defined(ALBERT_ARM64)
const Int8Kernel& neon_dotprod_int8_kernel();
#endif

// ---- bf16 drivers (amx.cc, avx512_bf16.cc) -------------------------------------------------
#if defined(ALBERT_X86)
// Compute rows [r0, r1) x columns [c0, c1) of C (c0, c1 multiples of 32 or c1 == n) from the
// bf16 packed B, applying the whole epilogue. Called once per thread. The AMX driver also
// takes A, or writes C, as bf16 bit patterns (TA / TC = uint16_t; instantiated for
// float/float, float/uint16_t and uint16_t/float).
template <typename TA, typename TC>
void amx_bf16_range(int r0, int r1, int c0, int c1, const TA* a, int lda, const PackedB& b, TC* c, int ldc,
                    const Epilogue& ep);
void avx512_bf16_range(int r0, int r1, int c0, int c1, const float* a, int lda, const PackedB& b,
                       float* c, int ldc, const Epilogue& ep);
// FMA-throughput loops for the peak measurement: `iterations` x (chains) FMAs on 16 (zmm) or
// 8 (ymm) floats; return a value derived from the accumulators so the loop is not removed.
// Transposing AVX-512 packers (pack/avx512.cc); mr <= 16, nr a multiple of 16.
void avx512_pack_a(int mr, int m, int kc, const float* a, int lda, float* dst);
void avx512_pack_b_transposed(int nr, const float* b, int n, int k, int ldb, float* dst);
// Copies an m x n fp32 tile (n <= 32, row stride lds) to C applying the epilogue ep (may be
// null); src may equal c (in place). AVX-512; shared by the fp32 and AVX512-BF16 kernels.
void avx512_store_tile(const float* src, int lds, int m, int n, float* c, int ldc, const BlockEpilogue* ep);
float avx512_fma_loop(long iterations);
float avx2_fma_loop(long iterations);
// AMX: iterations x 4 TDPBF16PS (16 x 16 x 32 multiply-adds each) on independent tiles.
float amx_dp_loop(long iterations);
constexpr int kAvx512FmaChains = 16;
constexpr int kAvx2FmaChains = 12;
#endif

}  // namespace detail
}  // namespace gemm
}  // namespace albert
