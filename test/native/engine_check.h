// albert_engine_check: the engine's kernels and forward pass, checked without Node, so that a
// cross-compiled build (AArch64 under qemu-aarch64, see test/kernels/arm64.test.mjs) can be
// tested on a machine that cannot load the addon built for it, and a build with sanitizers
// (test/kernels/sanitizers.test.mjs) without loading them into Node.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/isa.h"

namespace engine_check {

// Every ISA this CPU runs, in enum order.
std::vector<albert::Isa> supported_isas();

// The cases of one check on one ISA: counts them, prints the first failures as
// "FAIL <check> <isa> <what>", then a summary line.
class CaseLog {
 public:
  CaseLog(const char* check, albert::Isa isa) : check_(check), isa_(isa) {}
  // Counts one case: passed when error is empty, else error says what went wrong.
  void record(const std::string& error);
  // "<check> <isa>: N cases ok" or "<check> <isa>: F of N cases FAILED"; true when all passed.
  bool summary() const;
  albert::Isa isa() const { return isa_; }

 private:
  const char* check_;
  albert::Isa isa_;
  int cases_ = 0;
  int failures_ = 0;
};

// Deterministic uniform [-1, 1) floats from a 32-bit LCG, so a failure reproduces. Never empty
// (a shape with a zero dimension still gets a valid pointer).
std::vector<float> random_floats(size_t count, uint32_t seed);

// `gemm`: every supported ISA against gemm_reference. Returns the exit code (0 ok, 1 failures).
int run_gemm_check();
// `vector`: every supported ISA's activations, softmax and LayerNorm against their scalar
// references. Returns the exit code (0 ok, 1 failures).
int run_vector_check();
// `forward <bundle-dir> <isa> <out-file> [bf16 path]`: precision bf16 on that kernel when
// bf16_path ("amx" | "avx512bf16") is given, else fp32. Returns the exit code (0 ok, 2 error).
int run_forward_check(const char* bundle_dir, const char* isa, const char* out_file, const char* bf16_path);

}  // namespace engine_check
