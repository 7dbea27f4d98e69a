// bf16 GEMM on AMX tiles (TDPBF16PS), fp32 accumulation.
//
// Tile registers: tmm0-3 hold a 32 x 32 block of C as 2 x 2 tiles of 16 x 16 fp32; tmm4-5 two
// 16-row slices of A (16 rows x 32 k, bf16); tmm6-7 two 16-column slices of B (16 k-pairs x 16
// columns x 2, the VNNI pairs layout pack_b_bf16 writes, so a B tile is 1 KiB of contiguous
// memory). Each 32-deep K step loads 4 tiles and issues 4 TDPBF16PS - the most reuse 8 tile
// registers allow. C accumulates over the whole K in the tiles, so it is written exactly once.
//
// What limits the speed is feeding the tiles, not the multiply: one TDPBF16PS takes ~16 cycles
// and, in the 2 x 2 scheme, needs 1 KiB of fresh tile data, so the loads must come from L1/L2
// as long sequential streams. Hence:
//  * A (fp32, or already bf16) is copied to bf16 once per row block into "strips" of 32 rows
//    laid out tile by tile ([k step][2 tiles][16 rows][32 k]), so one K step of a strip is
//    2 KiB of contiguous memory. Loading tiles straight from row-major A with a stride of
//    K * 2 bytes (6 KiB at K = 3072) maps the 16 rows of a tile onto two L1 sets.
//  * C tiles go to a 4 KiB buffer that stays in L1, and one AVX-512 pass applies bias,
//    activation and residual on the way to C (fp32, or rounded to bf16), so C is written once.
//    That pass for one block is interleaved with the next block's AMX K loop (PendingBlock),
//    so the vector epilogue overlaps the tile multiplies; its C and residual rows are
//    prefetched when the block starts. A LayerNorm epilogue runs per finished row block.
#if defined(ALBERT_X86)
#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#include "kernels/activation/avx512_math.h"
#include "kernels/gemm/amx_tiles.h"
#include "kernels/gemm/avx512_mask.h"
#include "kernels/gemm/epilogue/avx512_row.h"
#include "kernels/gemm/microkernel.h"
#include "kernels/layer_norm/layer_norm.h"
#include "runtime/aligned_buffer.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kBlock = 32;           // C block edge (2 tiles)
constexpr int kStepElems = 2 * kTileElems;  // one K step of a strip or of a 32-column panel

// Rows of A converted to bf16 at once: as many as fit a ~768 KB share of the 2 MB L2 (512 at
// K = 768, 128 at K = 3072), since every such block streams all of B's panels past it once.
constexpr std::size_t kABlockBytes = 768 * 1024;
constexpr int kMaxRowsAtOnce = 512;

// Panels (32 columns of B, kpad x 64 bytes each) per group: ~512 KB of B (10 at K = 768, 2
// at K = 3072), at most 16. A group's panels are reused by every strip of the row block from
// L2 while the strip (48 KB at K = 768) is reused from L1/L2 by the group's panels.
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

// rows x k of A (fp32, or bf16 bit patterns) -> ceil(rows / 32) strips of kpad / 32 K steps,
// each step two 16 x 32 bf16 tiles (rows 0-15, then 16-31 of the strip), zeros in the
// padding (rows past `rows`, k past `k`), so the padded products add nothing.
template <typename TA>
void convert_a(const TA* a, int lda, int rows, int k, int kpad, uint16_t* dst) {
  const int steps = kpad / 32;
  const int padded = (rows + kBlock - 1) / kBlock * kBlock;
  const std::size_t strip_elems = static_cast<std::size_t>(steps) * kStepElems;
  for (int i = 0; i < padded; ++i) {
    // Row i sits in strip i / 32, tile (i / 16) % 2, tile row i % 16 of every K step.
    uint16_t* out = dst + (i / kBlock) * strip_elems + ((i / 16) % 2) * kTileElems + (i % 16) * 32;
    if (i >= rows) {
      for (int s = 0; s < steps; ++s) _mm512_store_si512(out + s * kStepElems, _mm512_setzero_si512());
      continue;
    }
    const TA* src = a + static_cast<std::size_t>(i) * lda;
    for (int s = 0; s < steps; ++s) _mm512_store_si512(out + s * kStepElems, load_bf16x32(src + s * 32, k - s * 32));
  }
}

