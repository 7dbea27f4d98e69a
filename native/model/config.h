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

}  // namespace albert
