#include "kernels/activation.h"

#include <cmath>
#include <stdexcept>

namespace albert {

Activation parse_activation(const std::string& name) {
  if (name == "gelu" || name == "gelu_python") return Activation::kGeluErf;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return Activation::kGeluTanh;
  if (name == "gelu_fast") return Activation::kGeluFast;
  if (name == "quick_gelu") return Activation::kQuickGelu;
  if (name == "relu") return Activation::kRelu;
  if (name == "silu" || name == "swish") return Activation::kSilu;
  if (name == "tanh") return Activation::kTanh;
  if (name == "linear" || name == "identity") return Activation::kIdentity;
  throw std::invalid_argument("unknown hidden_act '" + name + "'");
}

void apply_activation_scalar(Activation act, float* x, int n) {
  switch (act) {
    case Activation::kIdentity:
      return;
    case Activation::kGeluErf:
      for (int i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * 0.70710678118654752f));
      return;
    case Activation::kGeluTanh:
      for (int i = 0; i < n; ++i) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + std::tanh(0.79788456080286536f * (v + 0.044715f * v * v * v)));
      }
      return;
    case Activation::kGeluFast:
      for (int i = 0; i < n; ++i) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + std::tanh(v * 0.7978845608f * (1.0f + 0.044715f * v * v)));
      }
      return;
    case Activation::kQuickGelu:
      for (int i = 0; i < n; ++i) x[i] = x[i] / (1.0f + std::exp(-1.702f * x[i]));
      return;
    case Activation::kRelu:
      for (int i = 0; i < n; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
      return;
    case Activation::kSilu:
      for (int i = 0; i < n; ++i) x[i] = x[i] / (1.0f + std::exp(-x[i]));
      return;
    case Activation::kTanh:
      for (int i = 0; i < n; ++i) x[i] = std::tanh(x[i]);
      return;
  }
}

}  // namespace albert
