// The epilogue's order of operations on an m x n tile of C (bias, activation, residual), with
// the activation supplied by the caller: libm's scalar reference in epilogue.cc, the
// vectorised vector_math.h under an ISA file's flags in avx2.cc. Internal linkage, so each
// including file compiles its own copy with its own flags.
#pragma once
#include <cstddef>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {
namespace {

// activate(row, n) applies ep.activation in place to one row.
template <typename Activate>
inline void epilogue_rows(const BlockEpilogue& ep, int m, int n, float* c, int ldc, Activate activate) {
  for (int i = 0; i < m; ++i) {
    float* row = c + static_cast<std::ptrdiff_t>(i) * ldc;
    if (ep.bias) {
      for (int j = 0; j < n; ++j) row[j] += ep.bias[j];
    }
    activate(row, n);
    if (ep.residual) {
      const float* res = ep.residual + static_cast<std::ptrdiff_t>(i) * ep.ldr;
      for (int j = 0; j < n; ++j) row[j] += res[j];
    }
  }
}

}  // namespace
}  // namespace detail
}  // namespace gemm
}  // namespace albert
