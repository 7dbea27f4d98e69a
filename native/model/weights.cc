#include "model/weights.h"

#include <cstring>
#include <stdexcept>

namespace albert {

DType parse_dtype(const std::string& name) {
  if (name == "F32") return DType::kF32;
  if (name == "F16") return DType::kF16;
  if (name == "BF16") return DType::kBF16;
  throw std::invalid_argument("unsupported tensor dtype '" + name + "'");
}

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      int shift = 0;
      while ((mantissa & 0x400) == 0) {
        mantissa <<= 1;
        ++shift;
      }
      mantissa &= 0x3ff;
      bits = sign | static_cast<uint32_t>(127 - 15 - shift + 1) << 23 | mantissa << 13;
    }
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | mantissa << 13;
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float bfloat16_to_float(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

static std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::vector<float> WeightSource::get(const std::string& name, std::vector<int64_t> shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw std::runtime_error("missing tensor '" + name + "'");
  const TensorView& t = it->second;
  if (t.shape != shape) {
    throw std::runtime_error("tensor '" + name + "' has shape " + shape_string(t.shape) +
                             ", expected " + shape_string(shape));
  }
  size_t n = static_cast<size_t>(t.numel());
  size_t element = t.dtype == DType::kF32 ? 4 : 2;
  if (t.byte_length != n * element) throw std::runtime_error("tensor '" + name + "' has the wrong byte length");
  std::vector<float> out(n);
  if (t.dtype == DType::kF32) {
    std::memcpy(out.data(), t.data, n * 4);
  } else {
    for (size_t i = 0; i < n; ++i) {
      uint16_t bits;
      std::memcpy(&bits, t.data + 2 * i, 2);
      out[i] = t.dtype == DType::kF16 ? half_to_float(bits) : bfloat16_to_float(bits);
    }
  }
  return out;
}

}  // namespace albert
