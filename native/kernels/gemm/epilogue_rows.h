// The epilogue's order of operations on an m x n tile of C (bias, activation, residual), with
// the activation supplied by the caller: libm's scalar reference in epilogue.cc, or
// vector_epilogue_tile below, vectorised under an ISA file's flags (avx2.cc, neon.cc). Internal
// linkage, so each including file compiles its own copy with its own flags.
#pragma once
#include <cstddef>

#include "kernels/activation/vector_math.h"
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

// The epilogue on a tile of C that is still in L1, its activation from vector_math.h, which
// vectorises under the including file's ISA flags (avx2.cc, neon.cc).
inline void vector_epilogue_tile(const BlockEpilogue& ep, int m, int n, float* c, int ldc) {
  epilogue_rows(ep, m, n, c, ldc, [&](float* row, int width) { vm_activate_array(ep.activation, row, width); });
}

// An int8 kernel's store (Int8Kernel::store): the tile's fp32 output to C, then the epilogue.
inline void store_int8_tile_vectorised(const float* values, int rows, int cols, float* c, int ldc,
                                       const BlockEpilogue* ep) {
  copy_int8_tile(values, rows, cols, c, ldc);
  if (ep) vector_epilogue_tile(*ep, rows, cols, c, ldc);
}

}  // namespace
}  // namespace detail
}  // namespace gemm
}  // namespace albert
