#if defined(ALBERT_X86)
#include <stdexcept>
#include "kernels/gemm/microkernel.h"
namespace albert { namespace gemm { namespace detail {
void amx_bf16_range(int, int, int, int, const float*, int, const PackedB&, float*, int, const Epilogue&) {
  throw std::runtime_error("amx: not yet");
}
}}}
#endif
