#include "kernels/attention/attention.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "kernels/attention/amx.h"
#include "kernels/gemm/gemm.h"
#include "kernels/softmax/softmax.h"

namespace albert {
namespace {

// Query rows per task. A whole 128-token sequence is one task per head, so its K is packed
// once rather than once per half; the block's scores (128 x 512 floats at most) stay in L2.
constexpr int kRowBlock = 128;

struct Task {
  int sequence;
  int head;
  int row_begin;  // packed row index
  int row_end;
};

std::vector<Task> make_tasks(const TokenLayout& layout, int heads) {
  std::vector<Task> tasks;
  for (int b = 0; b < layout.batch; ++b) {
    for (int h = 0; h < heads; ++h) {
      for (int r = layout.seq_begin[b]; r < layout.seq_begin[b + 1]; r += kRowBlock) {
        tasks.push_back({b, h, r, std::min(r + kRowBlock, layout.seq_begin[b + 1])});
      }
    }
  }
  return tasks;
}

float dot(const float* a, const float* b, int n) {
  float s = 0.0f;
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

// HF adds q . D[l - r + P - 1] (relative_key) and also k . D[...] (relative_key_query) to the
// raw scores before the 1/sqrt(d) scaling.
void add_relative_scores(const TokenLayout& layout, const AttentionArgs& args, const Task& task,
                         int keys, int key_begin, float* scores, int ld_scores) {
  const int ld = 3 * args.heads * args.head_dim;
  const int d = args.head_dim;
  const float* q_base = args.qkv + task.head * d;
  const float* k_base = args.qkv + args.heads * d + task.head * d;
  for (int r = task.row_begin; r < task.row_end; ++r) {
    float* row = scores + static_cast<long>(r - task.row_begin) * ld_scores;
    const float* q = q_base + static_cast<long>(r) * ld;
    for (int j = 0; j < keys; ++j) {
      int distance = layout.position[r] - layout.position[key_begin + j];
      const float* e = args.distance_embedding + static_cast<long>(distance + args.max_positions - 1) * d;
      float extra = dot(q, e, d);
      if (args.position_embedding == PositionEmbedding::kRelativeKeyQuery) {
        extra += dot(k_base + static_cast<long>(key_begin + j) * ld, e, d);
      }
      row[j] += extra;
    }
  }
}

void store_probabilities(const TokenLayout& layout, const AttentionArgs& args, const Task& task,
                         int keys, int key_begin, const float* probs, int ld_probs) {
  const long S = layout.seq_len;
  float* base = args.probabilities + (static_cast<long>(task.sequence) * args.heads + task.head) * S * S;
  for (int r = task.row_begin; r < task.row_end; ++r) {
    float* out = base + layout.position[r] * S;
    const float* row = probs + static_cast<long>(r - task.row_begin) * ld_probs;
    for (int j = 0; j < keys; ++j) out[layout.position[key_begin + j]] = row[j];
  }
}

void run_task(const TokenLayout& layout, const AttentionArgs& args, const Task& task,
              std::vector<float>& scores) {
  const int d = args.head_dim;
  const int H = args.heads * d;
  const int ld = 3 * H;
  const int key_begin = layout.key_begin[task.sequence];
  const int keys = layout.seq_begin[task.sequence + 1] - key_begin;
  const int rows = task.row_end - task.row_begin;
  // The AMX products store whole 32 x 32 blocks, so their scores are padded both ways.
  const int ld_scores = args.bf16_tiles ? amx_attention_padded(keys) : keys;
  scores.resize(static_cast<size_t>(args.bf16_tiles ? amx_attention_padded(rows) : rows) * ld_scores);

  // Offsets of this head's Q rows, K rows and V rows, and of its context rows.
  const long q_at = static_cast<long>(task.row_begin) * ld + task.head * d;
  const long k_at = static_cast<long>(key_begin) * ld + H + task.head * d;
  const long v_at = k_at + H;
  const long out_at = static_cast<long>(task.row_begin) * H + task.head * d;
  if (args.qkv_bf16) {
    amx_attention_scores(args.qkv_bf16 + q_at, args.qkv_bf16 + k_at, ld, rows, keys, d, scores.data(), ld_scores);
  } else if (args.bf16_tiles) {
    amx_attention_scores(args.qkv + q_at, args.qkv + k_at, ld, rows, keys, d, scores.data(), ld_scores);
  } else {
    gemm::gemm(args.isa, rows, keys, d, args.qkv + q_at, ld, args.qkv + k_at, ld, /*b_transposed=*/true,
               scores.data(), ld_scores, {}, nullptr);
  }
  if (args.position_embedding != PositionEmbedding::kAbsolute) {
    add_relative_scores(layout, args, task, keys, key_begin, scores.data(), ld_scores);
  }
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  if (ld_scores == keys) {
    softmax_rows(args.isa, scores.data(), rows, keys, scale);
  } else {
    for (int r = 0; r < rows; ++r) softmax_rows(args.isa, scores.data() + static_cast<size_t>(r) * ld_scores, 1, keys, scale);
  }
  if (args.probabilities) store_probabilities(layout, args, task, keys, key_begin, scores.data(), ld_scores);
  if (args.qkv_bf16) {
    amx_attention_context(scores.data(), ld_scores, args.qkv_bf16 + v_at, ld, rows, keys, d, args.context_bf16 + out_at, H);
  } else if (args.bf16_tiles) {
    amx_attention_context(scores.data(), ld_scores, args.qkv + v_at, ld, rows, keys, d, args.context + out_at, H);
  } else {
    gemm::gemm(args.isa, rows, d, keys, scores.data(), ld_scores, args.qkv + v_at, ld, /*b_transposed=*/false,
               args.context + out_at, H, {}, nullptr);
  }
}

}  // namespace

void attention(const TokenLayout& layout, const AttentionArgs& args, ThreadPool* pool) {
  if (args.qkv_bf16 && (!args.bf16_tiles || !args.context_bf16 || args.position_embedding != PositionEmbedding::kAbsolute)) {
    throw std::invalid_argument("attention: bf16 activations need AMX tiles, a bf16 context and absolute positions");
  }
  const std::vector<Task> tasks = make_tasks(layout, args.heads);
  parallel_for(pool, static_cast<int>(tasks.size()), [&](int t) {
    thread_local std::vector<float> scores;
    run_task(layout, args, tasks[t], scores);
  });
}

}  // namespace albert
