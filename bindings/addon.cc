// Entry point of the Node addon. The addon is context-aware (NODE_API_MODULE registers a
// per-environment init), so it loads in worker threads and several times per process.
#include "bindings.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  albert_bindings::InitModel(env, exports);
  albert_bindings::InitKernelTesting(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(albert_native, Init)
