// CPU feature detection. An instruction set is usable only when the CPU reports it (CPUID)
// AND the OS saves its registers on context switch (XGETBV / XCR0); checking CPUID alone
// would crash on kernels or hypervisors that disable AVX-512 state.
#include "kernels/isa.h"

#include <cstdlib>
#include <stdexcept>

#if defined(ALBERT_ARM64) && defined(__linux__)
#include <sys/auxv.h>
#endif
#if defined(ALBERT_X86)
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#endif

namespace albert {

namespace {

struct CpuFeatures {
  bool avx2 = false;
  bool avx512 = false;  // F + BW + DQ + VL, with OS support for zmm and opmask state
  bool avx512_bf16 = false;
  bool avx512_vnni = false;  // VPDPBUSD on zmm: the int8 kernel
  bool avx_vnni = false;     // VPDPBUSD on ymm (VEX): the int8 kernel without AVX-512
  bool amx_bf16 = false;  // CPU + OS support; permission is requested separately
};

#if defined(ALBERT_X86)
// XCR0 bits: which register files the OS saves.
constexpr unsigned long long kXcrSse = 1ull << 1;
constexpr unsigned long long kXcrAvx = 1ull << 2;
constexpr unsigned long long kXcrAvx512 = (1ull << 5) | (1ull << 6) | (1ull << 7);
constexpr unsigned long long kXcrAmx = (1ull << 17) | (1ull << 18);

unsigned long long read_xcr0() {
  unsigned eax, edx;
  // Inline asm rather than _xgetbv, which would need -mxsave on this portable file.
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}

bool bit(unsigned reg, int n) { return (reg >> n) & 1u; }

CpuFeatures detect() {
  CpuFeatures f;
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool osxsave = bit(ecx, 27), avx = bit(ecx, 28), fma = bit(ecx, 12), f16c = bit(ecx, 29);
  if (!osxsave || !avx) return f;
  const unsigned long long xcr0 = read_xcr0();
  const bool os_avx = (xcr0 & (kXcrSse | kXcrAvx)) == (kXcrSse | kXcrAvx);
  const bool os_avx512 = os_avx && (xcr0 & kXcrAvx512) == kXcrAvx512;
  const bool os_amx = (xcr0 & kXcrAmx) == kXcrAmx;

  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
  f.avx2 = os_avx && fma && f16c && bit(ebx, 5);
  const bool avx512_fbwdqvl = bit(ebx, 16) && bit(ebx, 17) && bit(ebx, 30) && bit(ebx, 31);
  f.avx512 = f.avx2 && os_avx512 && avx512_fbwdqvl;
  f.avx512_vnni = f.avx512 && bit(ecx, 11);
  f.amx_bf16 = f.avx512 && os_amx && bit(edx, 24) && bit(edx, 22);  // AMX-TILE, AMX-BF16
  const unsigned max_sub = eax;
  if (max_sub >= 1 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) {
    f.avx512_bf16 = f.avx512 && bit(eax, 5);
    f.avx_vnni = f.avx2 && bit(eax, 4);
  }
  return f;
}
#else
CpuFeatures detect() { return {}; }
#endif

const CpuFeatures& features() {
  static const CpuFeatures f = detect();
  return f;
}

// Linux hands out AMX tile state only to processes that ask for it (since 5.16); without
// the request the first tile instruction raises SIGILL.
bool request_amx_permission() {
#if defined(ALBERT_X86) && defined(__linux__) && defined(SYS_arch_prctl)
  constexpr int kArchReqXcompPerm = 0x1023;
  constexpr int kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
#else
  return false;
#endif
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kNeon: return "neon";
  }
  return "unknown";
}

bool cpu_supports(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return true;
    case Isa::kAvx2: return features().avx2;
    case Isa::kAvx512: return features().avx512;
    case Isa::kNeon:
#if defined(ALBERT_ARM64)
      return true;
#else
      return false;
#endif
  }
  return false;
}

bool cpu_has_avx512_bf16() { return features().avx512_bf16; }

bool cpu_has_avx512_vnni() { return features().avx512_vnni; }

bool cpu_has_avx_vnni() { return features().avx_vnni; }

bool cpu_has_neon_dotprod() {
#if defined(ALBERT_ARM64) && defined(__linux__)
  constexpr unsigned long kHwcapAsimdDotProduct = 1ul << 20;  // HWCAP_ASIMDDP
  return (getauxval(AT_HWCAP) & kHwcapAsimdDotProduct) != 0;
#elif defined(ALBERT_ARM64) && defined(__APPLE__)
  return true;  // every Apple silicon core (ARMv8.5 and later) has the dot-product instructions
#else
  return false;
#endif
}

bool cpu_has_amx_bf16() {
  static const bool usable = features().amx_bf16 && request_amx_permission();
  return usable;
}

Isa best_isa() {
  if (cpu_supports(Isa::kNeon)) return Isa::kNeon;
  if (cpu_supports(Isa::kAvx512)) return Isa::kAvx512;
  if (cpu_supports(Isa::kAvx2)) return Isa::kAvx2;
  return Isa::kScalar;
}

Isa parse_isa(const std::string& name) {
  Isa isa;
  if (name == "scalar") {
    isa = Isa::kScalar;
  } else if (name == "avx2") {
    isa = Isa::kAvx2;
  } else if (name == "avx512") {
    isa = Isa::kAvx512;
  } else if (name == "neon") {
    isa = Isa::kNeon;
  } else {
    throw std::invalid_argument("unknown ISA '" + name + "' (expected scalar, avx2, avx512 or neon)");
  }
  if (!cpu_supports(isa)) {
    throw std::runtime_error(std::string("ISA '") + name + "' is not supported by this CPU (best: " +
                             isa_name(best_isa()) + ")");
  }
  return isa;
}

Isa default_isa() {
  const char* env = std::getenv("ALBERT_ISA");
  if (env && *env) {
    try {
      return parse_isa(env);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("ALBERT_ISA: ") + e.what());
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(std::string("ALBERT_ISA: ") + e.what());
    }
  }
  return best_isa();
}

}  // namespace albert
