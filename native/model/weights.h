// Raw tensors as the checkpoint stores them, and their conversion to float32.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace albert {

enum class DType { kF32, kF16, kBF16 };

DType parse_dtype(const std::string& name);  // "F32" | "F16" | "BF16"

// A view of one tensor's bytes inside the caller's buffer (little-endian, unaligned allowed).
struct TensorView {
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;
  size_t byte_length = 0;

  int64_t numel() const;
};

// Named views, with checked lookup: a missing or mis-shaped tensor throws std::runtime_error
// naming it. Names are HF's without the "albert." prefix (the TS loader strips it).
class WeightSource {
 public:
  void add(const std::string& name, TensorView view) { tensors_[name] = std::move(view); }
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  // Returns the tensor converted to float32 after checking its shape.
  std::vector<float> get(const std::string& name, std::vector<int64_t> shape) const;

 private:
  std::map<std::string, TensorView> tensors_;
};

// float16 / bfloat16 bit patterns to float.
float half_to_float(uint16_t bits);
float bfloat16_to_float(uint16_t bits);

}  // namespace albert
