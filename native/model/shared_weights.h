// Packed weights shared by key across every thread of the process (the addon's worker threads
// included): models loaded from the same checkpoint with the same packing options then hold one
// copy. The key is the caller's (lib/model/albert-model.ts: the weights file's identity, the
// config and the options). Held weakly: the weights go when the last model using them does.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "model/albert_model.h"

namespace albert {
namespace shared_weights {

using WeightsPtr = std::shared_ptr<const AlbertModel::Weights>;

// The live weights registered under `key`, or null.
WeightsPtr find(const std::string& key);

// The live weights of `key`, else what load() returns, registered under it. Loads of one key run
// one at a time, so models created together wait for the first one's weights instead of each
// packing a copy. `shared` says whether the weights came from another load.
WeightsPtr find_or_load(const std::string& key, const std::function<WeightsPtr()>& load, bool& shared);

}  // namespace shared_weights
}  // namespace albert
