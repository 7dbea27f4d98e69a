// The portable GEMM driver: picks the ISA's kernel, splits C between threads and walks the
// BLIS cache blocks (N block -> K block -> packed M block -> the ISA's macro-kernel).
#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "kernels/gemm/microkernel.h"
#include "kernels/layer_norm/layer_norm.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

void require_isa(Isa isa) {
  if (!cpu_supports(isa)) {
    throw std::runtime_error(std::string("GEMM: ISA '") + isa_name(isa) + "' is not supported by this CPU");
  }
}

const F32Kernel& f32_kernel(Isa isa) {
  require_isa(isa);
  switch (isa) {
#if defined(ALBERT_X86)
    case Isa::kAvx512: return avx512_f32_kernel();
    case Isa::kAvx2: return avx2_f32_kernel();
#endif
#if defined(ALBERT_ARM64)
    case Isa::kNeon: return neon_f32_kernel();
#endif
    default: return scalar_f32_kernel();
  }
}

Bf16Path resolve_bf16_path(Bf16Path path) {
  if (path == Bf16Path::kAuto) return default_bf16_path();
  if (path == Bf16Path::kAmx && !cpu_has_amx_bf16()) throw std::runtime_error("bf16: this CPU has no usable AMX-BF16");
  if (path == Bf16Path::kAvx512Bf16 && !cpu_has_avx512_bf16()) throw std::runtime_error("bf16: this CPU has no AVX512-BF16");
  return path;
}

// How the threads share C: a tm x tn grid of rectangles. Columns are cut on register-tile
// boundaries (nr); rows on `row_grain` boundaries, which need not be whole register tiles:
// each thread cuts its rows into balanced tiles (TileRows), so M = 128 splits evenly into
// 64 + 64 rows rather than 70 + 58, and each row of A is packed once.
struct Split {
  int tm = 1, tn = 1;
};

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Rows per thread-row of the grid, and columns per thread-column.
int rows_per_part(int m, int row_grain, int parts) { return std::min(m, ceil_div(ceil_div(m, row_grain), parts) * row_grain); }
int cols_per_part(int n, int nr, int parts) { return std::min(n, ceil_div(ceil_div(n, nr), parts) * nr); }

// Picks the grid with the least work on the busiest thread. Work counts the multiply-adds
// plus the A packing each thread repeats (one packed element costs about as much as 32 MACs
// at full speed), so a tie goes to splitting M, which packs every row of A once. But every
// thread streams its columns of B (from L3 or DRAM: the weights do not fit L2) at least once,
// and below kStreamRows rows that stream, not the multiply-adds, sets the pace: a thread
// with few rows costs as much as one with kStreamRows. So short inputs (a 16-token request)
// split N and read each weight once, instead of both threads reading all of B.
constexpr double kStreamRows = 16;

Split choose_split(int m, int n, int k, int row_grain, int nr, int threads) {
  Split best;
  double best_cost = -1;
  for (int tm = 1; tm <= threads; ++tm) {
    if (threads % tm != 0) continue;
    const int tn = threads / tm;
    const double rows = rows_per_part(m, row_grain, tm);
    const double cols = cols_per_part(n, nr, tn);
    const double cost = std::max(rows, kStreamRows) * cols * k + 32.0 * rows * k;
    if (best_cost < 0 || cost < best_cost) {
      best_cost = cost;
      best.tm = tm;
      best.tn = tn;
    }
  }
  return best;
}

// Below this many multiply-adds the pool's wake-up (10-20 us on the test VM) costs more than
// the second core saves: measured crossover between 2.1M (64x512x64: 29 us on 1 thread, 34
// on 2) and 4.2M (128x256x128: 63 us vs 37).
// AMX is ~6x faster per multiply-add, so its crossover is higher (between 12.6M: 20 us vs 27,
// and 25M: 40 us vs 36).
constexpr double kMinParallelMacsF32 = 3e6;
[[maybe_unused]] constexpr double kMinParallelMacsBf16 = 2e7;  // used on x86 only (no bf16 kernels elsewhere)
// Those crossovers were measured with B warm in cache. A B of this many elements or more (a
// weight matrix: ALBERT's are 0.6M-2.4M) comes from L3 or DRAM instead, and a few rows of A
// (an 8-token input) leave the product bound by streaming it, which two cores do twice as
// fast whatever the multiply-add count.
constexpr double kMinParallelBElements = 1 << 18;

