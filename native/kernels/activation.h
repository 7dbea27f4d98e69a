// The activations Hugging Face's ALBERT configs name in hidden_act, each with HF's formula.
#pragma once
#include <string>
#include <type_traits>

namespace albert {

enum class Activation {
  kIdentity,
  kGeluErf,    // "gelu", "gelu_python": 0.5 x (1 + erf(x / sqrt 2))
  kGeluTanh,   // "gelu_new", "gelu_pytorch_tanh": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  kGeluFast,   // "gelu_fast": 0.5 x (1 + tanh(0.7978845608 x (1 + 0.044715 x^2)))
  kQuickGelu,  // "quick_gelu": x sigmoid(1.702 x)
  kRelu,       // "relu"
  kSilu,       // "silu", "swish": x sigmoid(x)
  kTanh,       // "tanh"
};

// Calls fn(std::integral_constant<Activation, act>{}): one switch, so that each vectorised loop
// is compiled once per activation with the formula fixed (fn is typically a generic lambda
// that reads decltype(tag)::value).
template <typename Fn>
inline void with_activation(Activation act, Fn&& fn) {
  using A = Activation;
  switch (act) {
    case A::kIdentity: return fn(std::integral_constant<A, A::kIdentity>{});
    case A::kGeluErf: return fn(std::integral_constant<A, A::kGeluErf>{});
    case A::kGeluTanh: return fn(std::integral_constant<A, A::kGeluTanh>{});
    case A::kGeluFast: return fn(std::integral_constant<A, A::kGeluFast>{});
    case A::kQuickGelu: return fn(std::integral_constant<A, A::kQuickGelu>{});
    case A::kRelu: return fn(std::integral_constant<A, A::kRelu>{});
    case A::kSilu: return fn(std::integral_constant<A, A::kSilu>{});
    case A::kTanh: return fn(std::integral_constant<A, A::kTanh>{});
  }
}

// Throws std::invalid_argument naming the activation when HF has no such name.
Activation parse_activation(const std::string& name);

// Applies the activation in place to x[0, n). Scalar reference; vectorised paths live in
// kernels/activation_*.cc and must match it to float rounding.
void apply_activation_scalar(Activation act, float* x, int n);

}  // namespace albert
