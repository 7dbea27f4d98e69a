// N-API glue for the engine's AlbertModel. Arguments arrive already checked by
// lib/model/*.ts; this file only converts between JS values and engine structs, and runs the
// work off the JS thread.
#include <memory>
#include <string>
#include <vector>

#include "bindings.h"
#include "js_values.h"
#include "model/albert_model.h"
#include "model/shared_weights.h"
#include "promise_worker.h"

namespace albert_bindings {
namespace {

using albert::AlbertModel;


// The config object lib/model/config.ts nativeConfig() builds, read with type checks.
struct JsConfigFields {
  const Napi::Object& object;
  int integer(const char* key) const { return get_int(object, key); }
  double number(const char* key) const { return get_double(object, key); }
  std::string text(const char* key) const { return get_string(object, key); }
};

albert::ModelConfig ParseConfig(const Napi::Object& c) { return albert::config_from_fields(JsConfigFields{c}); }

// Wraps a shared engine model. dispose() drops this handle's reference; forwards still in
// flight keep their own, so the memory goes when the last one finishes.
class ModelHandle : public Napi::ObjectWrap<ModelHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ModelHandle",
                       {InstanceMethod<&ModelHandle::Forward>("forward"),
                        InstanceMethod<&ModelHandle::Dispose>("dispose"),
                        InstanceMethod<&ModelHandle::ReleaseBuffers>("releaseBuffers"),
                        InstanceAccessor<&ModelHandle::Isa>("isa"),
                        InstanceAccessor<&ModelHandle::WeightBytes>("weightBytes"),
                        InstanceAccessor<&ModelHandle::WeightsShared>("weightsShared")});
  }
  explicit ModelHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelHandle>(info) {}
  void Attach(std::shared_ptr<AlbertModel> model, bool weights_shared) {
    model_ = std::move(model);
    weights_shared_ = weights_shared;
  }

 private:
  Napi::Value Forward(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    model_.reset();
    return info.Env().Undefined();
  }
  Napi::Value ReleaseBuffers(const Napi::CallbackInfo& info) {
    if (model_) model_->release_spare_buffers();
    return info.Env().Undefined();
  }
  Napi::Value Isa(const Napi::CallbackInfo& info) {
    return model_ ? Napi::String::New(info.Env(), albert::isa_name(model_->isa())) : info.Env().Null();
  }
  Napi::Value WeightBytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), model_ ? static_cast<double>(model_->weight_bytes()) : 0.0);
  }
  Napi::Value WeightsShared(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), weights_shared_); }

  std::shared_ptr<AlbertModel> model_;
  bool weights_shared_ = false;  // the weights were another model's, loaded earlier in this process
};

Napi::Object TensorToJs(Napi::Env env, const albert::Tensor& t) {
  Napi::Float32Array data = Napi::Float32Array::New(env, t.data.size());
  std::copy(t.data.begin(), t.data.end(), data.Data());
  Napi::Array dims = Napi::Array::New(env, t.dims.size());
  for (size_t i = 0; i < t.dims.size(); ++i) dims.Set(i, Napi::Number::New(env, static_cast<double>(t.dims[i])));
  Napi::Object o = Napi::Object::New(env);
  o.Set("data", data);
  o.Set("dims", dims);
  return o;
}

Napi::Array TensorsToJs(Napi::Env env, const std::vector<albert::Tensor>& tensors) {
  Napi::Array a = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) a.Set(i, TensorToJs(env, tensors[i]));
  return a;
}

std::vector<int32_t> CopyInt32(const Napi::Value& v) {
  if (!v.IsTypedArray()) return {};
  Napi::Int32Array a = v.As<Napi::Int32Array>();
  return std::vector<int32_t>(a.Data(), a.Data() + a.ElementLength());
}

class ForwardWorker : public PromiseWorker {
 public:
  ForwardWorker(Napi::Env env, std::shared_ptr<AlbertModel> model, const Napi::Object& request)
      : PromiseWorker(env), model_(std::move(model)) {
    input_ids_ = CopyInt32(request.Get("inputIds"));
    attention_mask_ = CopyInt32(request.Get("attentionMask"));
    token_type_ids_ = CopyInt32(request.Get("tokenTypeIds"));
    logits_at_ = CopyInt32(request.Get("logitsAt"));
    request_.batch = get_int(request, "batch");
    request_.seq_len = get_int(request, "seqLen");
    request_.output_hidden_states = request.Get("outputHiddenStates").ToBoolean();
    request_.output_attentions = request.Get("outputAttentions").ToBoolean();
  }

