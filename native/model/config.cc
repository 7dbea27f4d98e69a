#include "model/config.h"

#include <stdexcept>

namespace albert {

Head parse_head(const std::string& name) {
  if (name == "base") return Head::kBase;
  if (name == "masked-lm") return Head::kMaskedLm;
  if (name == "pretraining") return Head::kPretraining;
  if (name == "sequence-classification") return Head::kSequenceClassification;
  if (name == "token-classification") return Head::kTokenClassification;
  if (name == "question-answering") return Head::kQuestionAnswering;
  if (name == "multiple-choice") return Head::kMultipleChoice;
  throw std::invalid_argument("unknown head '" + name + "'");
}

PositionEmbedding parse_position_embedding(const std::string& name) {
  if (name == "absolute") return PositionEmbedding::kAbsolute;
  if (name == "relative_key") return PositionEmbedding::kRelativeKey;
  if (name == "relative_key_query") return PositionEmbedding::kRelativeKeyQuery;
  throw std::invalid_argument("unknown position_embedding_type '" + name + "'");
}

}  // namespace albert