// One row of C = epilogue(o), o being 32 fp32 sums in L1 (also the spill buffer), then a
// masked store of the valid columns. C is only written, never re-read.
template <Activation kAct, typename TC>
void store_row(float* o, const __mmask16 m[2], const float* bias, const float* residual, TC* c) {
  __m512 v0 = _mm512_load_ps(o), v1 = _mm512_load_ps(o + 16);
  epilogue_x32<kAct>(v0, v1, m, bias, residual, o);
  store_x16(c, m[0], v0);  // fp32, or rounded to bf16 as the next GEMM would round it
  store_x16(c + 16, m[1], v1);
}

// A finished 32 x 32 block waiting in its L1 buffer for its epilogue and store to C. The
// epilogue (GELU especially: ~40 vector instructions per 16 outputs) runs on the AVX-512
// ports while the AMX unit is busy with the next block: compute_block interleaves a few rows
// of it with every K step, so the out-of-order core overlaps the two instead of serialising
// "multiply, then epilogue". TC: C's element type (float, or bf16 bit patterns).
template <typename TC>
struct PendingBlock {
  float* out = nullptr;  // 32 x 32, row stride 32; null when nothing is pending
  int rows = 0, done = 0;
  __mmask16 mask[2];
  TC* c = nullptr;
  int ldc = 0;
  BlockEpilogue ep{};

  void set(float* buffer, int r, int cols, TC* dst, int ld, const BlockEpilogue& e) {
    out = buffer;
    rows = r;
    done = 0;
    mask[0] = lanes(cols);
    mask[1] = lanes(cols - 16);
    c = dst;
    ldc = ld;
    ep = e;
  }

  // Stores rows [done, min(end, rows)).
  void store_until(int end) {
    if (!out) return;
    end = end < rows ? end : rows;
    with_activation(ep.activation, [&](auto tag) { run<decltype(tag)::value>(end); });
  }
  void finish() {
    store_until(rows);
    out = nullptr;
  }

 private:
  template <Activation kAct>
  void run(int end) {
    for (; done < end; ++done) {
      store_row<kAct, TC>(out + done * kBlock, mask, ep.bias,
                      ep.residual ? ep.residual + static_cast<std::ptrdiff_t>(done) * ep.ldr : nullptr,
                      c + static_cast<std::ptrdiff_t>(done) * ldc);
    }
  }
};

// out[32 x 32] (row stride 32 floats) = one A strip (both row tiles, or only the first when
// !kTwoRowTiles) x the two B column groups b0, b1, over `steps` K steps; `rows_per_step` rows
// of the pending block's epilogue ride along with each K step (see PendingBlock), and the
// pending block is complete on return.
template <bool kTwoRowTiles, typename TC>
void compute_block(const uint16_t* a, int steps, const uint16_t* b0, const uint16_t* b1, float* out,
                   PendingBlock<TC>& pending, int rows_per_step) {
  zero_block<kTwoRowTiles>();
  for (int s = 0; s < steps; ++s) {
    const uint16_t* as = a + static_cast<std::size_t>(s) * kStepElems;
    const std::size_t bs = static_cast<std::size_t>(s) * kTileElems;
    block_step<kTwoRowTiles>(as, as + kTileElems, b0 + bs, b1 + bs);
    pending.store_until((s + 1) * rows_per_step);
  }
  pending.finish();
  store_block<kTwoRowTiles>(out, kBlock);
}

// Asks for the C rows (to write) and residual rows (to read) of a block whose epilogue runs
// about one block from now: both are [tokens, N] activations in DRAM, rows 3 KB or more apart,
// and without this every row of the epilogue stalls on a miss.
template <typename TC>
void prefetch_block_outputs(TC* c, int ldc, const float* residual, int ldr, int rows) {
  for (int r = 0; r < rows; ++r) {
    const char* cr = reinterpret_cast<const char*>(c + static_cast<std::ptrdiff_t>(r) * ldc);
    __builtin_prefetch(cr, 1, 3);
    if (sizeof(TC) == 4) __builtin_prefetch(cr + 64, 1, 3);
    if (residual) {
      const float* rr = residual + static_cast<std::ptrdiff_t>(r) * ldr;
      __builtin_prefetch(rr, 0, 3);
      __builtin_prefetch(rr + 16, 0, 3);
    }
  }
}

}  // namespace

