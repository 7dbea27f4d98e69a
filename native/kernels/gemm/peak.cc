// The machine's measured FMA peak: every thread runs independent FMA chains (enough of them
// to cover the FMA latency on both FMA ports) for a fixed time. Measured rather than computed
// from the nominal clock because AVX-512 frequency licences and hypervisors move the clock.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {

double measure_peak_gflops(int threads, double seconds) {
#if defined(ALBERT_X86)
  const bool zmm = cpu_supports(Isa::kAvx512);
  if (!zmm && !cpu_supports(Isa::kAvx2)) return 0.0;
  const double flops_per_iteration =
      zmm ? 2.0 * 16 * detail::kAvx512FmaChains : 2.0 * 8 * detail::kAvx2FmaChains;
  constexpr long kChunk = 1 << 16;  // iterations between clock reads
  if (threads < 1) threads = 1;
  std::vector<double> gflops(threads, 0.0);
  std::atomic<float> sink{0.0f};
  auto worker = [&](int t) {
    // One short untimed chunk first so the core reaches its vector clock before timing.
    float keep = zmm ? detail::avx512_fma_loop(kChunk) : detail::avx2_fma_loop(kChunk);
    const auto start = std::chrono::steady_clock::now();
    long chunks = 0;
    double elapsed = 0.0;
    do {
      keep += zmm ? detail::avx512_fma_loop(kChunk) : detail::avx2_fma_loop(kChunk);
      ++chunks;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < seconds);
    gflops[t] = chunks * kChunk * flops_per_iteration / elapsed * 1e-9;
    sink.store(keep, std::memory_order_relaxed);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  double total = 0.0;
  for (double g : gflops) total += g;
  return total;
#else
  return 0.0;
#endif
}

}  // namespace gemm
}  // namespace albert
