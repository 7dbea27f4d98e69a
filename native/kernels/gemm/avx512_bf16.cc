#if defined(ALBERT_X86)
#include <stdexcept>
#include "kernels/gemm/microkernel.h"
namespace albert { namespace gemm { namespace detail {
void avx512_bf16_range(int, int, int, int, const float*, int, const PackedB&, float*, int, const Epilogue&) {
  throw std::runtime_error("avx512bf16: not yet");
}
}}}
#endif
