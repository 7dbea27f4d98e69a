// Matrix multiply for the engine: C[M, N] = epilogue(A[M, K] * B).
//
// BLIS-style: B (a weight matrix, reused across every token and, in ALBERT, every layer) is
// packed once into column panels of the microkernel's width; A is read in row blocks; a small
// register-tiled microkernel per ISA (gemm/scalar.cc, gemm/avx2.cc, gemm/avx512.cc, gemm/amx.cc)
// computes each tile. The epilogue (bias, activation, residual) is applied while the tile is
// still hot in cache.
#pragma once
#include <cstdint>
#include <string>

#include "kernels/activation.h"
#include "kernels/isa.h"
#include "runtime/aligned_buffer.h"
#include "runtime/thread_pool.h"

namespace albert {
namespace gemm {

// kInt8: B quantised once per output column (symmetric, 8 bits), A per row on every call
// (dynamic, symmetric), products summed exactly in int32, then scaled back to fp32 before the
// epilogue. Runs on AVX512-VNNI, or on the scalar kernel (B's isa kScalar), which gives the
// same products bit for bit; isa kAvx2 runs AVX-VNNI (the 256-bit form, in Alder Lake and
// later cores without AVX-512).
enum class Precision { kF32, kBF16, kInt8 };

// Which bf16 kernel a kBF16 PackedB runs: AMX tiles when the CPU has AMX-BF16, else AVX512-BF16
// dot products. Tests force the fallback on AMX machines. Both read the same packed layout.
enum class Bf16Path { kAuto, kAmx, kAvx512Bf16 };

// The path kAuto resolves to: ALBERT_BF16=amx|avx512bf16 when set (so a whole process, and the
// tests, can run the fallback on an AMX machine), else AMX when the CPU has it, else
// AVX512-BF16. Throws std::invalid_argument for an unknown ALBERT_BF16 and std::runtime_error
// when the chosen path (or any bf16 at all) is missing.
Bf16Path default_bf16_path();
// "auto", "amx" or "avx512bf16" (std::invalid_argument otherwise), and back.
Bf16Path parse_bf16_path(const std::string& name);
const char* bf16_path_name(Bf16Path path);

// How pack_b rounds B to bf16. kNearest: to the nearest bf16 (ties to even). kPartner: the
// other member of a pair of roundings whose mean is as close to B as two bf16 values get:
// nearest(2 b - nearest(b)), which is nearest(b) where b lies within a quarter ulp of it and
// the other bf16 neighbour of b otherwise. A shared layer whose applications alternate between
// the two roundings sees their mean, within a quarter ulp of the fp32 weights, instead of the
// same half-ulp error in every application (see AlbertModel's layer loading).
enum class Bf16Rounding { kNearest, kPartner };

// B packed into the layout the chosen ISA's microkernel reads. Immutable after packing; safe to
// share between threads and concurrent calls.
struct PackedB {
  int n = 0;
  int k = 0;
  Isa isa = Isa::kScalar;
  Precision precision = Precision::kF32;
  Bf16Path bf16_path = Bf16Path::kAuto;  // resolved (never kAuto) when precision == kBF16
  AlignedBuffer<float> f32;      // used when precision == kF32
  AlignedBuffer<uint16_t> bf16;  // used when precision == kBF16
  // precision == kInt8: the quantised columns (layout in microkernel.h), each column's scale
  // (fp32 value = scale * int8 value) and the sum of its int8 values.
  AlignedBuffer<int8_t> s8;
  AlignedBuffer<float> col_scale;
  AlignedBuffer<int32_t> col_sum;
};

// Packs B for C = A * B. When `transposed`, B is stored [N, K] (row stride ldb): an HF Linear
// weight [out, in], so C = A W^T. Otherwise B is [K, N] (row stride ldb).
// kBF16 requires AVX512-BF16 or AMX-BF16 (throws std::runtime_error otherwise); kInt8 with
// isa kAvx512 requires AVX512-VNNI, with kAvx2 AVX-VNNI (any other isa runs the scalar int8
// kernel).
// With kBF16 the isa argument is only recorded; bf16_path picks the kernel (kAuto: AMX, else
// AVX512-BF16; forcing a path the CPU lacks throws std::runtime_error), and bf16_rounding how
// B is rounded.
PackedB pack_b(Isa isa, Precision precision, const float* b, int n, int k, int ldb, bool transposed,
               Bf16Path bf16_path = Bf16Path::kAuto, Bf16Rounding bf16_rounding = Bf16Rounding::kNearest);

// LayerNorm over each whole output row: (x - mean) / sqrt(var + eps) * gamma + beta.
struct RowLayerNorm {
  const float* gamma = nullptr;  // [N]; null: no LayerNorm
  const float* beta = nullptr;   // [N]
  float eps = 0.0f;
};

// Applied to each output element in this order: + bias[col], activation, + residual[row, col];
// then, with layer_norm.gamma set, LayerNorm over each row (ALBERT's post-LN after the residual
// add). The fp32 and AMX paths normalise each block of rows while it is still in L2 when every
// thread owns whole rows; otherwise the rows are normalised after the product.
struct Epilogue {
  const float* bias = nullptr;  // [N] or null
  Activation activation = Activation::kIdentity;
  const float* residual = nullptr;  // [M, N] with row stride ldr, or null
  int ldr = 0;
  RowLayerNorm layer_norm;
};

// C[M, N] (row stride ldc) = epilogue(A[M, K] (row stride lda) * B). Spreads M x N blocks over
// the pool (null: runs on the calling thread). M may be 0.
void gemm_packed(int m, const float* a, int lda, const PackedB& b, float* c, int ldc,
                 const Epilogue& epilogue, ThreadPool* pool);

// bf16 activations in memory, for a kBF16 B on the AMX path (bf16_activations(b)): C written
// as bf16, or A read as bf16 (raw bit patterns, row-major). The kernel rounds fp32 A to bf16
// the same way, so these give exactly what converting at the consumer gives, at half the
// memory traffic. Throws std::invalid_argument for any other B.
bool bf16_activations(const PackedB& b);
void gemm_packed(int m, const float* a, int lda, const PackedB& b, uint16_t* c, int ldc,
                 const Epilogue& epilogue, ThreadPool* pool);
void gemm_packed(int m, const uint16_t* a, int lda, const PackedB& b, float* c, int ldc,
                 const Epilogue& epilogue, ThreadPool* pool);

// The same with B unpacked (packed into thread-local scratch on the fly): for attention's
// Q K^T and P V, where B changes every call.
void gemm(Isa isa, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          bool b_transposed, float* c, int ldc, const Epilogue& epilogue, ThreadPool* pool);

// Measured fp32 FMA throughput of this machine (GFLOP/s over `threads` threads, each running
// independent FMA chains on the widest vectors the CPU has for `seconds`): the peak that GEMM
// efficiency is quoted against. With kBF16: the AMX TDPBF16PS throughput (0 without AMX).
double measure_peak_gflops(int threads, double seconds, Precision precision = Precision::kF32);
// The fp32 FMA throughput of one ISA's vectors (0 for kScalar, which has no FMA loop), so that
// a kernel other than the best one can be quoted against its own peak. Throws
// std::runtime_error when the CPU lacks the ISA.
double measure_fma_peak_gflops(Isa isa, int threads, double seconds);

// Plain triple loop in float, the reference every ISA path is tested against.
void gemm_reference(int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                    bool b_transposed, float* c, int ldc, const Epilogue& epilogue);

}  // namespace gemm
}  // namespace albert