int thread_count(ThreadPool* pool, int m, int n, int k, double min_macs) {
  if (!pool) return 1;
  const double b_elements = static_cast<double>(n) * k;
  if (b_elements * m < min_macs && b_elements < kMinParallelBElements) return 1;
  return pool->size();
}

// How a product is shared out: over how many threads, cut how, on which row and column grain.
struct Plan {
  int threads = 1;
  Split split;
  int row_grain = 1, nr = 1;
};

// The row grain for a kernel whose register tile has mr rows (see Split).
constexpr int kMaxRowGrain = 8;
int row_grain_for(int mr) { return std::min(mr, kMaxRowGrain); }

Plan plan_rectangles(ThreadPool* pool, int m, int n, int k, int row_grain, int nr, double min_macs) {
  Plan plan;
  plan.threads = thread_count(pool, m, n, k, min_macs);
  plan.split = choose_split(m, n, k, row_grain, nr, plan.threads);
  plan.row_grain = row_grain;
  plan.nr = nr;
  return plan;
}

// Runs fn(r0, r1, c0, c1) for each thread's rectangle of C.
template <typename Fn>
void for_each_rectangle(ThreadPool* pool, const Plan& plan, int m, int n, const Fn& fn) {
  const Split split = plan.split;
  const int rows_per = rows_per_part(m, plan.row_grain, split.tm);
  const int cols_per = cols_per_part(n, plan.nr, split.tn);
  auto task = [&](int t) {
    const int ti = t / split.tn, tj = t % split.tn;
    const int r0 = std::min(m, ti * rows_per), r1 = std::min(m, r0 + rows_per);
    const int c0 = std::min(n, tj * cols_per), c1 = std::min(n, c0 + cols_per);
    if (r0 < r1 && c0 < c1) fn(r0, r1, c0, c1);
  };
  parallel_for(plan.threads > 1 ? pool : nullptr, split.tm * split.tn, task);
}

// The epilogue's LayerNorm, when the kernels did not fuse it: over all m rows, after the product.
void normalize_rows(Isa isa, int m, int n, float* c, int ldc, const Epilogue& ep) {
  const RowLayerNorm& ln = ep.layer_norm;
  if (ln.gamma && m > 0 && n > 0) layer_norm(isa, c, m, n, ldc, ln.gamma, ln.beta, ln.eps);
}

Epilogue without_layer_norm(const Epilogue& ep) {
  Epilogue e = ep;
  e.layer_norm = RowLayerNorm{};
  return e;
}

// Kernels that can normalise rows themselves (fp32, AMX) do so when every thread owns whole
// rows: they then get the full epilogue, LayerNorm included; otherwise the product's epilogue
// only, and the driver normalises all rows afterwards (normalize_rows).
bool fuses_layer_norm(const Plan& plan, bool kernel_can) { return kernel_can && plan.split.tn == 1; }
Epilogue thread_epilogue(const Epilogue& ep, bool fused) { return fused ? ep : without_layer_norm(ep); }

// Where the fp32 driver finds B: nr-wide panels `panel` floats apart, consecutive k `row`
// floats apart (packed: k * nr and nr; read in place: nr and ldb).
struct F32B {
  const float* data;
  int n, k;
  std::size_t panel, row;
};

F32B packed_view(const float* data, int n, int k, int nr) {
  return F32B{data, n, k, static_cast<std::size_t>(k) * nr, static_cast<std::size_t>(nr)};
}

// The K block: at most kern.kc, and K cut into equal blocks so no block is a short tail. It
// depends on K alone, so every element sums in the same order whatever the thread split.
int k_block(const F32Kernel& kern, int k) {
  const int blocks = ceil_div(k, kern.kc);
  return ceil_div(k, blocks);
}

