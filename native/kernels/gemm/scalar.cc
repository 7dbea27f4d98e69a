// Portable fp32 microkernel: plain C++ (no intrinsics), used when ALBERT_ISA=scalar and on
// CPUs without AVX2. A 4 x 16 register tile of scalars; the compiler may vectorise it with the
// baseline instruction set, which is fine - this file gets no ISA flags.
#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 16;

template <int M>
void tile(int n, int kc, const float* a, const float* b, float* c, int ldc, bool accumulate) {
  float acc[M][kNr];
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < kNr; ++j) acc[i][j] = (accumulate && j < n) ? c[i * ldc + j] : 0.0f;
  }
  for (int k = 0; k < kc; ++k) {
    const float* bk = b + k * kNr;
    for (int i = 0; i < M; ++i) {
      const float ai = a[k * M + i];
      for (int j = 0; j < kNr; ++j) acc[i][j] += ai * bk[j];
    }
  }
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < n; ++j) c[i * ldc + j] = acc[i][j];
  }
}

using TileFn = void (*)(int, int, const float*, const float*, float*, int, bool);
constexpr TileFn kTiles[kMr + 1] = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>};

void block(int m, int n, int kc, const float* a, const float* b, std::size_t b_panel, std::size_t /*b_row*/,
           float* c, int ldc, bool accumulate, const BlockEpilogue* ep) {
  packed_b_block<kMr, kNr>(kTiles, apply_epilogue_portable, m, n, kc, a, b, b_panel, c, ldc, accumulate, ep);
}

void pack_b(const float* b, int n, int k, int ldb, bool transposed, float* dst) {
  pack_b_f32(kNr, b, n, k, ldb, transposed, dst);
}

}  // namespace

const F32Kernel& scalar_f32_kernel() {
  static const F32Kernel kernel{kMr, kNr, /*kc=*/256, /*mc=*/64, /*nc=*/1024, /*direct_b=*/false,
                                block, pack_a_f32, pack_b};
  return kernel;
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
