// ALBERT forward pass, following Hugging Face's modeling_albert.py top to bottom.
//
// Padding-free: only tokens with attention_mask == 1 (plus position 0 of each sequence, which
// the pooler reads) are computed. GEMMs run over the packed [tokens, width] rows; attention uses
// each sequence's own keys. Outputs are scattered back to [batch, seq, ...] with zeros at
// positions that were not computed (HF computes values there; they are unspecified for us).
#include "model/albert_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "kernels/attention/attention.h"
#include "kernels/layer_norm/layer_norm.h"

namespace albert {

// A dense layer y = x W^T + b with W packed once for the GEMM microkernel.
struct AlbertModel::Linear {
  gemm::PackedB weight;
  // bf16, in a layer that runs more than once per forward: W again with the partner rounding
  // (gemm::Bf16Rounding::kPartner), used by every second run; empty (n == 0) otherwise. The
  // layer's runs then average the two roundings, which halves the weights' rounding error: with
  // the same rounding in all 12 runs, albert-base-random's MLM top-1 flipped at 11 of 926
  // positions from the weights' rounding alone, with the pair at 4. Costs memory (fp32's), no time.
  gemm::PackedB partner;
  std::vector<float> bias;
  int out = 0;
  int in = 0;

  // The weights for the layer's run number `run` (0, 1, ...) in a forward.
  const gemm::PackedB& weight_for(int run) const { return run % 2 == 1 && partner.n > 0 ? partner : weight; }
};

struct AlbertModel::Layer {
  Linear qkv;               // query | key | value fused: [3H, H]
  Linear attention_output;  // dense
  Linear ffn, ffn_output;
  std::vector<float> attention_ln_gamma, attention_ln_beta;
  std::vector<float> output_ln_gamma, output_ln_beta;
  std::vector<float> distance_embedding;  // relative position types only
};

// Per-forward scratch: concurrent forwards each have their own. Grow-only and reused between
// forwards (acquire_buffers), so a steady stream of batches neither page-faults nor zero-fills
// its ~100 MB of activations (batch 32 x 128 at ALBERT-base) every call. Every element a
// forward reads, it has written first.
struct AlbertModel::Buffers {
  AlignedBuffer<float> embedded;      // [tokens, E]
  AlignedBuffer<float> hidden;        // [tokens, H]
  AlignedBuffer<float> qkv;           // [tokens, 3H]
  AlignedBuffer<float> context;       // [tokens, H]
  AlignedBuffer<float> attention;     // [tokens, H]
  AlignedBuffer<float> intermediate;  // [tokens, FFN]
  // bf16 instead of qkv, context and intermediate where run_layer keeps them bf16 (AMX).
  AlignedBuffer<uint16_t> qkv_bf16, context_bf16, intermediate_bf16;
};

namespace {
// Spare buffer sets kept for reuse: enough for the batcher's pipelining, bounded so a burst of
// concurrent forwards does not pin its peak memory for good.
constexpr std::size_t kSpareBuffers = 2;
}  // namespace

std::unique_ptr<AlbertModel::Buffers> AlbertModel::acquire_buffers() const {
  std::lock_guard<std::mutex> lock(spare_mutex_);
  if (spare_buffers_.empty()) return std::make_unique<Buffers>();
  std::unique_ptr<Buffers> buffers = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  return buffers;
}

void AlbertModel::release_buffers(std::unique_ptr<Buffers> buffers) const {
  std::lock_guard<std::mutex> lock(spare_mutex_);
  if (spare_buffers_.size() < kSpareBuffers) spare_buffers_.push_back(std::move(buffers));
}

void AlbertModel::release_spare_buffers() const {
  std::vector<std::unique_ptr<Buffers>> spare;
  {
    std::lock_guard<std::mutex> lock(spare_mutex_);
    spare.swap(spare_buffers_);
  }
  // freed here, outside the lock
}

namespace {

std::string layer_prefix(int group, int inner) {
  return "encoder.albert_layer_groups." + std::to_string(group) + ".albert_layers." +
         std::to_string(inner) + ".";
}

// Copies packed rows back to a zero-filled [batch, seq, width] tensor.
Tensor scatter(const TokenLayout& layout, const float* rows, int width) {
  Tensor t;
  t.dims = {layout.batch, layout.seq_len, width};
  t.data.assign(static_cast<size_t>(layout.batch) * layout.seq_len * width, 0.0f);
  for (int b = 0; b < layout.batch; ++b) {
    for (int r = layout.seq_begin[b]; r < layout.seq_begin[b + 1]; ++r) {
      size_t dst = (static_cast<size_t>(b) * layout.seq_len + layout.position[r]) * width;
      std::memcpy(&t.data[dst], rows + static_cast<size_t>(r) * width, width * sizeof(float));
    }
  }
  return t;
}

// Which tokens to compute: attention_mask == 1, plus position 0 (queries only when masked).
TokenLayout make_layout(const ForwardRequest& request) {
  TokenLayout layout;
  layout.batch = request.batch;
  layout.seq_len = request.seq_len;
  layout.seq_begin.push_back(0);
  for (int b = 0; b < request.batch; ++b) {
    const int32_t* mask = request.attention_mask ? request.attention_mask + static_cast<long>(b) * request.seq_len : nullptr;
    int keys = 0;
    bool first_is_key = !mask || mask[0] != 0;
    if (!first_is_key) layout.position.push_back(0);
    for (int s = 0; s < request.seq_len; ++s) {
      if (!mask || mask[s] != 0) {
        layout.position.push_back(s);
        ++keys;
      }
    }
    if (keys == 0) {
      throw std::invalid_argument("attention_mask row " + std::to_string(b) + " has no 1s: nothing to attend to");
    }
    layout.key_begin.push_back(layout.seq_begin.back() + (first_is_key ? 0 : 1));
    layout.seq_begin.push_back(static_cast<int>(layout.position.size()));
  }
  return layout;
}

}  // namespace

// ---- loading -------------------------------------------------------------------------------

struct AlbertModel::Weights {
  Weights(const ModelConfig& config, const WeightSource& w, const ModelOptions& options);

