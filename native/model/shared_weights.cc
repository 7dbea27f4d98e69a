#include "model/shared_weights.h"

#include <map>
#include <mutex>

namespace albert {
namespace shared_weights {
namespace {

struct Entry {
  std::weak_ptr<const AlbertModel::Weights> weights;
  std::shared_ptr<std::mutex> loading;  // serialises the loads of this key
};

struct Registry {
  std::mutex mutex;
  std::map<std::string, Entry> entries;
};

// Never destroyed: a worker thread may still be loading a model while the process exits.
Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

}  // namespace

WeightsPtr find(const std::string& key) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.entries.find(key);
  return it == r.entries.end() ? nullptr : it->second.weights.lock();
}

WeightsPtr find_or_load(const std::string& key, const std::function<WeightsPtr()>& load, bool& shared) {
  shared = true;
  std::shared_ptr<std::mutex> loading;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    Entry& e = r.entries[key];
    if (WeightsPtr w = e.weights.lock()) return w;
    if (!e.loading) e.loading = std::make_shared<std::mutex>();
    loading = e.loading;
  }
  std::lock_guard<std::mutex> one_at_a_time(*loading);
  if (WeightsPtr w = find(key)) return w;
  WeightsPtr w = load();
  shared = false;
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (auto it = r.entries.begin(); it != r.entries.end();) {
    // Expired, and no load waiting on it (every holder copies `loading` under this lock).
    const bool unused = it->second.weights.expired() && it->second.loading.use_count() == 1;
    it = it->first != key && unused ? r.entries.erase(it) : std::next(it);
  }
  r.entries[key].weights = w;
  return w;
}

}  // namespace shared_weights
}  // namespace albert
