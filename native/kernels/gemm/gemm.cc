// The portable GEMM driver: picks the ISA's kernel, splits C between threads and walks the
// BLIS cache blocks (N block -> K block -> packed M block -> the ISA's macro-kernel).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/gemm/microkernel.h"

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
    default: return scalar_f32_kernel();
  }
}

Bf16Path resolve_bf16_path(Bf16Path path) {
  const bool amx = cpu_has_amx_bf16(), dot = cpu_has_avx512_bf16();
  if (path == Bf16Path::kAuto) {
    if (amx) return Bf16Path::kAmx;
    if (dot) return Bf16Path::kAvx512Bf16;
    throw std::runtime_error("bf16 needs AMX-BF16 or AVX512-BF16");
  }
  if (path == Bf16Path::kAmx && !amx) throw std::runtime_error("bf16: this CPU has no usable AMX-BF16");
  if (path == Bf16Path::kAvx512Bf16 && !dot) throw std::runtime_error("bf16: this CPU has no AVX512-BF16");
  return path;
}

// How the threads share C: a tm x tn grid of rectangles, cut on tile boundaries.
struct Split {
  int tm = 1, tn = 1;
};

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Picks the grid with the least work on the busiest thread. Work counts the multiply-adds
// plus the A packing each thread repeats (one packed element costs about as much as 32 MACs
// at full speed), so a tie goes to splitting M, which packs every row of A once.
Split choose_split(int m, int n, int k, int mr, int nr, int threads) {
  Split best;
  double best_cost = -1;
  for (int tm = 1; tm <= threads; ++tm) {
    if (threads % tm != 0) continue;
    const int tn = threads / tm;
    const double rows = std::min(m, ceil_div(ceil_div(m, mr), tm) * mr);
    const double cols = std::min(n, ceil_div(ceil_div(n, nr), tn) * nr);
    const double cost = rows * cols * k + 32.0 * rows * k;
    if (best_cost < 0 || cost < best_cost) {
      best_cost = cost;
      best.tm = tm;
      best.tn = tn;
    }
  }
  return best;
}

// Below this many multiply-adds the pool's wake-up costs more than the second core saves.
constexpr double kMinParallelMacs = 1 << 17;

int thread_count(ThreadPool* pool, int m, int n, int k) {
  if (!pool) return 1;
  if (static_cast<double>(m) * n * k < kMinParallelMacs) return 1;
  return pool->size();
}

// Runs fn(r0, r1, c0, c1) for each thread's rectangle of C.
template <typename Fn>
void for_each_rectangle(ThreadPool* pool, int m, int n, int k, int mr, int nr, const Fn& fn) {
  const int threads = thread_count(pool, m, n, k);
  const Split split = choose_split(m, n, k, mr, nr, threads);
  const int rows_per = ceil_div(ceil_div(m, mr), split.tm) * mr;
  const int cols_per = ceil_div(ceil_div(n, nr), split.tn) * nr;
  auto task = [&](int t) {
    const int ti = t / split.tn, tj = t % split.tn;
    const int r0 = std::min(m, ti * rows_per), r1 = std::min(m, r0 + rows_per);
    const int c0 = std::min(n, tj * cols_per), c1 = std::min(n, c0 + cols_per);
    if (r0 < r1 && c0 < c1) fn(r0, r1, c0, c1);
  };
  parallel_for(threads > 1 ? pool : nullptr, split.tm * split.tn, task);
}

// Grows a per-thread scratch buffer; never shrinks, so steady-state calls do not allocate.
template <typename T>
T* scratch(AlignedBuffer<T>& buffer, std::size_t count) {
  if (buffer.size() < count) buffer.resize(count);
  return buffer.data();
}

// What the fp32 driver needs to know about packed B.
struct F32B {
  const float* data;
  int n, k;
};

// One thread's rectangle [r0, r1) x [c0, c1) of C, c0 a multiple of nr.
void f32_rectangle(const F32Kernel& kern, int r0, int r1, int c0, int c1, const float* a, int lda,
                   const F32B& b, float* c, int ldc, const Epilogue& ep) {
  thread_local AlignedBuffer<float> a_buffer;
  const int k = b.k;
  const std::size_t panel_stride = static_cast<std::size_t>(k) * kern.nr;
  float* a_packed = scratch(a_buffer, static_cast<std::size_t>(kern.mc) * std::min(kern.kc, k));
  for (int jc = c0; jc < c1; jc += kern.nc) {
    const int nb = std::min(kern.nc, c1 - jc);
    for (int pc = 0; pc < k; pc += kern.kc) {
      const int kb = std::min(kern.kc, k - pc);
      const bool last = pc + kb == k;
      const float* bp = b.data + (jc / kern.nr) * panel_stride + static_cast<std::size_t>(pc) * kern.nr;
      for (int ic = r0; ic < r1; ic += kern.mc) {
        const int mb = std::min(kern.mc, r1 - ic);
        pack_a_f32(kern.mr, mb, kb, a + static_cast<std::size_t>(ic) * lda + pc, lda, a_packed);
        const BlockEpilogue block_ep = offset_epilogue(ep, ic, jc);
        kern.block(mb, nb, kb, a_packed, bp, panel_stride, c + static_cast<std::size_t>(ic) * ldc + jc, ldc,
                   pc > 0, last ? &block_ep : nullptr);
      }
    }
  }
}

