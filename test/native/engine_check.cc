// Entry point of albert_engine_check: dispatches the subcommands (see engine_check.h).
#include "engine_check.h"

#include <algorithm>
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

void CaseLog::record(const std::string& error) {
  constexpr int kMaxFailureLines = 20;  // per check and ISA: enough to see a pattern
  ++cases_;
  if (error.empty() || ++failures_ > kMaxFailureLines) return;
  std::printf("FAIL %s %s %s\n", check_, albert::isa_name(isa_), error.c_str());
}

bool CaseLog::summary() const {
  if (failures_ == 0) {
    std::printf("%s %s: %d cases ok\n", check_, albert::isa_name(isa_), cases_);
  } else {
    std::printf("%s %s: %d of %d cases FAILED\n", check_, albert::isa_name(isa_), failures_, cases_);
  }
  return failures_ == 0;
}

std::vector<float> random_floats(size_t count, uint32_t seed) {
  std::vector<float> out(std::max<size_t>(count, 1));
  uint32_t s = seed * 2654435761u + 1u;
  for (float& x : out) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / 8388608.0f - 1.0f;
  }
  return out;
}

}  // namespace engine_check

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: albert_engine_check gemm\n"
               "       albert_engine_check vector\n"
               "       albert_engine_check forward <bundle-dir> <isa> <out-file> [bf16 path: amx | avx512bf16]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "gemm") == 0) return engine_check::run_gemm_check();
  if (argc == 2 && std::strcmp(argv[1], "vector") == 0) return engine_check::run_vector_check();
  if ((argc == 5 || argc == 6) && std::strcmp(argv[1], "forward") == 0) {
    return engine_check::run_forward_check(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : nullptr);
  }
  return usage();
}
