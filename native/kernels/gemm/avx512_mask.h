// Lane masks for partial AVX-512 vectors. Include only from files compiled with AVX-512 flags;
// internal linkage keeps each file's copy (and its instructions) to itself.
#pragma once
#if defined(ALBERT_X86)
#include <immintrin.h>

namespace albert {
namespace gemm {
namespace detail {
namespace {

// The first `count` of 16 float lanes (all when count >= 16, none when count <= 0).
inline __mmask16 lanes(int count) {
  if (count >= 16) return 0xffff;
  if (count <= 0) return 0;
  return static_cast<__mmask16>((1u << count) - 1);
}

}  // namespace
}  // namespace detail
}  // namespace gemm
}  // namespace albert
#endif
