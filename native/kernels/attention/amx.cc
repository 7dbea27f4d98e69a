// Attention's Q K^T and P V in bf16 on AMX tiles. One (sequence, head, query block) is small
// (128 x 128 x 64 at ALBERT-base), so everything lives in L1: Q, K, V and P are converted to
// bf16 tiles in thread-local scratch, and a 2 x 2 block of accumulator tiles walks the
// (zero-padded) product as in gemm/amx.cc. At ~2 MFLOP per product the conversions cost
// about as much as the multiplies, so each writes its tiles in one vector pass.
#if defined(ALBERT_X86)
// GCC 12 warns that the "undefined" upper half inside _mm512_castsi256_si512 / inserti64x4 may
// be uninitialised: a false positive of its headers (the half is overwritten).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "kernels/attention/amx.h"

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/gemm/amx_tiles.h"
#include "kernels/gemm/avx512_mask.h"
#include "runtime/aligned_buffer.h"

namespace albert {
namespace {

using gemm::detail::block_step;
using gemm::detail::configure_tiles;
using gemm::detail::kTileElems;
using gemm::detail::lanes;
using gemm::detail::load_bf16x32;
using gemm::detail::store_block;
using gemm::detail::store_x16;
using gemm::detail::zero_block;

// Rows of Q, K and V are 3 H apart (9 KB at ALBERT-base, a stride no hardware prefetcher
// follows): each conversion loop asks for the row kAhead rows ahead (its `count` elements)
// into L2. Into L1 they would thrash it: rows 9 KB apart fall into 16 of its 64 sets.
constexpr int kAhead = 12;

template <typename T>
inline void prefetch_row(const T* row, int count) {
  const char* p = reinterpret_cast<const char*>(row);
  for (std::size_t at = 0; at < count * sizeof(T); at += 64) __builtin_prefetch(p + at, 0, 2);
}

// A operand: rows x cols of fp32 or bf16 (row stride ld) -> [padded rows / 16][kpad / 32]
// tiles of 16 rows x 32 k, zeros past rows and cols.
template <typename T>
void to_a_tiles(const T* src, int ld, int rows, int cols, int rows_padded, int kpad, uint16_t* dst) {
  const int steps = kpad / 32;
  for (int i = 0; i < rows_padded; ++i) {
    uint16_t* out = dst + static_cast<std::size_t>(i / 16) * steps * kTileElems + (i % 16) * 32;
    const T* row = src + static_cast<std::ptrdiff_t>(i) * ld;
    if (i + kAhead < rows) prefetch_row(row + static_cast<std::ptrdiff_t>(kAhead) * ld, cols);
    for (int s = 0; s < steps; ++s) {
      const __m512i v = i < rows ? load_bf16x32(row + 32 * s, cols - 32 * s) : _mm512_setzero_si512();
      _mm512_store_si512(out + static_cast<std::size_t>(s) * kTileElems, v);
    }
  }
}

// B operand for M^T, M being n x k row-major (K in Q K^T): tile (column group g, step s)
// holds, at k-pair row p and column j, the pair M[16g + j][32s + 2p .. 2p + 1]. One row of M
// converts to the 16 pairs of one tile column, scattered down that column.
template <typename T>
void to_b_tiles_transposed(const T* src, int ld, int n, int k, int npad, int kpad, uint16_t* dst) {
  const int steps = kpad / 32;
  const __m512i column = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                            _mm512_set1_epi32(16));  // k-pair row p at 16 p dwords
  for (int j = 0; j < npad; ++j) {
    uint32_t* base = reinterpret_cast<uint32_t*>(dst + static_cast<std::size_t>(j / 16) * steps * kTileElems) + j % 16;
    const T* row = src + static_cast<std::ptrdiff_t>(j) * ld;
    if (j + kAhead < n) prefetch_row(row + static_cast<std::ptrdiff_t>(kAhead) * ld, k);
    for (int s = 0; s < steps; ++s) {
      const __m512i pairs = j < n ? load_bf16x32(row + 32 * s, k - 32 * s) : _mm512_setzero_si512();
      _mm512_i32scatter_epi32(base + static_cast<std::size_t>(s) * kTileElems / 2, column, pairs, 4);
    }
  }
}

// Rows r and r + 1 of M (16 columns from `row`, masked to cols; a row at or past k reads as
// zeros) as 32 bf16: the first 16 from row r, the last 16 from row r + 1.
inline __m512i load_row_pair(const float* row, int ld, int r, int k, __mmask16 cols) {
  const __m512 even = r < k ? _mm512_maskz_loadu_ps(cols, row) : _mm512_setzero_ps();
  const __m512 odd = r + 1 < k ? _mm512_maskz_loadu_ps(cols, row + ld) : _mm512_setzero_ps();
  return (__m512i)_mm512_cvtne2ps_pbh(odd, even);
}
inline __m512i load_row_pair(const uint16_t* row, int ld, int r, int k, __mmask16 cols) {
  const __m256i even = r < k ? _mm256_maskz_loadu_epi16(cols, row) : _mm256_setzero_si256();
  const __m256i odd = r + 1 < k ? _mm256_maskz_loadu_epi16(cols, row + ld) : _mm256_setzero_si256();
  return _mm512_inserti64x4(_mm512_castsi256_si512(even), odd, 1);
}

// B operand for M, M being k x n row-major (V in P V): tile (g, s) row p interleaves rows
// 32s + 2p and 32s + 2p + 1 of M, columns 16g .. 16g + 15.
template <typename T>
void to_b_tiles(const T* src, int ld, int k, int n, int npad, int kpad, uint16_t* dst) {
  const int steps = kpad / 32;
  alignas(64) static const uint16_t kInterleave[32] = {0, 16, 1, 17, 2,  18, 3,  19, 4,  20, 5,  21, 6,  22, 7,  23,
                                                       8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
  const __m512i interleave = _mm512_load_si512(kInterleave);
  for (int g = 0; g < npad / 16; ++g) {
    const __mmask16 cols = lanes(n - 16 * g);
    for (int s = 0; s < steps; ++s) {
      uint16_t* tile = dst + (static_cast<std::size_t>(g) * steps + s) * kTileElems;
      for (int p = 0; p < 16; ++p) {
        const int r = 32 * s + 2 * p;
        if (r + kAhead + 1 < k) {
          prefetch_row(src + static_cast<std::ptrdiff_t>(r + kAhead) * ld + 16 * g, 16);
          prefetch_row(src + static_cast<std::ptrdiff_t>(r + kAhead + 1) * ld + 16 * g, 16);
        }
        const __m512i halves = load_row_pair(src + static_cast<std::ptrdiff_t>(r) * ld + 16 * g, ld, r, k, cols);
        _mm512_store_si512(tile + 32 * p, _mm512_permutexvar_epi16(interleave, halves));
      }
    }
  }
}

// C[rows_padded, npad] (row stride ldc floats) = A tiles x B tiles over `steps` K steps; both
// sizes multiples of 32, so every 2 x 2 block of accumulators is whole.
void tile_product(const uint16_t* a, const uint16_t* b, int rows_padded, int npad, int steps, float* c, int ldc) {
  configure_tiles();
  const std::size_t strip = static_cast<std::size_t>(steps) * kTileElems;  // 16 rows (A) or columns (B), all K
  for (int i = 0; i < rows_padded; i += 32) {
    const uint16_t* a0 = a + static_cast<std::size_t>(i / 16) * strip;
    for (int j = 0; j < npad; j += 32) {
      const uint16_t* b0 = b + static_cast<std::size_t>(j / 16) * strip;
      zero_block();
      for (int s = 0; s < steps; ++s) {
        const std::size_t at = static_cast<std::size_t>(s) * kTileElems;
        block_step(a0 + at, a0 + strip + at, b0 + at, b0 + strip + at);
      }
      store_block(c + static_cast<std::size_t>(i) * ldc + j, ldc);
    }
  }
  _tile_release();
}

struct Scratch {
  AlignedBuffer<uint16_t> a, b;
  AlignedBuffer<float> c;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

template <typename T>
void amx_attention_scores(const T* q, const T* k, int ld_qkv, int rows, int keys, int d, float* scores,
                          int ld_scores) {
  const int rows_padded = amx_attention_padded(rows), keys_padded = amx_attention_padded(keys);
  const int dpad = amx_attention_padded(d);
  Scratch& s = scratch();
  uint16_t* a = s.a.at_least(static_cast<std::size_t>(rows_padded) * dpad);
  uint16_t* b = s.b.at_least(static_cast<std::size_t>(keys_padded) * dpad);
  to_a_tiles(q, ld_qkv, rows, d, rows_padded, dpad, a);
  to_b_tiles_transposed(k, ld_qkv, keys, d, keys_padded, dpad, b);
  tile_product(a, b, rows_padded, keys_padded, dpad / 32, scores, ld_scores);
}

template <typename T>
void amx_attention_context(const float* p, int ld_p, const T* v, int ld_qkv, int rows, int keys, int d, T* out,
                           int ld_out) {
  const int rows_padded = amx_attention_padded(rows), keys_padded = amx_attention_padded(keys);
  const int dpad = amx_attention_padded(d);
  Scratch& s = scratch();
  uint16_t* a = s.a.at_least(static_cast<std::size_t>(rows_padded) * keys_padded);
  uint16_t* b = s.b.at_least(static_cast<std::size_t>(keys_padded) * dpad);
  float* c = s.c.at_least(static_cast<std::size_t>(rows_padded) * dpad);
  to_a_tiles(p, ld_p, rows, keys, rows_padded, keys_padded, a);
  to_b_tiles(v, ld_qkv, keys, d, dpad, keys_padded, b);
  tile_product(a, b, rows_padded, dpad, keys_padded / 32, c, dpad);
  const __mmask16 tail = lanes(d % 16 == 0 ? 16 : d % 16);
  for (int i = 0; i < rows; ++i) {
    const float* src = c + static_cast<std::size_t>(i) * dpad;
    T* dst = out + static_cast<std::ptrdiff_t>(i) * ld_out;
    int j = 0;
    for (; j + 16 < d; j += 16) store_x16(dst + j, 0xffff, _mm512_load_ps(src + j));
    store_x16(dst + j, tail, _mm512_load_ps(src + j));
  }
}

template void amx_attention_scores(const float*, const float*, int, int, int, int, float*, int);
template void amx_attention_scores(const uint16_t*, const uint16_t*, int, int, int, int, float*, int);
template void amx_attention_context(const float*, int, const float*, int, int, int, int, float*, int);
template void amx_attention_context(const float*, int, const uint16_t*, int, int, int, int, uint16_t*, int);

}  // namespace albert

#else  // !ALBERT_X86: no AMX; AttentionArgs::bf16_tiles is never set off x86.
#include <stdexcept>

#include "kernels/attention/amx.h"

namespace albert {
template <typename T>
void amx_attention_scores(const T*, const T*, int, int, int, int, float*, int) {
  throw std::logic_error("AMX attention on a non-x86 build");
}
template <typename T>
void amx_attention_context(const float*, int, const T*, int, int, int, int, T*, int) {
  throw std::logic_error("AMX attention on a non-x86 build");
}
template void amx_attention_scores(const float*, const float*, int, int, int, int, float*, int);
template void amx_attention_scores(const uint16_t*, const uint16_t*, int, int, int, int, float*, int);
template void amx_attention_context(const float*, int, const float*, int, int, int, int, float*, int);
template void amx_attention_context(const float*, int, const uint16_t*, int, int, int, int, uint16_t*, int);
}  // namespace albert
#endif  // ALBERT_X86