template <typename TA, typename TC>
void amx_bf16_range(int r0, int r1, int c0, int c1, const TA* a, int lda, const PackedB& b, TC* c, int ldc,
                    const Epilogue& ep) {
  thread_local AlignedBuffer<uint16_t> scratch;
  // Two block buffers: the tiles of one block are stored into one while the other block's
  // epilogue is still draining from the other.
  alignas(64) float out[2][kBlock * kBlock];
  int which = 0;
  PendingBlock<TC> pending;
  const int kpad = bf16_k_padded(b.k);
  const int steps = kpad / 32;
  const std::size_t group_stride = static_cast<std::size_t>(kpad) * 16;  // one 16-column group of B
  const std::size_t strip_elems = static_cast<std::size_t>(steps) * kStepElems;
  const int row_block = rows_at_once(kpad);
  uint16_t* a_bf16 = scratch.at_least(static_cast<std::size_t>(row_block / kBlock) * strip_elems);
  const int group = panels_per_group(kpad);
  const int rows_per_step = (kBlock + steps - 1) / steps;
  configure_tiles();
  for (int ic = r0; ic < r1; ic += row_block) {
    const int mb = r1 - ic < row_block ? r1 - ic : row_block;
    convert_a(a + static_cast<std::size_t>(ic) * lda, lda, mb, b.k, kpad, a_bf16);
    // Groups of 32-column panels; inside a group the strips are outer, so each strip serves
    // the whole group back to back while the group's B panels are reused by every strip
    // from L2.
    for (int jg = c0; jg < c1; jg += group * kBlock) {
      const int g_end = c1 - jg < group * kBlock ? c1 : jg + group * kBlock;
      for (int i = 0; i < mb; i += kBlock) {
        const int rows = mb - i < kBlock ? mb - i : kBlock;
        const uint16_t* ap = a_bf16 + static_cast<std::size_t>(i / kBlock) * strip_elems;
        for (int jc = jg; jc < g_end; jc += kBlock) {
          const int nb = g_end - jc < kBlock ? g_end - jc : kBlock;
          const uint16_t* b0 = b.bf16.data() + (jc / 16) * group_stride;
          TC* cb = c + static_cast<std::size_t>(ic + i) * ldc + jc;
          const BlockEpilogue block_ep = offset_epilogue(ep, ic + i, jc);
          prefetch_block_outputs(cb, ldc, block_ep.residual, block_ep.ldr, rows);
          if (rows > 16) {
            compute_block<true>(ap, steps, b0, b0 + group_stride, out[which], pending, rows_per_step);
          } else {
            compute_block<false>(ap, steps, b0, b0 + group_stride, out[which], pending, rows_per_step);
          }
          pending.set(out[which], rows, nb, cb, ldc, block_ep);
          which ^= 1;
        }
      }
    }
    if constexpr (std::is_same_v<TC, float>) {
      // This block of rows is complete (gemm.cc fuses LayerNorm only when this thread owns
      // whole rows): normalise it while it is still in L2.
      const RowLayerNorm& ln = ep.layer_norm;
      if (ln.gamma) {
        pending.finish();
        layer_norm(Isa::kAvx512, c + static_cast<std::size_t>(ic) * ldc, mb, b.n, ldc, ln.gamma, ln.beta, ln.eps);
      }
    }
  }
  pending.finish();
  _tile_release();
}

template void amx_bf16_range(int, int, int, int, const float*, int, const PackedB&, float*, int, const Epilogue&);
template void amx_bf16_range(int, int, int, int, const float*, int, const PackedB&, uint16_t*, int, const Epilogue&);
template void amx_bf16_range(int, int, int, int, const uint16_t*, int, const PackedB&, float*, int, const Epilogue&);

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
