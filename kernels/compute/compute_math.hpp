#pragma once
// Operand values, their encodings, and the CPU models the compute benchmarks are verified
// against. Every operand comes from a hash of (seed, thread or warp, position), so host and
// device generate the same numbers without copying them.
//
// Tensor chains use small integers (+-1, +-2) in every format: products and sums stay exact in
// every accumulator type, so the check is bit-exact. Each chain alternates B and -B (D returns to
// C every two steps) and ends with one more B: D = C + A * B whatever the loop length.
// Scalar FMA chains use random values in (0.5, 1) and (-1, 1); the CPU repeats exactly the same
// IEEE fused operations (std::fma), so those checks are bit-exact too.

#include <cstdint>
#include <cstring>

#include "gpubench/mma_sync_paths.hpp"
#include "kernels/common/hash.hpp"
#include "kernels/common/mma_layout.hpp"

namespace gpubench::compute {

using mma::a_coord;
using mma::b_coord;
using mma::c_coord;
using mma::MatrixCoord;
using mma::MmaShape;

enum class ComputeOp : int {
  // Scalar units.
  kFfma,      // FP32 FFMA
  kHfma2,     // FP16 HFMA2 (two lanes per instruction)
  kBf16Fma2,  // BF16 HFMA2.BF16
  kDfma,      // FP64 DFMA
  kImad,      // INT32 IMAD
  // Tensor cores through mma.sync: inputs -> accumulator.
  kMmaF16F16,
  kMmaF16F32,
  kMmaBf16F32,
  kMmaTf32F32,
  kMmaS8S32,
  kMmaS4S32,
  kMmaE4m3F32,
  kMmaE5m2F32,
  kMmaE4m3F16,
  kMmaE5m2F16,
};

// The input types of the mma.sync rows: gpubench/mma_sync_paths.hpp's, whose rule says which of
// them ptxas emulates on which architecture.
using Element = MmaSyncInput;
enum class Accumulator : int { kF16, kF32, kS32 };

GPUBENCH_HD constexpr bool is_tensor(ComputeOp op) {
  return op >= ComputeOp::kMmaF16F16;
}

GPUBENCH_HD constexpr Element input_element(ComputeOp op) {
  switch (op) {
    case ComputeOp::kMmaBf16F32:
      return Element::kBf16;
    case ComputeOp::kMmaTf32F32:
      return Element::kTf32;
    case ComputeOp::kMmaS8S32:
      return Element::kS8;
    case ComputeOp::kMmaS4S32:
      return Element::kS4;
    case ComputeOp::kMmaE4m3F32:
    case ComputeOp::kMmaE4m3F16:
      return Element::kE4m3;
    case ComputeOp::kMmaE5m2F32:
    case ComputeOp::kMmaE5m2F16:
      return Element::kE5m2;
    default:
      return Element::kF16;
  }
}

GPUBENCH_HD constexpr Accumulator accumulator(ComputeOp op) {
  switch (op) {
    case ComputeOp::kMmaF16F16:
    case ComputeOp::kMmaE4m3F16:
    case ComputeOp::kMmaE5m2F16:
      return Accumulator::kF16;
    case ComputeOp::kMmaS8S32:
    case ComputeOp::kMmaS4S32:
      return Accumulator::kS32;
    default:
      return Accumulator::kF32;
  }
}

GPUBENCH_HD constexpr int elements_per_register(Element element) {
  switch (element) {
    case Element::kTf32:
      return 1;
    case Element::kF16:
    case Element::kBf16:
      return 2;
    case Element::kS4:
      return 8;
    default:
      return 4;
  }
}

// The mma.sync shape used for `op` on an architecture (sm_75 has only the Turing shapes).
GPUBENCH_HD constexpr MmaShape mma_shape(ComputeOp op, int sm) {
  const Element element = input_element(op);
  const int e = elements_per_register(element);
  if (sm < 80) {
    if (element == Element::kS8) return {8, 16, e};
    if (element == Element::kS4) return {8, 32, e};
    return {16, 8, e};  // f16
  }
  switch (element) {
    case Element::kTf32:
      return {16, 8, e};
    case Element::kF16:
    case Element::kBf16:
      return {16, 16, e};
    case Element::kS4:
      return {16, 64, e};
    default:
      return {16, 32, e};  // s8, e4m3, e5m2
  }
}

// Accumulator words per lane: f16 packs two elements per word.
GPUBENCH_HD constexpr int accumulator_words(ComputeOp op, int sm) {
  const int elements = mma_shape(op, sm).c_elements();
  return accumulator(op) == Accumulator::kF16 ? elements / 2 : elements;
}

// --- Hashing: the one source of every operand.

using common::mix;

GPUBENCH_HD constexpr std::uint32_t operand_hash(std::uint32_t seed, std::uint32_t owner,
                                                 std::uint32_t what, std::uint32_t index) {
  return mix(seed ^ mix(owner * 0x9e3779b9u ^ mix(what * 0x85ebca6bu ^ mix(index))));
}

// A small non-zero integer: -2, -1, 1 or 2.
GPUBENCH_HD constexpr int small_value(std::uint32_t hash) {
  const int magnitude = 1 + static_cast<int>((hash >> 1) & 1u);
  return (hash & 1u) ? -magnitude : magnitude;
}

// --- Encodings of small integers in each element format.

GPUBENCH_HD constexpr std::uint32_t encode_element(Element element, int value) {
  const bool negative = value < 0;
  const int magnitude = negative ? -value : value;  // 1 or 2
  switch (element) {
    case Element::kF16:
      return (negative ? 0x8000u : 0u) | (magnitude == 1 ? 0x3C00u : 0x4000u);
    case Element::kBf16:
      return (negative ? 0x8000u : 0u) | (magnitude == 1 ? 0x3F80u : 0x4000u);
    case Element::kTf32:
      return (negative ? 0x80000000u : 0u) | (magnitude == 1 ? 0x3F800000u : 0x40000000u);
    case Element::kS8:
      return static_cast<std::uint32_t>(value) & 0xFFu;
    case Element::kS4:
      return static_cast<std::uint32_t>(value) & 0xFu;
    case Element::kE4m3:
      return (negative ? 0x80u : 0u) | (magnitude == 1 ? 0x38u : 0x40u);
    case Element::kE5m2:
      return (negative ? 0x80u : 0u) | (magnitude == 1 ? 0x3Cu : 0x40u);
  }
  return 0;
}

GPUBENCH_HD constexpr int element_bits(Element element) {
  return 32 / elements_per_register(element);
}

// Matrix values of one warp's tiles (the same tiles for every accumulator of the warp).
GPUBENCH_HD constexpr int a_value(std::uint32_t seed, std::uint32_t warp, MatrixCoord at) {
  return small_value(
      operand_hash(seed, warp, 1, static_cast<std::uint32_t>(at.row * 256 + at.col)));
}
GPUBENCH_HD constexpr int b_value(std::uint32_t seed, std::uint32_t warp, MatrixCoord at) {
  return small_value(
      operand_hash(seed, warp, 2, static_cast<std::uint32_t>(at.row * 256 + at.col)));
}
GPUBENCH_HD constexpr int c_value(std::uint32_t seed, std::uint32_t warp, int accumulator_index,
                                  MatrixCoord at) {
  return small_value(operand_hash(seed, warp, 3 + static_cast<std::uint32_t>(accumulator_index),
                                  static_cast<std::uint32_t>(at.row * 256 + at.col)));
}

// Register `reg` of this lane's A (or B, negated when `negate`) fragment.
GPUBENCH_HD constexpr std::uint32_t pack_a(ComputeOp op, int sm, std::uint32_t seed,
                                           std::uint32_t warp, int lane, int reg) {
  const MmaShape shape = mma_shape(op, sm);
  const Element element = input_element(op);
  std::uint32_t word = 0;
  for (int j = 0; j < shape.elements_per_reg; ++j) {
    const int value = a_value(seed, warp, a_coord(shape, lane, reg, j));
    word |= encode_element(element, value) << (j * element_bits(element));
  }
  return word;
}
GPUBENCH_HD constexpr std::uint32_t pack_b(ComputeOp op, int sm, std::uint32_t seed,
                                           std::uint32_t warp, int lane, int reg, bool negate) {
  const MmaShape shape = mma_shape(op, sm);
  const Element element = input_element(op);
  std::uint32_t word = 0;
  for (int j = 0; j < shape.elements_per_reg; ++j) {
    const int value = b_value(seed, warp, b_coord(shape, lane, reg, j));
    word |= encode_element(element, negate ? -value : value) << (j * element_bits(element));
  }
  return word;
}

// Encodes an integer-valued accumulator element.
GPUBENCH_HD constexpr std::uint32_t encode_accumulator(Accumulator type, int value) {
  if (type == Accumulator::kS32) return static_cast<std::uint32_t>(value);
  if (type == Accumulator::kF32) {
    // Exact for |value| < 2^24: build the float bits by hand so this stays constexpr.
    if (value == 0) return 0;
    const bool negative = value < 0;
    std::uint32_t magnitude = static_cast<std::uint32_t>(negative ? -value : value);
    int exponent = 0;
    while ((magnitude >> exponent) > 1)
      ++exponent;
    const std::uint32_t mantissa = (magnitude << (23 - exponent)) & 0x7FFFFFu;
    return (negative ? 0x80000000u : 0u) | (static_cast<std::uint32_t>(exponent + 127) << 23) |
           mantissa;
  }
  // f16, exact for |value| < 2^11.
  if (value == 0) return 0;
  const bool negative = value < 0;
  std::uint32_t magnitude = static_cast<std::uint32_t>(negative ? -value : value);
  int exponent = 0;
  while ((magnitude >> exponent) > 1)
    ++exponent;
  const std::uint32_t mantissa = (magnitude << (10 - exponent)) & 0x3FFu;
  return (negative ? 0x8000u : 0u) | (static_cast<std::uint32_t>(exponent + 15) << 10) | mantissa;
}

// Word `word` of accumulator `index` for this lane before (C) or after (C + A * B) the chain.
GPUBENCH_HD constexpr std::uint32_t accumulator_word(ComputeOp op, int sm, std::uint32_t seed,
                                                     std::uint32_t warp, int lane, int index,
                                                     int word, bool with_product) {
  const MmaShape shape = mma_shape(op, sm);
  const Accumulator type = accumulator(op);
  const int per_word = type == Accumulator::kF16 ? 2 : 1;
  std::uint32_t bits = 0;
  for (int half = 0; half < per_word; ++half) {
    const MatrixCoord at = c_coord(lane, word * per_word + half);
    int value = c_value(seed, warp, index, at);
    if (with_product) {
      for (int k = 0; k < shape.k; ++k) {
        value += a_value(seed, warp, {at.row, k}) * b_value(seed, warp, {k, at.col});
      }
    }
    bits |= encode_accumulator(type, value) << (16 * half);
  }
  return bits;
}

}  // namespace gpubench::compute