 protected:
  void Run() override {
    const size_t n = static_cast<size_t>(request_.batch) * request_.seq_len;
    if (input_ids_.size() != n) throw std::invalid_argument("inputIds length does not match batch x seqLen");
    if (!attention_mask_.empty() && attention_mask_.size() != n) throw std::invalid_argument("attentionMask length mismatch");
    if (!token_type_ids_.empty() && token_type_ids_.size() != n) throw std::invalid_argument("tokenTypeIds length mismatch");
    request_.input_ids = input_ids_.data();
    request_.attention_mask = attention_mask_.empty() ? nullptr : attention_mask_.data();
    request_.token_type_ids = token_type_ids_.empty() ? nullptr : token_type_ids_.data();
    if (!logits_at_.empty() && logits_at_.size() != n) throw std::invalid_argument("logitsAt length mismatch");
    request_.logits_at = logits_at_.empty() ? nullptr : logits_at_.data();
    result_ = model_->forward(request_);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Object out = Napi::Object::New(env);
    Napi::Object outputs = Napi::Object::New(env);
    for (const auto& [name, tensor] : result_.outputs) outputs.Set(name, TensorToJs(env, tensor));
    out.Set("outputs", outputs);
    if (request_.output_hidden_states) out.Set("hiddenStates", TensorsToJs(env, result_.hidden_states));
    if (request_.output_attentions) out.Set("attentions", TensorsToJs(env, result_.attentions));
    return out;
  }

 private:
  std::shared_ptr<AlbertModel> model_;
  std::vector<int32_t> input_ids_, attention_mask_, token_type_ids_, logits_at_;
  albert::ForwardRequest request_;
  albert::ForwardResult result_;
};

Napi::Value ModelHandle::Forward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!model_) {
    Napi::Error e = Napi::Error::New(env, "forward() after dispose()");
    e.Set("code", Napi::String::New(env, "ERR_DISPOSED"));
    throw e;
  }
  auto* worker = new ForwardWorker(env, model_, info[0].As<Napi::Object>());
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// The engine options of a createModel / createSharedModel spec.
albert::ModelOptions ParseOptions(const Napi::Object& spec) {
  albert::ModelOptions options;
  options.threads = get_int(spec, "threads");
  options.isa = albert::parse_isa(get_string(spec, "isa"));
  const std::string precision = get_string(spec, "precision");
  options.precision = precision == "bf16"   ? albert::gemm::Precision::kBF16
                      : precision == "int8" ? albert::gemm::Precision::kInt8
                                            : albert::gemm::Precision::kF32;
  if (options.precision == albert::gemm::Precision::kBF16) {
    options.bf16_path = albert::gemm::parse_bf16_path(get_string(spec, "bf16Path"));
    options.bf16_alternating_rounding = get_string(spec, "bf16Rounding", "alternating") == "alternating";
  }
  return options;
}

// Converts and packs the weights off the JS thread. Holds references to the JS buffers the
// tensor views point into until the work is done.
class CreateWorker : public PromiseWorker {
 public:
  CreateWorker(Napi::Env env, const Napi::Object& spec, Napi::FunctionReference* handle_class)
      : PromiseWorker(env), handle_class_(handle_class) {
    spec_ref_ = Napi::Persistent(spec);
    config_ = ParseConfig(spec.Get("config").As<Napi::Object>());
    options_ = ParseOptions(spec);
    share_key_ = get_string(spec, "shareKey", "");
    Napi::Array tensors = spec.Get("tensors").As<Napi::Array>();
    for (uint32_t i = 0; i < tensors.Length(); ++i) {
      Napi::Object t = tensors.Get(i).As<Napi::Object>();
      Napi::Uint8Array bytes = t.Get("data").As<Napi::Uint8Array>();
      albert::TensorView view;
      view.dtype = albert::parse_dtype(get_string(t, "dtype"));
      Napi::Array shape = t.Get("shape").As<Napi::Array>();
      for (uint32_t d = 0; d < shape.Length(); ++d) view.shape.push_back(shape.Get(d).As<Napi::Number>().Int64Value());
      view.data = bytes.Data();
      view.byte_length = bytes.ByteLength();
      weights_.add(get_string(t, "name"), std::move(view));
    }
  }

 protected:
  // With a share key, the weights come from the registry when another load has them, or is
  // loading them (workers started together), and are registered otherwise.
  void Run() override {
    auto load = [&] { return AlbertModel::load_weights(config_, weights_, options_); };
    std::shared_ptr<const AlbertModel::Weights> weights =
        share_key_.empty() ? load() : albert::shared_weights::find_or_load(share_key_, load, weights_shared_);
    model_ = std::make_shared<AlbertModel>(config_, std::move(weights), options_);
  }
  Napi::Value Result(Napi::Env env) override {
    spec_ref_.Reset();
    Napi::Object handle = handle_class_->New({});
    ModelHandle::Unwrap(handle)->Attach(std::move(model_), weights_shared_);
    return handle;
  }

