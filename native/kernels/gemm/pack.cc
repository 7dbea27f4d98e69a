// Packing of A and B into the layouts the microkernels read (described in microkernel.h).
// Portable code: packing B happens once per weight, and packing A is O(M K) against the
// O(M N K) multiply, so plain loops the compiler can vectorise are enough.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "kernels/gemm/microkernel.h"

namespace albert {
namespace gemm {
namespace detail {

void pack_a_f32(int mr, int m, int kc, const float* a, int lda, float* dst) {
  for (TileRows t(m, mr); t.more(); t.next()) {
    float* panel = dst + static_cast<std::size_t>(t.row) * kc;
    // Row-outer: reads stream along each row of A; writes stay inside the small panel.
    for (int i = 0; i < t.rows; ++i) {
      const float* src = a + static_cast<std::size_t>(t.row + i) * lda;
      for (int k = 0; k < kc; ++k) panel[k * t.rows + i] = src[k];
    }
  }
}

std::size_t packed_b_f32_size(int n, int k, int nr) {
  const std::size_t panels = (static_cast<std::size_t>(n) + nr - 1) / nr;
  return panels * nr * static_cast<std::size_t>(k);
}

void pack_b_f32(int nr, const float* b, int n, int k, int ldb, bool transposed, float* dst) {
  for (int j0 = 0; j0 < n; j0 += nr) {
    const int cols = std::min(nr, n - j0);
    float* panel = dst + static_cast<std::size_t>(j0 / nr) * k * nr;
    if (!transposed) {  // B is [K, N]: each panel row is a contiguous slice of a B row
      for (int kk = 0; kk < k; ++kk) {
        float* out = panel + static_cast<std::size_t>(kk) * nr;
        std::memcpy(out, b + static_cast<std::size_t>(kk) * ldb + j0, cols * sizeof(float));
        std::fill(out + cols, out + nr, 0.0f);
      }
    } else {  // B is [N, K]: column j of the panel is row j0 + j of B
      for (int j = 0; j < nr; ++j) {
        if (j < cols) {
          const float* src = b + static_cast<std::size_t>(j0 + j) * ldb;
          for (int kk = 0; kk < k; ++kk) panel[static_cast<std::size_t>(kk) * nr + j] = src[kk];
        } else {
          for (int kk = 0; kk < k; ++kk) panel[static_cast<std::size_t>(kk) * nr + j] = 0.0f;
        }
      }
    }
  }
}

uint16_t float_to_bf16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x40u);  // quiet NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);  // round half to even
  return static_cast<uint16_t>(bits >> 16);
}

uint16_t float_to_bf16_partner(float x) {
  const uint16_t nearest = float_to_bf16(x);
  uint32_t bits = static_cast<uint32_t>(nearest) << 16;
  float nearest_value;
  std::memcpy(&nearest_value, &bits, sizeof nearest_value);
  // In double: 2 x - nearest(x) is then exact, and cannot overflow on the way.
  const double target = 2.0 * x - nearest_value;
  if (!std::isfinite(x) || !(std::fabs(target) <= FLT_MAX)) return nearest;
  return float_to_bf16(static_cast<float>(target));
}

void pack_b_bf16(const float* b, int n, int k, int ldb, bool transposed, Bf16Rounding rounding, uint16_t* dst) {
  const auto round = rounding == Bf16Rounding::kPartner ? float_to_bf16_partner : float_to_bf16;
  const int kpad = bf16_k_padded(k);
  const int npad = bf16_n_padded(n);
  auto at = [&](int kk, int j) -> float {
    if (kk >= k || j >= n) return 0.0f;
    return transposed ? b[static_cast<std::size_t>(j) * ldb + kk] : b[static_cast<std::size_t>(kk) * ldb + j];
  };
  for (int g = 0; g < npad / 16; ++g) {
    uint16_t* group = dst + static_cast<std::size_t>(g) * kpad * 16;
    for (int kp = 0; kp < kpad / 2; ++kp) {
      for (int j = 0; j < 16; ++j) {
        group[(kp * 16 + j) * 2 + 0] = round(at(2 * kp, g * 16 + j));
        group[(kp * 16 + j) * 2 + 1] = round(at(2 * kp + 1, g * 16 + j));
      }
    }
  }
}

}  // namespace detail
}  // namespace gemm
}  // namespace albert
