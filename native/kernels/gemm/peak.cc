// The machine's measured peaks: every thread runs independent FMA chains (enough of them to
// cover the FMA latency on both FMA ports), or independent AMX dot products, for a fixed
// time. Measured rather than computed from the nominal clock because AVX-512 and AMX
// frequency licences and hypervisors move the clock.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {

#if defined(ALBERT_X86) || defined(ALBERT_ARM64)
namespace {

// A throughput loop and the flops one of its iterations does.
struct PeakLoop {
  float (*run)(long iterations);
  double flops_per_iteration;
  long chunk;  // iterations between clock reads
};

double run_peak(const PeakLoop& loop, int threads, double seconds) {
  if (threads < 1) threads = 1;
  std::vector<double> gflops(threads, 0.0);
  std::atomic<float> sink{0.0f};
  auto worker = [&](int t) {
    // One untimed chunk first, so the core reaches its vector clock before timing.
    float keep = loop.run(loop.chunk);
    const auto start = std::chrono::steady_clock::now();
    long chunks = 0;
    double elapsed = 0.0;
    do {
      keep += loop.run(loop.chunk);
      ++chunks;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < seconds);
    gflops[t] = chunks * loop.chunk * loop.flops_per_iteration / elapsed * 1e-9;
    sink.store(keep, std::memory_order_relaxed);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  double total = 0.0;
  for (double g : gflops) total += g;
  return total;
}

}  // namespace
#endif

double measure_fma_peak_gflops(Isa isa, int threads, double seconds) {
  if (!cpu_supports(isa)) throw std::runtime_error(std::string("FMA peak: ISA '") + isa_name(isa) + "' is not supported by this CPU");
  switch (isa) {
#if defined(ALBERT_X86)
    case Isa::kAvx512:
      return run_peak({detail::avx512_fma_loop, 2.0 * 16 * detail::kAvx512FmaChains, 1 << 16}, threads, seconds);
    case Isa::kAvx2:
      return run_peak({detail::avx2_fma_loop, 2.0 * 8 * detail::kAvx2FmaChains, 1 << 16}, threads, seconds);
#endif
#if defined(ALBERT_ARM64)
    case Isa::kNeon:
      return run_peak({detail::neon_fma_loop, 2.0 * 4 * detail::kNeonFmaChains, 1 << 16}, threads, seconds);
#endif
    default:
      return 0.0;  // the scalar path has no vector FMA loop to compare with
  }
}

double measure_peak_gflops(int threads, double seconds, Precision precision) {
  if (precision == Precision::kBF16) {
#if defined(ALBERT_X86)
    if (cpu_has_amx_bf16()) return run_peak({detail::amx_dp_loop, 4.0 * 16 * 16 * 32 * 2, 1 << 12}, threads, seconds);
#endif
    return 0.0;
  }
  return measure_fma_peak_gflops(best_isa(), threads, seconds);
}

}  // namespace gemm
}  // namespace albert
