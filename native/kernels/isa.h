// Instruction-set paths. The engine picks one per model at load time: the best the CPU has,
// or the one named by ALBERT_ISA (scalar | avx2 | avx512 | neon), or an explicit request.
#pragma once
#include <string>

namespace albert {

// x86-64: avx2, avx512. AArch64: neon (part of the base architecture, so always there).
enum class Isa { kScalar = 0, kAvx2 = 1, kAvx512 = 2, kNeon = 3 };

const char* isa_name(Isa isa);
bool cpu_supports(Isa isa);
// CPU feature probes used by the bf16 paths.
bool cpu_has_avx512_bf16();
bool cpu_has_avx512_vnni();  // AVX512-VNNI (VPDPBUSD), for precision int8
bool cpu_has_avx_vnni();     // AVX-VNNI (VPDPBUSD on ymm), for precision int8 with isa avx2
bool cpu_has_neon_dotprod(); // ARMv8.2 SDOT, for precision int8 with isa neon
bool cpu_has_amx_bf16();  // also asks Linux for AMX tile permission (arch_prctl)

// Best ISA this CPU supports.
Isa best_isa();
// Parses "scalar" | "avx2" | "avx512" | "neon"; throws std::invalid_argument on an unknown name and
// std::runtime_error when the CPU lacks it.
Isa parse_isa(const std::string& name);
// ALBERT_ISA when set (validated as parse_isa does), otherwise best_isa().
Isa default_isa();

}  // namespace albert