  ModelOptions packed_for;  // the ISA, precision and bf16 kernel and rounding they were packed for
  size_t bytes = 0;         // every stored weight once (AlbertModel::weight_bytes)

  // Embeddings (kept as float32 rows for gathering).
  std::vector<float> word_embeddings, position_embeddings, token_type_embeddings;
  std::vector<float> embedding_ln_gamma, embedding_ln_beta;
  std::unique_ptr<Linear> embedding_projection;
  // groups[g][i]: the i-th inner layer of group g; each exists once however often it runs.
  std::vector<std::vector<Layer>> groups;
  // Heads (only those the configured head uses are loaded).
  std::unique_ptr<Linear> pooler;
  std::unique_ptr<Linear> mlm_dense, mlm_decoder;
  std::vector<float> mlm_ln_gamma, mlm_ln_beta;
  std::unique_ptr<Linear> classifier;  // sop / sequence / token / qa / multiple-choice

 private:
  Linear load_linear(const WeightSource& w, const std::string& name, int out, int in, gemm::Precision precision,
                     bool with_partner = false);
  Linear pack_linear(const std::vector<float>& weight, int out, int in, gemm::Precision precision, bool with_partner);
  Linear load_fused_qkv(const WeightSource& w, const std::string& prefix, int hidden, bool with_partner);
  std::vector<float> load_vector(const WeightSource& w, const std::string& name, int64_t n);
  void load_layers(const ModelConfig& c, const WeightSource& w);
  void load_heads(const ModelConfig& c, const WeightSource& w);
};

std::vector<float> AlbertModel::Weights::load_vector(const WeightSource& w, const std::string& name, int64_t n) {
  std::vector<float> v = w.get(name, {n});
  bytes += v.size() * sizeof(float);
  return v;
}

AlbertModel::Linear AlbertModel::Weights::load_linear(const WeightSource& w, const std::string& name, int out, int in,
                                                       gemm::Precision precision, bool with_partner) {
  std::vector<float> weight = w.get(name + ".weight", {out, in});
  Linear linear = pack_linear(weight, out, in, precision, with_partner);
  linear.bias = load_vector(w, name + ".bias", out);
  return linear;
}

// Packs W [out, in] (and its partner rounding when asked); the bias is the caller's.
AlbertModel::Linear AlbertModel::Weights::pack_linear(const std::vector<float>& weight, int out, int in,
                                                       gemm::Precision precision, bool with_partner) {
  Linear linear;
  linear.out = out;
  linear.in = in;
  auto pack = [&](gemm::Bf16Rounding rounding) {
    const size_t element_bytes = precision == gemm::Precision::kF32 ? 4 : precision == gemm::Precision::kBF16 ? 2 : 1;
    bytes += static_cast<size_t>(out) * in * element_bytes;
    return gemm::pack_b(packed_for.isa, precision, weight.data(), out, in, in, /*transposed=*/true,
                        packed_for.bf16_path, rounding);
  };
  linear.weight = pack(gemm::Bf16Rounding::kNearest);
  if (with_partner) linear.partner = pack(gemm::Bf16Rounding::kPartner);
  return linear;
}

// Q, K and V read the same input, so one [3H, H] GEMM replaces three [H, H] ones.
AlbertModel::Linear AlbertModel::Weights::load_fused_qkv(const WeightSource& w, const std::string& prefix, int H,
                                                          bool with_partner) {
  std::vector<float> weight;
  weight.reserve(static_cast<size_t>(3) * H * H);
  std::vector<float> bias;
  for (const char* part : {"query", "key", "value"}) {
    std::vector<float> wp = w.get(prefix + part + ".weight", {H, H});
    std::vector<float> bp = load_vector(w, prefix + part + ".bias", H);
    weight.insert(weight.end(), wp.begin(), wp.end());
    bias.insert(bias.end(), bp.begin(), bp.end());
  }
  Linear linear = pack_linear(weight, 3 * H, H, packed_for.precision, with_partner);
  linear.bias = std::move(bias);
  return linear;
}

AlbertModel::Weights::Weights(const ModelConfig& c, const WeightSource& w, const ModelOptions& options)
    : packed_for(options) {
  const int E = c.embedding_size, H = c.hidden_size;
  word_embeddings = w.get("embeddings.word_embeddings.weight", {c.vocab_size, E});
  position_embeddings = w.get("embeddings.position_embeddings.weight", {c.max_position_embeddings, E});
  token_type_embeddings = w.get("embeddings.token_type_embeddings.weight", {c.type_vocab_size, E});
  bytes += (word_embeddings.size() + position_embeddings.size() + token_type_embeddings.size()) * 4;
  embedding_ln_gamma = load_vector(w, "embeddings.LayerNorm.weight", E);
  embedding_ln_beta = load_vector(w, "embeddings.LayerNorm.bias", E);
  // options.precision applies to the shared layer weights, where nearly all the work is. The
  // linears run once per forward stay fp32 at a cost of well under 1%: rounding the E -> H
  // embedding mapping alone to bf16 flips 4 of albert-base-random's 926 MLM top-1 tokens,
  // since every layer then builds on its error (bf16 overall: 24 flips with it, 16 without).
  embedding_projection = std::make_unique<Linear>(
      load_linear(w, "encoder.embedding_hidden_mapping_in", H, E, gemm::Precision::kF32));
  load_layers(c, w);
  load_heads(c, w);
}

void AlbertModel::Weights::load_layers(const ModelConfig& c, const WeightSource& w) {
  const int H = c.hidden_size, F = c.intermediate_size;
  const gemm::Precision precision = packed_for.precision;
  groups.resize(c.num_hidden_groups);
  std::vector<int> runs_of_group(c.num_hidden_groups, 0);
  for (int i = 0; i < c.num_hidden_layers; ++i) ++runs_of_group[c.group_of_layer(i)];
  for (int g = 0; g < c.num_hidden_groups; ++g) {
    const bool with_partner =
        precision == gemm::Precision::kBF16 && packed_for.bf16_alternating_rounding && runs_of_group[g] > 1;
    for (int i = 0; i < c.inner_group_num; ++i) {
      const std::string p = layer_prefix(g, i);
      Layer layer;
      layer.qkv = load_fused_qkv(w, p + "attention.", H, with_partner);
      layer.attention_output = load_linear(w, p + "attention.dense", H, H, precision, with_partner);
      layer.ffn = load_linear(w, p + "ffn", F, H, precision, with_partner);
      layer.ffn_output = load_linear(w, p + "ffn_output", H, F, precision, with_partner);
      layer.attention_ln_gamma = load_vector(w, p + "attention.LayerNorm.weight", H);
      layer.attention_ln_beta = load_vector(w, p + "attention.LayerNorm.bias", H);
      layer.output_ln_gamma = load_vector(w, p + "full_layer_layer_norm.weight", H);
      layer.output_ln_beta = load_vector(w, p + "full_layer_layer_norm.bias", H);
      if (c.position_embedding != PositionEmbedding::kAbsolute) {
        layer.distance_embedding = w.get(p + "attention.distance_embedding.weight",
                                         {2 * static_cast<int64_t>(c.max_position_embeddings) - 1, c.head_dim()});
        bytes += layer.distance_embedding.size() * 4;
      }
      groups[g].push_back(std::move(layer));
    }
  }
}

void AlbertModel::Weights::load_heads(const ModelConfig& c, const WeightSource& w) {
  const int E = c.embedding_size, H = c.hidden_size;
  const gemm::Precision fp32 = gemm::Precision::kF32;
  if (c.has_pooler()) pooler = std::make_unique<Linear>(load_linear(w, "pooler", H, H, fp32));
  if (c.has_mlm()) {
    // Its logits decide top-1 among near-ties over 30,000 words.
    mlm_dense = std::make_unique<Linear>(load_linear(w, "predictions.dense", E, H, fp32));
    mlm_ln_gamma = load_vector(w, "predictions.LayerNorm.weight", E);
    mlm_ln_beta = load_vector(w, "predictions.LayerNorm.bias", E);
    // The decoder is tied to the word embeddings (HF ties them whatever the file stores).
    mlm_decoder = std::make_unique<Linear>();
    mlm_decoder->weight = gemm::pack_b(packed_for.isa, fp32, word_embeddings.data(), c.vocab_size, E, E, true);
    mlm_decoder->bias = load_vector(w, "predictions.bias", c.vocab_size);
    mlm_decoder->out = c.vocab_size;
    mlm_decoder->in = E;
  }
  switch (c.head) {
    case Head::kPretraining:
      classifier = std::make_unique<Linear>(load_linear(w, "sop_classifier.classifier", 2, H, fp32));
      break;
    case Head::kSequenceClassification:
    case Head::kTokenClassification:
      classifier = std::make_unique<Linear>(load_linear(w, "classifier", c.num_labels, H, fp32));
      break;
    case Head::kQuestionAnswering:
      classifier = std::make_unique<Linear>(load_linear(w, "qa_outputs", 2, H, fp32));
      break;
    case Head::kMultipleChoice:
      classifier = std::make_unique<Linear>(load_linear(w, "classifier", 1, H, fp32));
      break;
    default:
      break;
  }
}

namespace {

void check_config(const ModelConfig& c) {
  if (c.hidden_size % c.num_attention_heads != 0) throw std::invalid_argument("hidden_size is not a multiple of num_attention_heads");
}

}  // namespace

std::shared_ptr<const AlbertModel::Weights> AlbertModel::load_weights(const ModelConfig& config, const WeightSource& w,
                                                                      const ModelOptions& options) {
  check_config(config);
  return std::make_shared<const Weights>(config, w, options);
}

AlbertModel::AlbertModel(const ModelConfig& config, std::shared_ptr<const Weights> weights, const ModelOptions& options)
    : config_(config), options_(options), weights_(std::move(weights)) {
  check_config(config_);
  const ModelOptions& packed = weights_->packed_for;
  if (packed.isa != options.isa || packed.precision != options.precision || packed.bf16_path != options.bf16_path ||
      packed.bf16_alternating_rounding != options.bf16_alternating_rounding) {
    throw std::invalid_argument("shared weights were packed for other options (ISA, precision or bf16 kernel/rounding)");
  }
  pool_ = std::make_unique<ThreadPool>(options.threads);
}

size_t AlbertModel::weight_bytes() const { return weights_->bytes; }

AlbertModel::~AlbertModel() = default;

// ---- forward -------------------------------------------------------------------------------

template <typename X, typename Y>
void AlbertModel::apply_linear(const Linear& linear, int run, int rows, const X* x, int ldx, Y* y, int ldy,
                               Activation activation, const float* residual, gemm::RowLayerNorm layer_norm) const {
  gemm::Epilogue epilogue;
  epilogue.bias = linear.bias.data();
  epilogue.activation = activation;
  epilogue.residual = residual;
  epilogue.ldr = ldy;
  epilogue.layer_norm = layer_norm;
  gemm::gemm_packed(rows, x, ldx, linear.weight_for(run), y, ldy, epilogue, pool_.get());
}

// word + token_type (+ absolute position) embeddings, LayerNorm(E), then the E -> H projection.
void AlbertModel::embed(const ForwardRequest& request, const TokenLayout& layout, Buffers& buffers) const {
  const ModelConfig& c = config_;
  const int E = c.embedding_size;
  const int tokens = layout.tokens();
  float* embedded = buffers.embedded.at_least(static_cast<size_t>(tokens) * E);
  for (int b = 0; b < layout.batch; ++b) {
    for (int r = layout.seq_begin[b]; r < layout.seq_begin[b + 1]; ++r) {
      const long at = static_cast<long>(b) * request.seq_len + layout.position[r];
      const int id = request.input_ids[at];
      const int type = request.token_type_ids ? request.token_type_ids[at] : 0;
      if (id < 0 || id >= c.vocab_size) throw std::invalid_argument("token id " + std::to_string(id) + " out of range");
      if (type < 0 || type >= c.type_vocab_size) throw std::invalid_argument("token type id " + std::to_string(type) + " out of range");
      float* out = &embedded[static_cast<size_t>(r) * E];
      const float* word = &weights_->word_embeddings[static_cast<size_t>(id) * E];
      const float* token_type = &weights_->token_type_embeddings[static_cast<size_t>(type) * E];
      for (int i = 0; i < E; ++i) out[i] = word[i] + token_type[i];
      if (c.position_embedding == PositionEmbedding::kAbsolute) {
        const float* pos = &weights_->position_embeddings[static_cast<size_t>(layout.position[r]) * E];
        for (int i = 0; i < E; ++i) out[i] += pos[i];
      }
    }
  }
  layer_norm(options_.isa, embedded, tokens, E, E, weights_->embedding_ln_gamma.data(), weights_->embedding_ln_beta.data(), c.layer_norm_eps);
  float* hidden = buffers.hidden.at_least(static_cast<size_t>(tokens) * c.hidden_size);
  apply_linear(*weights_->embedding_projection, kRunOnce, tokens, embedded, E, hidden, c.hidden_size);
}

namespace {

// Where attention finds Q, K, V and writes the context: fp32 or bf16 buffers.
void set_activations(AttentionArgs& args, float* qkv, float* context) {
  args.qkv = qkv;
  args.context = context;
}
void set_activations(AttentionArgs& args, uint16_t* qkv, uint16_t* context) {
  args.qkv_bf16 = qkv;
  args.context_bf16 = context;
}

}  // namespace

// out = LN(x + dense(attention(qkv(x)))), with the QKV and context activations of type A.
template <typename A>
void AlbertModel::self_attention(const Layer& layer, int run, const TokenLayout& layout, AttentionArgs args, A* qkv,
                                 A* context, const float* x, float* out) const {
  const int H = config_.hidden_size, T = layout.tokens();
  apply_linear(layer.qkv, run, T, x, H, qkv, 3 * H);
  set_activations(args, qkv, context);
  attention(layout, args, pool_.get());
  const gemm::RowLayerNorm ln{layer.attention_ln_gamma.data(), layer.attention_ln_beta.data(), config_.layer_norm_eps};
  apply_linear(layer.attention_output, run, T, context, H, out, H, Activation::kIdentity, x, ln);
}

// out = LN(a + ffn_output(act(ffn(a)))), with the intermediate activations of type A.
template <typename A>
void AlbertModel::feed_forward(const Layer& layer, int run, int tokens, A* intermediate, const float* a,
                               float* out) const {
  const int H = config_.hidden_size, F = config_.intermediate_size;
  apply_linear(layer.ffn, run, tokens, a, H, intermediate, F, config_.hidden_act);
  const gemm::RowLayerNorm ln{layer.output_ln_gamma.data(), layer.output_ln_beta.data(), config_.layer_norm_eps};
  apply_linear(layer.ffn_output, run, tokens, intermediate, F, out, H, Activation::kIdentity, a, ln);
}

// a = LN(x + dense(attention(x))); x' = LN(a + ffn_output(act(ffn(a)))). Post-LN, as HF; each
// LayerNorm rides in its GEMM's epilogue (per row block while the rows are in cache, fp32 and AMX).
//
// On AMX (precision bf16) the activations that only feed a bf16 GEMM or the AMX attention stay
// bf16 in memory: QKV, the attention context and the FFN intermediate. Their consumers round
// them to bf16 anyway, so the results are bit for bit the same at half the memory traffic. The
// residual stream (x, a) stays fp32, and relative position terms need fp32 Q and K.
void AlbertModel::run_layer(const Layer& layer, int run, const TokenLayout& layout, Buffers& buf,
                            float* probabilities) const {
  const ModelConfig& c = config_;
  const int H = c.hidden_size;
  const int T = layout.tokens();
  const size_t rows = static_cast<size_t>(T);
  float* x = buf.hidden.data();
  float* a = buf.attention.at_least(rows * H);

  AttentionArgs args;
  args.isa = options_.isa;
  args.bf16_tiles = gemm::bf16_activations(layer.qkv.weight);
  args.heads = c.num_attention_heads;
  args.head_dim = c.head_dim();
  args.position_embedding = c.position_embedding;
  args.distance_embedding = layer.distance_embedding.empty() ? nullptr : layer.distance_embedding.data();
  args.max_positions = c.max_position_embeddings;
  args.probabilities = probabilities;
  if (args.bf16_tiles && c.position_embedding == PositionEmbedding::kAbsolute &&
      gemm::bf16_activations(layer.attention_output.weight)) {
    self_attention(layer, run, layout, args, buf.qkv_bf16.at_least(rows * 3 * H), buf.context_bf16.at_least(rows * H), x, a);
  } else {
    self_attention(layer, run, layout, args, buf.qkv.at_least(rows * 3 * H), buf.context.at_least(rows * H), x, a);
  }

  const size_t intermediate = rows * c.intermediate_size;
  if (gemm::bf16_activations(layer.ffn.weight) && gemm::bf16_activations(layer.ffn_output.weight)) {
    feed_forward(layer, run, T, buf.intermediate_bf16.at_least(intermediate), a, x);
  } else {
    feed_forward(layer, run, T, buf.intermediate.at_least(intermediate), a, x);
  }
}

namespace {

// The hidden rows request.logits_at selects, gathered in (batch, position) order; a selected
// position that was not computed (padding) is an input error.
std::vector<float> gather_selected_rows(const ForwardRequest& request, const TokenLayout& layout,
                                        const float* hidden, int H) {
  std::vector<float> out;
  for (int b = 0; b < layout.batch; ++b) {
    const int32_t* select = request.logits_at + static_cast<long>(b) * layout.seq_len;
    int r = layout.seq_begin[b];
    for (int s = 0; s < layout.seq_len; ++s) {
      while (r < layout.seq_begin[b + 1] && layout.position[r] < s) ++r;
      if (!select[s]) continue;
      if (r == layout.seq_begin[b + 1] || layout.position[r] != s) {
        throw std::invalid_argument("logitsAt selects padded position " + std::to_string(s) + " of row " + std::to_string(b));
      }
      out.insert(out.end(), hidden + static_cast<long>(r) * H, hidden + static_cast<long>(r + 1) * H);
    }
  }
  return out;
}

}  // namespace

// decoder(LN(act(dense(h)))), with LN eps = layer_norm_eps; over every computed token, or only
// the rows request.logits_at selects (then returned compact as [count, vocab]).
Tensor AlbertModel::masked_lm_logits(const ForwardRequest& request, const TokenLayout& layout, const Buffers& buf) const {
  const ModelConfig& c = config_;
  const int E = c.embedding_size, H = c.hidden_size, V = c.vocab_size;
  std::vector<float> selected;
  const float* hidden = buf.hidden.data();
  int n = layout.tokens();
  if (request.logits_at) {
    selected = gather_selected_rows(request, layout, buf.hidden.data(), H);
    hidden = selected.data();
    n = static_cast<int>(selected.size() / H);
  }
  std::vector<float> transformed(static_cast<size_t>(n) * E);
  apply_linear(*weights_->mlm_dense, kRunOnce, n, hidden, H, transformed.data(), E, c.hidden_act);
  layer_norm(options_.isa, transformed.data(), n, E, E, weights_->mlm_ln_gamma.data(), weights_->mlm_ln_beta.data(), c.layer_norm_eps);
  std::vector<float> logits(static_cast<size_t>(n) * V);
  apply_linear(*weights_->mlm_decoder, kRunOnce, n, transformed.data(), E, logits.data(), V);
  if (request.logits_at) return Tensor{{n, V}, std::move(logits)};
  return scatter(layout, logits.data(), V);
}

void AlbertModel::run_heads(const ForwardRequest& request, const TokenLayout& layout, Buffers& buf, ForwardResult& result) const {
  const ModelConfig& c = config_;
  const int H = c.hidden_size;
  const int T = layout.tokens();
  const int B = layout.batch;
  const int S = layout.seq_len;
  result.outputs.emplace_back("last_hidden_state", scatter(layout, buf.hidden.data(), H));

  std::vector<float> pooled;
  if (weights_->pooler) {
    // tanh(pooler(h[:, 0])): position 0 is the first computed row of every sequence.
    std::vector<float> first(static_cast<size_t>(B) * H);
    for (int b = 0; b < B; ++b) {
      std::memcpy(&first[static_cast<size_t>(b) * H], &buf.hidden[static_cast<size_t>(layout.seq_begin[b]) * H], H * sizeof(float));
    }
    pooled.resize(static_cast<size_t>(B) * H);
    apply_linear(*weights_->pooler, kRunOnce, B, first.data(), H, pooled.data(), H, Activation::kTanh);
    result.outputs.emplace_back("pooler_output", Tensor{{B, H}, pooled});
  }

  if (c.has_mlm()) {
    const char* name = c.head == Head::kPretraining ? "prediction_logits" : "logits";
    result.outputs.emplace_back(name, masked_lm_logits(request, layout, buf));
  }

  if (!weights_->classifier) return;
  const int labels = weights_->classifier->out;
  if (c.head == Head::kTokenClassification || c.head == Head::kQuestionAnswering) {
    std::vector<float> logits(static_cast<size_t>(T) * labels);
    apply_linear(*weights_->classifier, kRunOnce, T, buf.hidden.data(), H, logits.data(), labels);
    Tensor full = scatter(layout, logits.data(), labels);
    if (c.head == Head::kTokenClassification) {
      result.outputs.emplace_back("logits", std::move(full));
      return;
    }
    Tensor start{{B, S}, std::vector<float>(static_cast<size_t>(B) * S)};
    Tensor end{{B, S}, std::vector<float>(static_cast<size_t>(B) * S)};
    for (size_t i = 0; i < start.data.size(); ++i) {
      start.data[i] = full.data[2 * i];
      end.data[i] = full.data[2 * i + 1];
    }
    result.outputs.emplace_back("start_logits", std::move(start));
    result.outputs.emplace_back("end_logits", std::move(end));
    return;
  }
  // Pooled heads: SOP, sequence classification, multiple choice (caller reshapes to [b, c]).
  std::vector<float> logits(static_cast<size_t>(B) * labels);
  apply_linear(*weights_->classifier, kRunOnce, B, pooled.data(), H, logits.data(), labels);
  result.outputs.emplace_back(c.head == Head::kPretraining ? "sop_logits" : "logits", Tensor{{B, labels}, logits});
}

ForwardResult AlbertModel::forward(const ForwardRequest& request) const {
  const ModelConfig& c = config_;
  if (request.batch <= 0 || request.seq_len <= 0) throw std::invalid_argument("empty batch");
  if (request.seq_len > c.max_position_embeddings) {
    throw std::invalid_argument("sequence length " + std::to_string(request.seq_len) + " exceeds max_position_embeddings " +
                                std::to_string(c.max_position_embeddings));
  }
  TokenLayout layout = make_layout(request);
  const int H = c.hidden_size;
  std::unique_ptr<Buffers> buffers = acquire_buffers();
  Buffers& buf = *buffers;
  embed(request, layout, buf);

  ForwardResult result;
  if (request.output_hidden_states) result.hidden_states.push_back(scatter(layout, buf.hidden.data(), H));
  const long S = request.seq_len;
  std::vector<int> runs_of_group(c.num_hidden_groups, 0);
  for (int i = 0; i < c.num_hidden_layers; ++i) {
    const int group = c.group_of_layer(i);
    const int run = runs_of_group[group]++;
    for (const Layer& layer : weights_->groups[group]) {
      float* probabilities = nullptr;
      if (request.output_attentions) {
        Tensor probs{{request.batch, c.num_attention_heads, S, S},
                     std::vector<float>(static_cast<size_t>(request.batch) * c.num_attention_heads * S * S, 0.0f)};
        result.attentions.push_back(std::move(probs));
        probabilities = result.attentions.back().data.data();
      }
      run_layer(layer, run, layout, buf, probabilities);
    }
    if (request.output_hidden_states) result.hidden_states.push_back(scatter(layout, buf.hidden.data(), H));
  }
  run_heads(request, layout, buf, result);
  release_buffers(std::move(buffers));
  return result;
}

}  // namespace albert