namespace gpubench::compute {

// --- Scalar chains: x = fma(x, a, b), kScalarChains independent chains per thread.

inline constexpr int kScalarChains = 8;

// Random operands, exactly representable in the op's format: a in [0.5, 1), b and x0 in (-1, 1).
struct ScalarOperands {
  double x0, a, b;
};

GPUBENCH_HD constexpr ScalarOperands scalar_operands(ComputeOp op, std::uint32_t seed,
                                                     std::uint32_t thread, int chain) {
  // Fraction bits each format holds for values in [0.5, 1): f16 10, bf16 7, f32 23, f64 52.
  const int bits = op == ComputeOp::kHfma2 ? 10 : op == ComputeOp::kBf16Fma2 ? 7 : 23;
  const auto unit = [&](std::uint32_t what) {
    const std::uint32_t h = operand_hash(seed, thread, what, static_cast<std::uint32_t>(chain));
    const double scale = static_cast<double>(1u << bits);
    const double fraction = static_cast<double>(h >> (32 - bits)) / scale;  // [0, 1)
    return fraction;
  };
  return {unit(10) * 2 - 1 + 1.0 / static_cast<double>(1u << bits),  // (-1, 1), never 0
          0.5 + unit(11) / 2, unit(12) * 2 - 1 + 1.0 / static_cast<double>(1u << bits)};
}

// INT32 IMAD chain x = x * a + b (mod 2^32), a odd.
struct IntegerOperands {
  std::uint32_t x0, a, b;
};
GPUBENCH_HD constexpr IntegerOperands integer_operands(std::uint32_t seed, std::uint32_t thread,
                                                       int chain) {
  const auto c = static_cast<std::uint32_t>(chain);
  return {operand_hash(seed, thread, 10, c), operand_hash(seed, thread, 11, c) | 1u,
          operand_hash(seed, thread, 12, c)};
}

// Scalar instructions one FMA-chain step issues per chain, and the FLOPs (or OPs) each counts:
// HFMA2 and BF16 HFMA2 work on two lanes.
GPUBENCH_HD constexpr int flops_per_scalar_instruction(ComputeOp op) {
  return op == ComputeOp::kHfma2 || op == ComputeOp::kBf16Fma2 ? 4 : 2;
}

}  // namespace gpubench::compute
