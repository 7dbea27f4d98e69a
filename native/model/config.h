// The subset of Hugging Face's AlbertConfig the forward pass needs, already validated by the
// TypeScript layer (lib/model/config.ts).
#pragma once
#include <string>

#include "kernels/activation.h"

namespace albert {

enum class PositionEmbedding { kAbsolute, kRelativeKey, kRelativeKeyQuery };

// Which HF class's forward to run after the encoder.
enum class Head {
  kBase,                    // AlbertModel
  kMaskedLm,                // AlbertForMaskedLM
  kPretraining,             // AlbertForPreTraining (MLM + SOP)
  kSequenceClassification,  // AlbertForSequenceClassification
  kTokenClassification,     // AlbertForTokenClassification
  kQuestionAnswering,       // AlbertForQuestionAnswering
  kMultipleChoice,          // AlbertForMultipleChoice (inputs flattened by the caller)
};

struct ModelConfig {
  int vocab_size = 0;
  int embedding_size = 0;     // E
  int hidden_size = 0;        // H
  int num_hidden_layers = 0;
  int num_hidden_groups = 1;
  int inner_group_num = 1;
  int num_attention_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 0;
  int type_vocab_size = 0;
  int num_labels = 2;
  float layer_norm_eps = 1e-12f;
  Activation hidden_act = Activation::kGeluTanh;
  PositionEmbedding position_embedding = PositionEmbedding::kAbsolute;
  Head head = Head::kBase;

  int head_dim() const { return hidden_size / num_attention_heads; }
  // HF: group = int(i / (num_hidden_layers / num_hidden_groups)).
  int group_of_layer(int layer) const {
    return static_cast<int>(layer / (static_cast<double>(num_hidden_layers) / num_hidden_groups));
  }
  bool has_pooler() const {
    return head == Head::kBase || head == Head::kPretraining ||
           head == Head::kSequenceClassification || head == Head::kMultipleChoice;
  }
  bool has_mlm() const { return head == Head::kMaskedLm || head == Head::kPretraining; }
};

Head parse_head(const std::string& name);
PositionEmbedding parse_position_embedding(const std::string& name);

// A ModelConfig from the fields lib/model/config.ts nativeConfig() writes (camelCase keys),
// read through the caller's accessors f.integer(key), f.number(key) and f.text(key), which
// throw when a key is missing or mistyped. Shared by the N-API binding and the engine check.
template <typename Fields>
ModelConfig config_from_fields(const Fields& f) {
  ModelConfig config;
  config.vocab_size = f.integer("vocabSize");
  config.embedding_size = f.integer("embeddingSize");
  config.hidden_size = f.integer("hiddenSize");
  config.num_hidden_layers = f.integer("numHiddenLayers");
  config.num_hidden_groups = f.integer("numHiddenGroups");
  config.inner_group_num = f.integer("innerGroupNum");
  config.num_attention_heads = f.integer("numAttentionHeads");
  config.intermediate_size = f.integer("intermediateSize");
  config.max_position_embeddings = f.integer("maxPositionEmbeddings");
  config.type_vocab_size = f.integer("typeVocabSize");
  config.num_labels = f.integer("numLabels");
  config.layer_norm_eps = static_cast<float>(f.number("layerNormEps"));
  config.hidden_act = parse_activation(f.text("hiddenAct"));
  config.position_embedding = parse_position_embedding(f.text("positionEmbeddingType"));
  config.head = parse_head(f.text("head"));
  return config;
}

}  // namespace albert
