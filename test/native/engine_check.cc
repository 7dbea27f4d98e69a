// Entry point of albert_engine_check: dispatches the subcommands (see engine_check.h).
#include "engine_check.h"

#include <cstdio>
#include <cstring>

namespace engine_check {

std::vector<albert::Isa> supported_isas() {
  std::vector<albert::Isa> isas;
  for (int i = 0; i <= static_cast<int>(albert::Isa::kNeon); ++i) {
    const auto isa = static_cast<albert::Isa>(i);
    if (albert::cpu_supports(isa)) isas.push_back(isa);
  }
  return isas;
}

}  // namespace engine_check

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: albert_engine_check gemm\n"
               "       albert_engine_check forward <bundle-dir> <isa> <out-file> [bf16 path: amx | avx512bf16]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "gemm") == 0) return engine_check::run_gemm_check();
  if ((argc == 5 || argc == 6) && std::strcmp(argv[1], "forward") == 0) {
    return engine_check::run_forward_check(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : nullptr);
  }
  return usage();
}
