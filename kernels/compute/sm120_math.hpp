#pragma once
// The sm_120 tensor peaks (GeForce and RTX PRO Blackwell; kernels/compute/sm120_kernels.cu): which
// mma.sync each row issues, its operands, and the CPU model every output word is checked against.
//
// Those cards run tensor math through warp-level mma.sync only (ptxas rejects wgmma and tcgen05 for
// sm_120a). Two instruction families (PTX ISA 9.7.14, "Warp-level matrix multiply-accumulate";
// opcodes from nvcc 13.0's SASS for sm_120a):
//   .kind::f8f6f4 m16n8k32, FP8/FP6/FP4 in 8-bit containers               -> QMMA.16832 (FP8 rate)
//   .kind::mxf8f6f4.block_scale.scale_vec::1X m16n8k32, ue8m0 scales       -> QMMA.SF.16832
//   .kind::mxf4 / .kind::mxf4nvf4 .block_scale m16n8k64, FP4 packed 8 per register, ue8m0 scales
//    (scale_vec::2X) or ue4m3 (scale_vec::4X)                              -> OMMA.SF.16864 (FP4)
// ptxas 13.0 rejects mxf4nvf4 with ue8m0 at scale_vec::4X, which the PTX ISA's table lists.
//
// The exactness scheme is the mma.sync rows' (compute_math.hpp): elements are small integers
// (+-1, +-2, exact in every format here), the chain alternates B and -B and ends with one more B,
// so D = C + (A x scale_A)(B x scale_B) whatever its length. Scales are powers of two (ue8m0: 1/2,
// 1, 2) or ue4m3's 1/2, 1, 3/2, 2, so every product is a multiple of 1/4 below 2^5 and every sum
// stays exact in FP32 (12 significant bits at most).
//
// Every lane of a warp holds the same scale register: byte j carries chunk j's factor (1X: one
// factor in all four bytes; 2X: chunks 0, 1, 0, 1; 4X: chunks 0..3), and selectors
// {byte-id, thread-id} are {0, 0}. The factor then depends on the warp and the chunk of K, not on
// which lane the hardware reads a row's factor from -- a chunk applied to the wrong K range, or a
// scale decoded wrongly, still changes the result.

#include <cstdint>

#include "kernels/common/microscaling.hpp"
#include "kernels/compute/compute_math.hpp"

