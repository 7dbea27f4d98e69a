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

constexpr PackedTileFn kTiles[kMr + 1] = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>};

}  // namespace

const F32Kernel& scalar_f32_kernel() {
  static const F32Kernel kernel =
      PackedBKernel<kMr, kNr, kTiles, apply_epilogue_portable>::make(/*kc=*/256, /*mc=*/64, /*nc=*/1024);
  return kernel;
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
