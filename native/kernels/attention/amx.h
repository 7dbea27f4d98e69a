// Attention's two products in bf16 on AMX tiles (fp32 accumulation), for models loaded with
// precision bf16 on CPUs with AMX-BF16. The fp32 path (gemm::gemm) is their reference.
#pragma once
#include <cstdint>

namespace albert {

// Both products work on zero-padded multiples of this many rows, keys and head dims.
constexpr int kAmxAttentionPad = 32;

inline int amx_attention_padded(int n) { return (n + kAmxAttentionPad - 1) / kAmxAttentionPad * kAmxAttentionPad; }

// T, the activations' type: float, or uint16_t for bf16 bit patterns (rounding to bf16 at
// the producer or here gives the same tiles).

// scores[rows, keys] = Q K^T, unscaled. q and k are row-major with row stride ld_qkv, d wide.
// scores has row stride ld_scores >= amx_attention_padded(keys) and room for
// amx_attention_padded(rows) rows: whole tiles are stored, padding included.
template <typename T>
void amx_attention_scores(const T* q, const T* k, int ld_qkv, int rows, int keys, int d, float* scores,
                          int ld_scores);

// out[rows, d] (row stride ld_out) = P V, with P [rows, keys] (row stride ld_p) and V row-major
// with row stride ld_qkv. Only the rows x d outputs are written.
template <typename T>
void amx_attention_context(const float* p, int ld_p, const T* v, int ld_qkv, int rows, int keys, int d, T* out,
                           int ld_out);

}  // namespace albert