// One thread's rectangle [r0, r1) x [c0, c1) of C, c0 a multiple of nr. With a LayerNorm in
// ep (the rectangle then spans whole rows), each block of rows is normalised as soon as its
// last product is in, while it is still in L2, instead of in a pass over all of C afterwards.
void f32_rectangle(Isa isa, const F32Kernel& kern, int r0, int r1, int c0, int c1, const float* a, int lda,
                   const F32B& b, float* c, int ldc, const Epilogue& ep) {
  thread_local AlignedBuffer<float> a_buffer;
  const int k = b.k;
  const int kc = k_block(kern, k);
  float* a_packed = a_buffer.at_least(static_cast<std::size_t>(kern.mc) * kc);
  const bool has_epilogue = has_pointwise_epilogue(ep);
  const RowLayerNorm& ln = ep.layer_norm;
  for (int jc = c0; jc < c1; jc += kern.nc) {
    const int nb = std::min(kern.nc, c1 - jc);
    for (int pc = 0; pc < k; pc += kc) {
      const int kb = std::min(kc, k - pc);
      const bool last = pc + kb == k;
      const bool rows_done = last && jc + nb == c1;
      const float* bp = b.data + (jc / kern.nr) * b.panel + pc * b.row;
      for (int ic = r0; ic < r1; ic += kern.mc) {
        const int mb = std::min(kern.mc, r1 - ic);
        float* cb = c + static_cast<std::size_t>(ic) * ldc;
        kern.pack_a(kern.mr, mb, kb, a + static_cast<std::size_t>(ic) * lda + pc, lda, a_packed);
        const BlockEpilogue block_ep = offset_epilogue(ep, ic, jc);
        kern.block(mb, nb, kb, a_packed, bp, b.panel, b.row, cb + jc, ldc, pc > 0, last && has_epilogue ? &block_ep : nullptr);
        if (ln.gamma && rows_done) layer_norm(isa, cb + c0, mb, c1 - c0, ldc, ln.gamma, ln.beta, ln.eps);
      }
    }
  }
}

// K == 0: the product is zero, C is just the epilogue of zeros (LayerNorm included).
void zero_product(Isa isa, int m, int n, float* c, int ldc, const Epilogue& ep) {
  for (int i = 0; i < m; ++i) std::fill(c + static_cast<std::size_t>(i) * ldc, c + static_cast<std::size_t>(i) * ldc + n, 0.0f);
  apply_epilogue_portable(offset_epilogue(ep, 0, 0), m, n, c, ldc);
  normalize_rows(isa, m, n, c, ldc, ep);
}

void run_f32(Isa isa, const F32Kernel& kern, int m, const float* a, int lda, const F32B& b, float* c, int ldc,
             const Epilogue& ep, ThreadPool* pool) {
  if (m <= 0 || b.n <= 0) return;
  if (b.k <= 0) return zero_product(isa, m, b.n, c, ldc, ep);
  const Plan plan = plan_rectangles(pool, m, b.n, b.k, row_grain_for(kern.mr), kern.nr, kMinParallelMacsF32);
  const bool fused = fuses_layer_norm(plan, /*kernel_can=*/true);
  const Epilogue per_thread = thread_epilogue(ep, fused);
  for_each_rectangle(pool, plan, m, b.n, [&](int r0, int r1, int c0, int c1) {
    f32_rectangle(isa, kern, r0, r1, c0, c1, a, lda, b, c, ldc, per_thread);
  });
  if (!fused) normalize_rows(isa, m, b.n, c, ldc, ep);
}

