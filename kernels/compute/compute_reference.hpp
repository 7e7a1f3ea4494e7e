#pragma once
// CPU models of the compute benchmarks' chains: the exact value every output word must hold.
// Host only.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/compute/compute_math.hpp"

namespace gpubench::compute {

// d rounded to `bits` significant bits, round-to-nearest-even, with the format's smallest
// quantum (subnormals): what one fused operation in that format yields from the exact result.
inline double round_to_format(double d, int bits, int min_exponent) {
  if (d == 0) return d;
  int exponent = 0;
  std::frexp(d, &exponent);  // d = m * 2^exponent, m in [0.5, 1)
  const int quantum_exponent = std::max(exponent - bits, min_exponent);
  return std::ldexp(std::nearbyint(std::ldexp(d, -quantum_exponent)), quantum_exponent);
}

inline double round_to_half(double d) {
  return round_to_format(d, 11, -24);
}
inline double round_to_bf16(double d) {
  return round_to_format(d, 8, -133);
}

// IEEE bits of an f16 value that is exactly representable.
inline std::uint16_t half_bits(double value) {
  const std::uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  const double magnitude = std::fabs(value);
  if (magnitude == 0) return sign;
  if (magnitude < std::ldexp(1.0, -14)) {
    return static_cast<std::uint16_t>(sign |
                                      static_cast<std::uint16_t>(magnitude / std::ldexp(1.0, -24)));
  }
  int exponent = 0;
  const double m = std::frexp(magnitude, &exponent);  // [0.5, 1)
  const auto mantissa = static_cast<std::uint16_t>((m * 2 - 1) * 1024);
  return static_cast<std::uint16_t>(sign | ((exponent - 1 + 15) << 10) | mantissa);
}

inline std::uint16_t bf16_bits(double value) {
  const float f = static_cast<float>(value);  // exact: value has <= 8 significant bits
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  return static_cast<std::uint16_t>(bits >> 16);
}

// Final value of one scalar chain after `iterations` steps, as the output words hold it (one
// word; f64 two). Chains converge to a fixed point; the model stops once it is reached.
inline std::uint64_t scalar_chain_result(ComputeOp op, std::uint32_t seed, std::uint32_t thread,
                                         int chain, long long iterations) {
  // x0 is the chain's own; a and b are chain 0's, shared by every chain of the thread.
  if (op == ComputeOp::kImad) {
    const IntegerOperands shared = integer_operands(seed, thread, 0);
    std::uint32_t x = integer_operands(seed, thread, chain).x0;
    for (long long i = 0; i < iterations; ++i)
      x = x * shared.a + shared.b;
    return x;
  }
  const ScalarOperands shared = scalar_operands(op, seed, thread, 0);
  const ScalarOperands o{scalar_operands(op, seed, thread, chain).x0, shared.a, shared.b};
  if (op == ComputeOp::kFfma) {
    float x = static_cast<float>(o.x0);
    const float a = static_cast<float>(o.a), b = static_cast<float>(o.b);
    for (long long i = 0; i < iterations; ++i) {
      const float next = std::fma(x, a, b);
      if (next == x) break;
      x = next;
    }
    std::uint32_t bits = 0;
    std::memcpy(&bits, &x, sizeof bits);
    return bits;
  }
  if (op == ComputeOp::kDfma) {
    double x = o.x0;
    for (long long i = 0; i < iterations; ++i) {
      const double next = std::fma(x, o.a, o.b);
      if (next == x) break;
      x = next;
    }
    std::uint64_t bits = 0;
    std::memcpy(&bits, &x, sizeof bits);
    return bits;
  }
  // HFMA2 / BF16 HFMA2: both lanes of the pair run the same chain; the word holds two copies.
  const bool half = op == ComputeOp::kHfma2;
  double x = o.x0;
  for (long long i = 0; i < iterations; ++i) {
    const double exact = x * o.a + o.b;  // exact in double for these operands
    const double next = half ? round_to_half(exact) : round_to_bf16(exact);
    if (next == x) break;
    x = next;
  }
  const std::uint32_t lane = half ? half_bits(x) : bf16_bits(x);
  return lane | (lane << 16);
}

}  // namespace gpubench::compute
