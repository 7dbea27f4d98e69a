// Multi-head self-attention over a padding-free token layout.
//
// Tokens of all sequences are stored back to back (only the tokens that are computed). For
// each (sequence, head, block of query rows) the kernel forms the block's scores against the
// sequence's keys, adds relative-position terms when configured, applies the softmax and
// multiplies by V, so no [seq x seq] matrix lives beyond one row block per thread (unless the
// caller asks for the probabilities).
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/isa.h"
#include "model/config.h"
#include "runtime/thread_pool.h"

namespace albert {

// Where each sequence's computed tokens lie in the packed [tokens, ...] layout.
struct TokenLayout {
  int batch = 0;
  int seq_len = 0;                 // padded length S of the request
  std::vector<int> seq_begin;      // [batch + 1]: rows of sequence b are [seq_begin[b], seq_begin[b+1])
  std::vector<int> key_begin;      // [batch]: keys of sequence b are rows [key_begin[b], seq_begin[b+1])
  std::vector<int> position;       // [tokens]: the row's position 0..S-1 in its sequence
  int tokens() const { return seq_begin.empty() ? 0 : seq_begin.back(); }
};

struct AttentionArgs {
  Isa isa = Isa::kScalar;
  // Q K^T and P V in bf16 on AMX tiles (kernels/attention/amx.h) instead of fp32 on `isa`.
  bool bf16_tiles = false;
  int heads = 0;
  int head_dim = 0;
  const float* qkv = nullptr;  // [tokens, 3 * H]: Q | K | V, head h at column h * head_dim
  float* context = nullptr;    // [tokens, H] output
  // With bf16_tiles and absolute positions, the activations may be bf16 instead (bit
  // patterns, same layouts): Q, K, V read from qkv_bf16, the context written to context_bf16.
  const uint16_t* qkv_bf16 = nullptr;
  uint16_t* context_bf16 = nullptr;
  PositionEmbedding position_embedding = PositionEmbedding::kAbsolute;
  const float* distance_embedding = nullptr;  // [2 * max_positions - 1, head_dim] (relative only)
  int max_positions = 0;
  // Optional [batch, heads, S, S] probabilities, written for computed query rows; other
  // entries are left untouched (the caller zero-fills).
  float* probabilities = nullptr;
};

void attention(const TokenLayout& layout, const AttentionArgs& args, ThreadPool* pool);

}  // namespace albert