template <typename TA, typename TC>
void run_bf16(int m, const TA* a, int lda, const PackedB& b, TC* c, int ldc, const Epilogue& ep, ThreadPool* pool) {
  if (m <= 0 || b.n <= 0) return;
#if defined(ALBERT_X86)
  const bool amx = b.bf16_path == Bf16Path::kAmx;
  if constexpr (!std::is_same_v<TC, float>) {
    if (ep.layer_norm.gamma) throw std::invalid_argument("GEMM: a LayerNorm epilogue needs fp32 output");
  }
  if constexpr (std::is_same_v<TC, float>) {
    if (b.k <= 0) return zero_product(Isa::kAvx512, m, b.n, c, ldc, ep);
  } else if (b.k <= 0) {
    return;  // never: gemm_packed refuses K = 0 for bf16 outputs
  }
  const int row_grain = amx ? kAmxTileRows : row_grain_for(kAvx512Bf16TileRows);
  const Plan plan =
      plan_rectangles(pool, m, b.n, b.k, row_grain, kBf16NAlign, amx ? kMinParallelMacsBf16 : kMinParallelMacsF32);
  const bool fused = fuses_layer_norm(plan, /*kernel_can=*/amx);
  const Epilogue per_thread = thread_epilogue(ep, fused);
  for_each_rectangle(pool, plan, m, b.n, [&](int r0, int r1, int c0, int c1) {
    if constexpr (std::is_same_v<TA, float> && std::is_same_v<TC, float>) {
      if (!amx) return avx512_bf16_range(r0, r1, c0, c1, a, lda, b, c, ldc, per_thread);
    }
    amx_bf16_range(r0, r1, c0, c1, a, lda, b, c, ldc, per_thread);
  });
  if constexpr (std::is_same_v<TC, float>) {
    if (!fused) normalize_rows(Isa::kAvx512, m, b.n, c, ldc, ep);
  }
#else
  throw std::runtime_error("bf16 needs AMX-BF16 or AVX512-BF16");
#endif
}

// The int8 kernel for B's ISA (its instructions checked when B was packed): AVX512-VNNI for
// kAvx512, AVX-VNNI for kAvx2, SDOT for kNeon, else scalar.
const Int8Kernel& int8_kernel(Isa isa) {
#if defined(ALBERT_X86)
  if (isa == Isa::kAvx512) return avx512_vnni_int8_kernel();
  if (isa == Isa::kAvx2) return avx_vnni_int8_kernel();
#endif
#if defined(ALBERT_ARM64)
  if (isa == Isa::kNeon) return neon_dotprod_int8_kernel();
#endif
  return scalar_int8_kernel();
}

// One thread's rectangle of an int8 product: its rows of A quantised once, then for each M
// block and 32-column pair of B groups, register tiles of int32 sums, scaled back to fp32 and
// passed through the epilogue while in L1. With a LayerNorm (the rectangle spans whole rows),
// each M block is normalised once its last columns are in.
void int8_rectangle(Isa isa, int r0, int r1, int c0, int c1, const float* a, int lda, const PackedB& b, float* c,
                    int ldc, const Epilogue& ep) {
  constexpr int kRowBlock = 256;  // rows whose quantised A (<= 768 KiB at K = 3072) stays in L2
  thread_local AlignedBuffer<uint8_t> a_buffer;
  thread_local AlignedBuffer<float> scale_buffer;
  const int rows = r1 - r0;
  const int kpad = int8_k_padded(b.k);
  uint8_t* qa = a_buffer.at_least(static_cast<std::size_t>(rows) * kpad);
  float* row_scale = scale_buffer.at_least(rows);
  const Int8Kernel& kernel = int8_kernel(isa);
  kernel.quantise_rows(rows, b.k, a + static_cast<std::size_t>(r0) * lda, lda, qa, row_scale);
  const std::size_t group_stride = static_cast<std::size_t>(kpad) * 16;
  const bool has_epilogue = has_pointwise_epilogue(ep);
  alignas(64) float values[kInt8TileRows * kInt8TileCols];
  for (int ib = 0; ib < rows; ib += kRowBlock) {
    const int mb = std::min(kRowBlock, rows - ib);
    for (int j = c0; j < c1; j += kInt8TileCols) {
      const int cols = std::min(kInt8TileCols, c1 - j);
      const Int8Columns columns{b.s8.data() + static_cast<std::size_t>(j / 16) * group_stride, group_stride,
                                b.col_scale.data() + j, b.col_sum.data() + j};
      for (TileRows t(mb, kInt8TileRows); t.more(); t.next()) {
        const int row = ib + t.row;  // within the rectangle
        kernel.tile(t.rows, kpad / 4, qa + static_cast<std::size_t>(row) * kpad, kpad, row_scale + row, columns, values);
        float* cp = c + static_cast<std::size_t>(r0 + row) * ldc + j;
        const BlockEpilogue block_ep = offset_epilogue(ep, r0 + row, j);
        kernel.store(values, t.rows, cols, cp, ldc, has_epilogue ? &block_ep : nullptr);
      }
    }
    const RowLayerNorm& ln = ep.layer_norm;
    if (ln.gamma) {
      layer_norm(isa, c + static_cast<std::size_t>(r0 + ib) * ldc + c0, mb, c1 - c0, ldc, ln.gamma, ln.beta, ln.eps);
    }
  }
}