// K == 0: the product is zero, C is just the epilogue of zeros.
void zero_product(int m, int n, float* c, int ldc, const Epilogue& ep) {
  for (int i = 0; i < m; ++i) std::fill(c + static_cast<std::size_t>(i) * ldc, c + static_cast<std::size_t>(i) * ldc + n, 0.0f);
  apply_epilogue_portable(offset_epilogue(ep, 0, 0), m, n, c, ldc);
}

void run_f32(const F32Kernel& kern, int m, const float* a, int lda, const F32B& b, float* c, int ldc,
             const Epilogue& ep, ThreadPool* pool) {
  if (m <= 0 || b.n <= 0) return;
  if (b.k <= 0) return zero_product(m, b.n, c, ldc, ep);
  for_each_rectangle(pool, m, b.n, b.k, kern.mr, kern.nr, [&](int r0, int r1, int c0, int c1) {
    f32_rectangle(kern, r0, r1, c0, c1, a, lda, b, c, ldc, ep);
  });
}

void run_bf16(int m, const float* a, int lda, const PackedB& b, float* c, int ldc, const Epilogue& ep,
              ThreadPool* pool) {
  if (m <= 0 || b.n <= 0) return;
  if (b.k <= 0) return zero_product(m, b.n, c, ldc, ep);
#if defined(ALBERT_X86)
  const bool amx = b.bf16_path == Bf16Path::kAmx;
  for_each_rectangle(pool, m, b.n, b.k, /*mr=*/amx ? 32 : 16, /*nr=*/kBf16NAlign,
                     [&](int r0, int r1, int c0, int c1) {
                       if (amx) {
                         amx_bf16_range(r0, r1, c0, c1, a, lda, b, c, ldc, ep);
                       } else {
                         avx512_bf16_range(r0, r1, c0, c1, a, lda, b, c, ldc, ep);
                       }
                     });
#else
  throw std::runtime_error("bf16 needs AMX-BF16 or AVX512-BF16");
#endif
}

void check_shape(int n, int k, int ld, bool transposed) {
  if (n < 0 || k < 0) throw std::invalid_argument("GEMM: negative dimension");
  if (ld < (transposed ? k : n)) throw std::invalid_argument("GEMM: ldb smaller than the row width");
}

}  // namespace
}  // namespace detail

PackedB pack_b(Isa isa, Precision precision, const float* b, int n, int k, int ldb, bool transposed,
               Bf16Path bf16_path) {
  detail::check_shape(n, k, ldb, transposed);
  PackedB packed;
  packed.n = n;
  packed.k = k;
  packed.isa = isa;
  packed.precision = precision;
  if (precision == Precision::kBF16) {
    packed.bf16_path = detail::resolve_bf16_path(bf16_path);
    packed.bf16.resize(static_cast<std::size_t>(detail::bf16_n_padded(n)) * detail::bf16_k_padded(k));
    detail::pack_b_bf16(b, n, k, ldb, transposed, packed.bf16.data());
    return packed;
  }
  const detail::F32Kernel& kern = detail::f32_kernel(isa);
  packed.f32.resize(detail::packed_b_f32_size(n, k, kern.nr));
  detail::pack_b_f32(kern.nr, b, n, k, ldb, transposed, packed.f32.data());
  return packed;
}

void gemm_packed(int m, const float* a, int lda, const PackedB& b, float* c, int ldc,
                 const Epilogue& epilogue, ThreadPool* pool) {
  if (b.precision == Precision::kBF16) return detail::run_bf16(m, a, lda, b, c, ldc, epilogue, pool);
  const detail::F32Kernel& kern = detail::f32_kernel(b.isa);
  detail::run_f32(kern, m, a, lda, detail::F32B{b.f32.data(), b.n, b.k}, c, ldc, epilogue, pool);
}

void gemm(Isa isa, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          bool b_transposed, float* c, int ldc, const Epilogue& epilogue, ThreadPool* pool) {
  detail::check_shape(n, k, ldb, b_transposed);
  const detail::F32Kernel& kern = detail::f32_kernel(isa);
  if (m <= 0 || n <= 0) return;
  // B changes every call (attention's K and V), so it is packed into this thread's scratch.
  thread_local AlignedBuffer<float> b_buffer;
  float* packed = detail::scratch(b_buffer, detail::packed_b_f32_size(n, k, kern.nr));
  detail::pack_b_f32(kern.nr, b, n, k, ldb, b_transposed, packed);
  detail::run_f32(kern, m, a, lda, detail::F32B{packed, n, k}, c, ldc, epilogue, pool);
}

}  // namespace gemm
}  // namespace albert