 private:
  Napi::ObjectReference spec_ref_;
  Napi::FunctionReference* handle_class_;
  albert::ModelConfig config_;
  albert::ModelOptions options_;
  albert::WeightSource weights_;
  std::string share_key_;
  std::shared_ptr<AlbertModel> model_;
  bool weights_shared_ = false;
};

// Per-environment state, so the addon works in several worker threads at once.
struct AddonData {
  Napi::FunctionReference model_handle;
};

// Engine exceptions thrown on the JS thread become JS errors with a code (never a crash).
Napi::Error ToJsError(Napi::Env env, const std::exception& e, const char* code) {
  Napi::Error error = Napi::Error::New(env, e.what());
  error.Set("code", Napi::String::New(env, code));
  return error;
}

// Runs model set-up from a spec on the JS thread: JS errors pass through, std::invalid_argument
// (a config or options the engine refuses) becomes ERR_CONFIG, anything else the engine throws
// here (an instruction set the CPU lacks) ERR_ISA.
template <typename F>
auto WithSetupErrors(Napi::Env env, const F& setup) -> decltype(setup()) {
  try {
    return setup();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw ToJsError(env, e, "ERR_CONFIG");
  } catch (const std::exception& e) {
    throw ToJsError(env, e, "ERR_ISA");
  }
}

Napi::Value CreateModel(const Napi::CallbackInfo& info) {
  auto* data = info.Env().GetInstanceData<AddonData>();
  CreateWorker* worker = WithSetupErrors(info.Env(), [&] {
    return new CreateWorker(info.Env(), info[0].As<Napi::Object>(), &data->model_handle);
  });
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// createSharedModel(spec): a model on the live weights registered under spec.shareKey, with its
// own thread pool; null when there are none (the caller then reads the file and calls
// createModel). Nothing is converted or packed, so it runs on the JS thread.
Napi::Value CreateSharedModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Object spec = info[0].As<Napi::Object>();
  std::shared_ptr<const AlbertModel::Weights> weights = albert::shared_weights::find(get_string(spec, "shareKey"));
  if (!weights) return env.Null();
  std::shared_ptr<AlbertModel> model = WithSetupErrors(env, [&] {
    return std::make_shared<AlbertModel>(ParseConfig(spec.Get("config").As<Napi::Object>()), std::move(weights),
                                         ParseOptions(spec));
  });
  Napi::Object handle = env.GetInstanceData<AddonData>()->model_handle.New({});
  ModelHandle::Unwrap(handle)->Attach(std::move(model), /*weights_shared=*/true);
  return handle;
}

Napi::Value DefaultIsa(const Napi::CallbackInfo& info) {
  try {
    return Napi::String::New(info.Env(), albert::isa_name(albert::default_isa()));
  } catch (const std::exception& e) {
    throw ToJsError(info.Env(), e, "ERR_ISA");
  }
}

Napi::Value DefaultBf16Path(const Napi::CallbackInfo& info) {
  try {
    return Napi::String::New(info.Env(), albert::gemm::bf16_path_name(albert::gemm::default_bf16_path()));
  } catch (const std::exception& e) {
    throw ToJsError(info.Env(), e, "ERR_ISA");
  }
}

Napi::Value CpuFeatures(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("avx2", albert::cpu_supports(albert::Isa::kAvx2));
  o.Set("avx512", albert::cpu_supports(albert::Isa::kAvx512));
  o.Set("neon", albert::cpu_supports(albert::Isa::kNeon));
  o.Set("avx512bf16", albert::cpu_has_avx512_bf16());
  o.Set("amxbf16", albert::cpu_has_amx_bf16());
  o.Set("avx512vnni", albert::cpu_has_avx512_vnni());
  o.Set("avxvnni", albert::cpu_has_avx_vnni());
  o.Set("neondotprod", albert::cpu_has_neon_dotprod());
  o.Set("best", albert::isa_name(albert::best_isa()));
  return o;
}

}  // namespace

void InitModel(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->model_handle = Napi::Persistent(ModelHandle::Define(env));
  env.SetInstanceData<AddonData>(data);
  exports.Set("createModel", Napi::Function::New(env, CreateModel));
  exports.Set("createSharedModel", Napi::Function::New(env, CreateSharedModel));
  exports.Set("defaultIsa", Napi::Function::New(env, DefaultIsa));
  exports.Set("defaultBf16Path", Napi::Function::New(env, DefaultBf16Path));
  exports.Set("cpuFeatures", Napi::Function::New(env, CpuFeatures));
}

}  // namespace albert_bindings
