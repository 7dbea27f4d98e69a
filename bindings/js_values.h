// Readers for the plain JS objects the TypeScript layer hands to the addon. That layer checks
// every user value first; these check types again, so a mismatch between the two layers
// becomes a std::invalid_argument naming the field rather than a crash or garbage.
#pragma once
#include <napi.h>

#include <stdexcept>
#include <string>

namespace albert_bindings {

inline bool is_absent(const Napi::Value& v) { return v.IsUndefined() || v.IsNull(); }

inline Napi::Value required_field(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (is_absent(v)) throw std::invalid_argument(std::string(key) + " is required");
  return v;
}

inline Napi::Number number_field(const Napi::Value& v, const char* key) {
  if (!v.IsNumber()) throw std::invalid_argument(std::string(key) + " must be a number");
  return v.As<Napi::Number>();
}

inline double get_double(const Napi::Object& o, const char* key) { return number_field(required_field(o, key), key).DoubleValue(); }
inline int get_int(const Napi::Object& o, const char* key) { return number_field(required_field(o, key), key).Int32Value(); }
inline int get_int(const Napi::Object& o, const char* key, int fallback) {
  Napi::Value v = o.Get(key);
  return is_absent(v) ? fallback : number_field(v, key).Int32Value();
}

inline bool get_bool(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = o.Get(key);
  return is_absent(v) ? fallback : v.ToBoolean().Value();
}

inline std::string get_string(const Napi::Object& o, const char* key) {
  Napi::Value v = required_field(o, key);
  if (!v.IsString()) throw std::invalid_argument(std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}
inline std::string get_string(const Napi::Object& o, const char* key, const std::string& fallback) {
  Napi::Value v = o.Get(key);
  return is_absent(v) ? fallback : v.ToString().Utf8Value();
}

}  // namespace albert_bindings