namespace gpubench::compute {

enum class Sm120Op : int {
  kF8f6f4E4m3,
  kF8f6f4E5m2,
  kF8f6f4E3m2,
  kF8f6f4E2m3,
  kF8f6f4E2m1,
  kMxf8f6f4E4m3Ue8m0,
  kMxf4E2m1Ue8m0,
  kMxf4nvf4E2m1Ue8m0,
  kMxf4nvf4E2m1Ue4m3,
};
inline constexpr Sm120Op kSm120Ops[] = {
    Sm120Op::kF8f6f4E4m3,    Sm120Op::kF8f6f4E5m2,        Sm120Op::kF8f6f4E3m2,
    Sm120Op::kF8f6f4E2m3,    Sm120Op::kF8f6f4E2m1,        Sm120Op::kMxf8f6f4E4m3Ue8m0,
    Sm120Op::kMxf4E2m1Ue8m0, Sm120Op::kMxf4nvf4E2m1Ue8m0, Sm120Op::kMxf4nvf4E2m1Ue4m3,
};

struct Sm120OpInfo {
  mx::Format element;
  bool block_scaled;
  mx::ScaleFormat scale;  // when block_scaled
  int scale_vec;          // chunks per row of A (column of B) along K; 1 when not block_scaled
  bool packed_fp4;        // FP4 eight per register (k64) rather than one per byte (k32)
};

GPUBENCH_HD constexpr Sm120OpInfo sm120_op_info(Sm120Op op) {
  using mx::Format;
  using mx::ScaleFormat;
  switch (op) {
    case Sm120Op::kF8f6f4E4m3:
      return {Format::kE4m3, false, ScaleFormat::kUe8m0, 1, false};
    case Sm120Op::kF8f6f4E5m2:
      return {Format::kE5m2, false, ScaleFormat::kUe8m0, 1, false};
    case Sm120Op::kF8f6f4E3m2:
      return {Format::kE3m2, false, ScaleFormat::kUe8m0, 1, false};
    case Sm120Op::kF8f6f4E2m3:
      return {Format::kE2m3, false, ScaleFormat::kUe8m0, 1, false};
    case Sm120Op::kF8f6f4E2m1:
      return {Format::kE2m1, false, ScaleFormat::kUe8m0, 1, false};
    case Sm120Op::kMxf8f6f4E4m3Ue8m0:
      return {Format::kE4m3, true, ScaleFormat::kUe8m0, 1, false};
    case Sm120Op::kMxf4E2m1Ue8m0:
    case Sm120Op::kMxf4nvf4E2m1Ue8m0:
      return {Format::kE2m1, true, ScaleFormat::kUe8m0, 2, true};
    case Sm120Op::kMxf4nvf4E2m1Ue4m3:
      return {Format::kE2m1, true, ScaleFormat::kUe4m3, 4, true};
  }
  return {Format::kE4m3, false, ScaleFormat::kUe8m0, 1, false};
}

// m16n8k32 with four 8-bit containers per register, or m16n8k64 with eight FP4 per register (the
// fragment layouts of mma_layout.hpp: the ISA's m16n8k32 8-bit and m16n8k64 4-bit figures).
GPUBENCH_HD constexpr MmaShape sm120_shape(Sm120Op op) {
  return sm120_op_info(op).packed_fp4 ? MmaShape{16, 64, 8} : MmaShape{16, 32, 4};
}

inline constexpr int kSm120AccumulatorWords = 4;  // f32 m16n8: four per lane

// --- Operands: the mma.sync rows' small integers (a_value, b_value, c_value) in the op's format.

GPUBENCH_HD constexpr std::uint32_t sm120_element_bits(Sm120Op op, int value) {
  const Sm120OpInfo info = sm120_op_info(op);
  const std::uint32_t bits = mx::encode_small(info.element, value);
  return info.packed_fp4 ? bits : mx::container_byte(info.element, bits);
}

GPUBENCH_HD constexpr std::uint32_t sm120_pack_a(Sm120Op op, std::uint32_t seed, std::uint32_t warp,
                                                 int lane, int reg) {
  const MmaShape shape = sm120_shape(op);
  const int bits = 32 / shape.elements_per_reg;
  std::uint32_t word = 0;
  for (int j = 0; j < shape.elements_per_reg; ++j) {
    word |= sm120_element_bits(op, a_value(seed, warp, a_coord(shape, lane, reg, j))) << (j * bits);
  }
  return word;
}

GPUBENCH_HD constexpr std::uint32_t sm120_pack_b(Sm120Op op, std::uint32_t seed, std::uint32_t warp,
                                                 int lane, int reg, bool negate) {
  const MmaShape shape = sm120_shape(op);
  const int bits = 32 / shape.elements_per_reg;
  std::uint32_t word = 0;
  for (int j = 0; j < shape.elements_per_reg; ++j) {
    const int value = b_value(seed, warp, b_coord(shape, lane, reg, j));
    word |= sm120_element_bits(op, negate ? -value : value) << (j * bits);
  }
  return word;
}

// --- Scales: one code per (warp, operand, chunk of K).

// ue4m3 codes of 1/2, 1, 3/2 and 2 (E4M3: bias 7, three mantissa bits).
GPUBENCH_HD constexpr std::uint32_t ue4m3_scale_code(std::uint32_t pick) {
  return pick == 0 ? 0x30u : pick == 1 ? 0x38u : pick == 2 ? 0x3Cu : 0x40u;
}

GPUBENCH_HD constexpr std::uint32_t sm120_scale_code(Sm120Op op, std::uint32_t seed,
                                                     std::uint32_t warp, bool of_b, int chunk) {
  const std::uint32_t h =
      operand_hash(seed, warp, of_b ? 41u : 40u, static_cast<std::uint32_t>(chunk));
  if (sm120_op_info(op).scale == mx::ScaleFormat::kUe4m3) return ue4m3_scale_code(h % 4u);
  return 126u + h % 3u;  // ue8m0: 2^-1, 2^0, 2^1
}

// The scale register every lane passes (see the header comment for the byte layout).
GPUBENCH_HD constexpr std::uint32_t sm120_scale_word(Sm120Op op, std::uint32_t seed,
                                                     std::uint32_t warp, bool of_b) {
  const int chunks = sm120_op_info(op).scale_vec;
  std::uint32_t word = 0;
  for (int byte = 0; byte < 4; ++byte)
    word |= sm120_scale_code(op, seed, warp, of_b, byte % chunks) << (8 * byte);
  return word;
}

// The factor chunk `chunk` of this warp's A (or B) is multiplied by: 1 without block scaling.
GPUBENCH_HD constexpr double sm120_scale(Sm120Op op, std::uint32_t seed, std::uint32_t warp,
                                         bool of_b, int chunk) {
  const Sm120OpInfo info = sm120_op_info(op);
  if (!info.block_scaled) return 1.0;
  return mx::decode_scale(info.scale, sm120_scale_code(op, seed, warp, of_b, chunk)).value;
}

// --- The CPU model.

// FP32 bits of a value FP32 holds exactly (|value| in [2^-126, 2^24), or zero).
GPUBENCH_HD constexpr std::uint32_t exact_f32_bits(double value) {
  if (value == 0) return 0;
  const bool negative = value < 0;
  double magnitude = negative ? -value : value;
  int exponent = 0;
  while (magnitude >= 2.0) {
    magnitude /= 2.0;
    ++exponent;
  }
  while (magnitude < 1.0) {
    magnitude *= 2.0;
    --exponent;
  }
  const auto mantissa = static_cast<std::uint32_t>((magnitude - 1.0) * 8388608.0);  // 2^23
  return (negative ? 0x80000000u : 0u) | (static_cast<std::uint32_t>(exponent + 127) << 23) |
         mantissa;
}

// The value accumulator element `element` (0..3) of `lane` holds before (C) or after the chain
// (C + (A x scale_A)(B x scale_B)).
GPUBENCH_HD constexpr double sm120_accumulator_value(Sm120Op op, std::uint32_t seed,
                                                     std::uint32_t warp, int lane, int index,
                                                     int element, bool with_product) {
  const MmaShape shape = sm120_shape(op);
  const Sm120OpInfo info = sm120_op_info(op);
  const MatrixCoord at = c_coord(lane, element);
  double value = c_value(seed, warp, index, at);
  if (!with_product) return value;
  for (int k = 0; k < shape.k; ++k) {
    const int chunk = mx::scale_chunk(k, shape.k, info.scale_vec);
    value += mx::scaled_product(
        a_value(seed, warp, {at.row, k}), sm120_scale(op, seed, warp, false, chunk),
        b_value(seed, warp, {k, at.col}), sm120_scale(op, seed, warp, true, chunk));
  }
  return value;
}

GPUBENCH_HD constexpr std::uint32_t sm120_accumulator_word(Sm120Op op, std::uint32_t seed,
                                                           std::uint32_t warp, int lane, int index,
                                                           int element, bool with_product) {
  return exact_f32_bits(
      sm120_accumulator_value(op, seed, warp, lane, index, element, with_product));
}

}  // namespace gpubench::compute
