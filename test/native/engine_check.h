// albert_engine_check: the engine's kernels and forward pass, checked without Node, so that a
// cross-compiled build (AArch64 under qemu-aarch64, see test/kernels/arm64.test.mjs) can be
// tested on a machine that cannot load the addon built for it.
#pragma once
#include <vector>

#include "kernels/isa.h"

namespace engine_check {

// Every ISA this CPU runs, in enum order. Walks the enum's values as integers so that this
// compiles whatever ISAs isa.h declares (isa_name says "unknown" past the last one).
std::vector<albert::Isa> supported_isas();

// `gemm`: every supported ISA against gemm_reference. Returns the exit code (0 ok, 1 failures).
int run_gemm_check();
// `forward <bundle-dir> <isa> <out-file>`. Returns the exit code (0 ok, 2 error).
int run_forward_check(const char* bundle_dir, const char* isa, const char* out_file);

}  // namespace engine_check
