// ALBERT, top to bottom: embeddings, the factorised E -> H projection, the shared-layer
// schedule, and every Hugging Face head. Read albert_model.cc from the top for the whole model.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kernels/gemm/gemm.h"
#include "kernels/isa.h"
#include "model/config.h"
#include "model/weights.h"
#include "runtime/thread_pool.h"

namespace albert {

struct ModelOptions {
  int threads = 1;
  Isa isa = Isa::kScalar;
  gemm::Precision precision = gemm::Precision::kF32;
  gemm::Bf16Path bf16_path = gemm::Bf16Path::kAuto;  // the bf16 kernel, with precision kBF16
  // With precision kBF16: a layer group that runs more than once keeps a second rounding of its
  // weights and alternates between the two (see AlbertModel::Linear::partner).
  bool bf16_alternating_rounding = true;
};

struct ForwardRequest {
  int batch = 0;
  int seq_len = 0;
  const int32_t* input_ids = nullptr;       // [batch, seq_len]
  const int32_t* attention_mask = nullptr;  // [batch, seq_len] or null (all ones)
  const int32_t* token_type_ids = nullptr;  // [batch, seq_len] or null (all zeros)
  bool output_hidden_states = false;
  bool output_attentions = false;
  // Optional [batch, seq_len] 0/1: masked-LM logits only where 1, returned as [count, vocab]
  // in (batch, position) order. Saves the decoder GEMM and a [batch, seq, vocab] tensor when
  // only a few positions matter (fill-mask).
  const int32_t* logits_at = nullptr;
};

struct Tensor {
  std::vector<int64_t> dims;
  std::vector<float> data;
};

struct ForwardResult {
  // HF output field names ("last_hidden_state", "pooler_output", "logits", ...), in HF order.
  std::vector<std::pair<std::string, Tensor>> outputs;
  std::vector<Tensor> hidden_states;  // num_hidden_layers + 1 when requested
  std::vector<Tensor> attentions;     // num_hidden_layers * inner_group_num when requested
};

class AlbertModel {
 public:
  // Every weight the head needs, converted and packed for options' ISA and precision. Immutable
  // once loaded, so several models (one per worker thread, say) can share one copy.
  struct Weights;

  // Converts and packs every weight the head needs; throws std::runtime_error naming a missing
  // or mis-shaped tensor. The source's buffers are not referenced afterwards.
  static std::shared_ptr<const Weights> load_weights(const ModelConfig& config, const WeightSource& weights,
                                                     const ModelOptions& options);
  // A model on weights from load_weights with the same config and the same options but threads;
  // any number of models can share them. Only the thread pool and activation buffers are the
  // model's own. Throws std::invalid_argument when options' ISA, precision or bf16 kernel and
  // rounding differ from the ones the weights were packed for.
  AlbertModel(const ModelConfig& config, std::shared_ptr<const Weights> weights, const ModelOptions& options);
  ~AlbertModel();

  // Thread-safe: concurrent calls share the weights and queue on the thread pool.
  ForwardResult forward(const ForwardRequest& request) const;

  // Frees the activation buffers kept for reuse between forwards (forwards running now keep
  // theirs, and return them when they finish). Thread-safe.
  void release_spare_buffers() const;

  const ModelConfig& config() const { return config_; }
  Isa isa() const { return options_.isa; }
  size_t weight_bytes() const;

 private:
  struct Linear;
  struct Layer;
  // The run number of a linear outside the shared layers (embedding mapping, pooler, heads).
  static constexpr int kRunOnce = 0;
  struct Buffers;

  void embed(const ForwardRequest& request, const struct TokenLayout& layout, Buffers& buffers) const;
  // `run` counts the layer's runs in this forward (0, 1, ...): see Linear::weight_for.
  void run_layer(const Layer& layer, int run, const struct TokenLayout& layout, Buffers& buffers,
                 float* probabilities) const;
  template <typename A>
  void self_attention(const Layer& layer, int run, const struct TokenLayout& layout, struct AttentionArgs args,
                      A* qkv, A* context, const float* x, float* out) const;
  template <typename A>
  void feed_forward(const Layer& layer, int run, int tokens, A* intermediate, const float* a, float* out) const;
  void run_heads(const ForwardRequest& request, const struct TokenLayout& layout, Buffers& buffers,
                 ForwardResult& result) const;
  Tensor masked_lm_logits(const ForwardRequest& request, const struct TokenLayout& layout,
                          const Buffers& buffers) const;
  // y = act(x W^T + b) (+ residual). x and y are fp32, or bf16 (uint16_t) where
  // gemm::bf16_activations(linear.weight) allows it.
  template <typename X, typename Y>
  void apply_linear(const Linear& linear, int run, int rows, const X* x, int ldx, Y* y, int ldy,
                    Activation activation = Activation::kIdentity, const float* residual = nullptr,
                    gemm::RowLayerNorm layer_norm = {}) const;
  std::unique_ptr<Buffers> acquire_buffers() const;
  void release_buffers(std::unique_ptr<Buffers> buffers) const;

  ModelConfig config_;
  ModelOptions options_;
  std::shared_ptr<const Weights> weights_;
  std::unique_ptr<ThreadPool> pool_;

  // Activation buffers of finished forwards, reused by the next ones (at most kSpareBuffers).
  mutable std::mutex spare_mutex_;
  mutable std::vector<std::unique_ptr<Buffers>> spare_buffers_;
};

}  // namespace albert
