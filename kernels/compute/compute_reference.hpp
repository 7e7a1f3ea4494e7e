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

#include "kernels/compute/wgmma_math.hpp"

namespace gpubench::compute {

// Every output word of one block of the wgmma peak chain (wgmma_math.hpp), thread-major: the same
// values as wgmma_accumulator_word(..., true), from tables of the block's A, B and C rather than
// one hash per product, so checking whole blocks stays cheap.
inline std::vector<std::uint32_t> wgmma_expected_words(ComputeOp op, std::uint32_t seed,
                                                       std::uint32_t block) {
  const int tile_k = wgmma_tile_k(op);
  std::vector<int> a(static_cast<std::size_t>(wgmma::kWgmmaM * tile_k));
  std::vector<int> b(static_cast<std::size_t>(tile_k * kWgmmaN));
  for (int row = 0; row < wgmma::kWgmmaM; ++row) {
    for (int k = 0; k < tile_k; ++k)
      a[static_cast<std::size_t>(row * tile_k + k)] = wgmma_a_value(seed, block, row, k);
  }
  for (int k = 0; k < tile_k; ++k) {
    for (int n = 0; n < kWgmmaN; ++n)
      b[static_cast<std::size_t>(k * kWgmmaN + n)] = wgmma_b_value(seed, block, k, n);
  }
  const Accumulator type = accumulator(op);
  const int per_word = type == Accumulator::kF16 ? 2 : 1;
  const int words = wgmma_output_words(op);
  std::vector<std::uint32_t> expected(static_cast<std::size_t>(wgmma::kWarpgroupThreads * words));
  for (int thread = 0; thread < wgmma::kWarpgroupThreads; ++thread) {
    for (int word = 0; word < words; ++word) {
      std::uint32_t bits = 0;
      for (int half = 0; half < per_word; ++half) {
        const wgmma::FragmentCoord at = wgmma::accumulator_coord(thread, word * per_word + half);
        int value = c_value(seed, block, 0, {at.row, at.col});
        for (int k = 0; k < tile_k; ++k) {
          value += a[static_cast<std::size_t>(at.row * tile_k + k)] *
                   b[static_cast<std::size_t>(k * kWgmmaN + at.col)];
        }
        bits |= encode_accumulator(type, value) << (16 * half);
      }
      expected[static_cast<std::size_t>(thread * words + word)] = bits;
    }
  }
  return expected;
}

}  // namespace gpubench::compute