void run_int8(int m, const float* a, int lda, const PackedB& b, float* c, int ldc, const Epilogue& ep, ThreadPool* pool) {
  if (m <= 0 || b.n <= 0) return;
  if (b.k <= 0) return zero_product(b.isa, m, b.n, c, ldc, ep);
  const Plan plan = plan_rectangles(pool, m, b.n, b.k, row_grain_for(kInt8TileRows), kInt8TileCols, kMinParallelMacsF32);
  const bool fused = fuses_layer_norm(plan, /*kernel_can=*/true);
  const Epilogue per_thread = thread_epilogue(ep, fused);
  for_each_rectangle(pool, plan, m, b.n, [&](int r0, int r1, int c0, int c1) {
    int8_rectangle(b.isa, r0, r1, c0, c1, a, lda, b, c, ldc, per_thread);
  });
  if (!fused) normalize_rows(b.isa, m, b.n, c, ldc, ep);
}

void require_bf16_activations(const PackedB& b) {
  if (!bf16_activations(b)) throw std::invalid_argument("GEMM: bf16 activations need a bf16 B on the AMX path");
  if (b.k <= 0) throw std::invalid_argument("GEMM: bf16 activations need K > 0");
}

void check_shape(int n, int k, int ld, bool transposed) {
  if (n < 0 || k < 0) throw std::invalid_argument("GEMM: negative dimension");
  if (ld < (transposed ? k : n)) throw std::invalid_argument("GEMM: ldb smaller than the row width");
}

}  // namespace
}  // namespace detail

Bf16Path parse_bf16_path(const std::string& name) {
  if (name == "auto") return Bf16Path::kAuto;
  if (name == "amx") return Bf16Path::kAmx;
  if (name == "avx512bf16") return Bf16Path::kAvx512Bf16;
  throw std::invalid_argument("unknown bf16 path '" + name + "' (expected auto, amx or avx512bf16)");
}

const char* bf16_path_name(Bf16Path path) {
  switch (path) {
    case Bf16Path::kAmx: return "amx";
    case Bf16Path::kAvx512Bf16: return "avx512bf16";
    default: return "auto";
  }
}

Bf16Path default_bf16_path() {
  const char* env = std::getenv("ALBERT_BF16");
  if (env && *env) {
    try {
      const Bf16Path path = parse_bf16_path(env);
      if (path != Bf16Path::kAuto) return detail::resolve_bf16_path(path);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("ALBERT_BF16: ") + e.what());
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(std::string("ALBERT_BF16: ") + e.what());
    }
  }
  if (cpu_has_amx_bf16()) return Bf16Path::kAmx;
  if (cpu_has_avx512_bf16()) return Bf16Path::kAvx512Bf16;
  throw std::runtime_error("bf16 needs AMX-BF16 or AVX512-BF16");
}

