// An AsyncWorker that settles a Promise. Work runs on libuv's pool, off the JS thread; a C++
// exception becomes a rejected Promise with an Error whose `code` tells input errors
// (ERR_INPUT, from std::invalid_argument) from engine failures (ERR_NATIVE).
#pragma once
#include <napi.h>

#include <stdexcept>
#include <string>

namespace albert_bindings {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env)
      : Napi::AsyncWorker(env, "albert-native"), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  // Subclasses do the work here; throw to reject.
  virtual void Run() = 0;
  // Subclasses build the resolved value here (on the JS thread).
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  void Execute() final {
    try {
      Run();
    } catch (const std::invalid_argument& e) {
      code_ = "ERR_INPUT";
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      code_ = "ERR_OUT_OF_MEMORY";
      SetError("out of memory");
    } catch (const std::exception& e) {
      code_ = "ERR_NATIVE";
      SetError(e.what());
    }
  }
  void OnOK() final {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(Result(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& error) final {
    Napi::Object value = error.Value();
    value.Set("code", Napi::String::New(Env(), code_));
    deferred_.Reject(value);
  }

  Napi::Promise::Deferred deferred_;
  std::string code_ = "ERR_NATIVE";
};

}  // namespace albert_bindings
