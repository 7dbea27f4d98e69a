// Each bindings/*.cc file registers its functions on the addon's exports.
#pragma once
#include <napi.h>

namespace albert_bindings {
void InitModel(Napi::Env env, Napi::Object exports);
void InitKernelTesting(Napi::Env env, Napi::Object exports);
}  // namespace albert_bindings