PackedB pack_b(Isa isa, Precision precision, const float* b, int n, int k, int ldb, bool transposed,
               Bf16Path bf16_path, Bf16Rounding bf16_rounding) {
  detail::check_shape(n, k, ldb, transposed);
  PackedB packed;
  packed.n = n;
  packed.k = k;
  packed.isa = isa;
  packed.precision = precision;
  if (precision == Precision::kInt8) {
    if (isa == Isa::kAvx512 && !cpu_has_avx512_vnni()) throw std::runtime_error("int8: this CPU has no AVX512-VNNI");
    if (isa == Isa::kAvx2 && !cpu_has_avx_vnni()) throw std::runtime_error("int8: this CPU has no AVX-VNNI");
    if (isa == Isa::kNeon && !cpu_has_neon_dotprod()) throw std::runtime_error("int8: this CPU has no NEON dot product (ARMv8.2 SDOT)");
    detail::pack_b_int8(b, n, k, ldb, transposed, packed);
    return packed;
  }
  if (precision == Precision::kBF16) {
    packed.bf16_path = detail::resolve_bf16_path(bf16_path);
    packed.bf16.resize(static_cast<std::size_t>(detail::bf16_n_padded(n)) * detail::bf16_k_padded(k));
    detail::pack_b_bf16(b, n, k, ldb, transposed, bf16_rounding, packed.bf16.data());
    return packed;
  }
  const detail::F32Kernel& kern = detail::f32_kernel(isa);
  packed.f32.resize(detail::packed_b_f32_size(n, k, kern.nr));
  kern.pack_b(b, n, k, ldb, transposed, packed.f32.data());
  return packed;
}

void gemm_packed(int m, const float* a, int lda, const PackedB& b, float* c, int ldc,
                 const Epilogue& epilogue, ThreadPool* pool) {
  if (b.precision == Precision::kBF16) return detail::run_bf16(m, a, lda, b, c, ldc, epilogue, pool);
  if (b.precision == Precision::kInt8) return detail::run_int8(m, a, lda, b, c, ldc, epilogue, pool);
  const detail::F32Kernel& kern = detail::f32_kernel(b.isa);
  detail::run_f32(b.isa, kern, m, a, lda, detail::packed_view(b.f32.data(), b.n, b.k, kern.nr), c, ldc, epilogue, pool);
}

bool bf16_activations(const PackedB& b) {
  return b.precision == Precision::kBF16 && b.bf16_path == Bf16Path::kAmx;
}

void gemm_packed(int m, const float* a, int lda, const PackedB& b, uint16_t* c, int ldc, const Epilogue& epilogue,
                 ThreadPool* pool) {
  detail::require_bf16_activations(b);
  detail::run_bf16(m, a, lda, b, c, ldc, epilogue, pool);
}

void gemm_packed(int m, const uint16_t* a, int lda, const PackedB& b, float* c, int ldc, const Epilogue& epilogue,
                 ThreadPool* pool) {
  detail::require_bf16_activations(b);
  detail::run_bf16(m, a, lda, b, c, ldc, epilogue, pool);
}

void gemm(Isa isa, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          bool b_transposed, float* c, int ldc, const Epilogue& epilogue, ThreadPool* pool) {
  detail::check_shape(n, k, ldb, b_transposed);
  const detail::F32Kernel& kern = detail::f32_kernel(isa);
  if (m <= 0 || n <= 0) return;
  if (kern.direct_b && !b_transposed) {
    // Rows of B are already what a panel row holds: the kernel reads B in place (P V).
    const detail::F32B view{b, n, k, static_cast<std::size_t>(kern.nr), static_cast<std::size_t>(ldb)};
    return detail::run_f32(isa, kern, m, a, lda, view, c, ldc, epilogue, pool);
  }
  // B changes every call (attention's K), so it is packed into this thread's scratch.
  thread_local AlignedBuffer<float> b_buffer;
  float* packed = b_buffer.at_least(detail::packed_b_f32_size(n, k, kern.nr));
  kern.pack_b(b, n, k, ldb, b_transposed, packed);
  detail::run_f32(isa, kern, m, a, lda, detail::packed_view(packed, n, k, kern.nr), c, ldc, epilogue, pool);
}

}  // namespace gemm
}  // namespace albert
