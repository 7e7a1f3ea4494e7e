#pragma once
// The operands of the cuBLASLt NVFP4 GEMM row and the reference its output is checked against, on
// the host (CPU tests) and the device (the suite's sampled check) alike.
//
// NVFP4 (cuBLAS, cublasLtMatmul, "block-scaled FP4"): A and B are FP4 E2M1 (CUDA_R_4F_E2M1), both
// K-major (the TN layout: our A m x k row-major, our B n x k row-major), two elements to a byte
// with the even element in the low nibble (cuda_fp4.h's __nv_fp4x2_storage_t: the first of a pair
// is the low four bits). Every 16 consecutive elements along K share one ue4m3 scale
// (CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3), so element (r, k) stands for
// e2m1(r, k) x ue4m3(r, k / 16).
//
// The scales are not stored row-major: cuBLAS documentation, section "1D Block Scaling Factors
// Layout" (docs.nvidia.com/cuda/cublas, #d-block-scaling-factors-layout), cuts the rows x (K / 16)
// scale matrix into 128 x 4 tiles of 512 bytes, the tiles along K adjacent (tile (R, C) at
// (R x tiles_per_row + C) x 512), and inside a tile puts the scale of row r, column c at
// (r mod 32) x 16 + (r div 32) x 4 + c: four 32-row groups interleaved, four K blocks innermost.
// Rows pad to a multiple of 128, K blocks to a multiple of 4. nvmath-python's
// get_block_scale_offset documents two offsets of a 128 x 128 NVFP4 operand that the CPU test
// holds this to: (row 5, block 2) -> 82 and (row 5, block 5) -> 593.

#include <cstdint>

#include "kernels/common/hash.hpp"
#include "kernels/common/host_device.hpp"
#include "kernels/common/microscaling.hpp"

namespace gpubench::gemm {

inline constexpr std::int64_t kNvfp4BlockElements = 16;  // elements per ue4m3 scale
inline constexpr std::int64_t kScaleTileRows = 128;
inline constexpr std::int64_t kScaleTileBlocks = 4;  // K blocks (scales) per tile row
inline constexpr std::int64_t kScaleTileBytes = kScaleTileRows * kScaleTileBlocks;

GPUBENCH_HD constexpr std::int64_t round_up(std::int64_t value, std::int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// Bytes of the packed E2M1 operand: `rows` rows of k elements, two to a byte.
GPUBENCH_HD constexpr std::int64_t nvfp4_data_bytes(std::int64_t rows, std::int64_t k) {
  return rows * k / 2;
}

// Bytes of the tiled scale tensor of a rows x k operand (padding included).
GPUBENCH_HD constexpr std::int64_t nvfp4_scale_bytes(std::int64_t rows, std::int64_t k) {
  return round_up(rows, kScaleTileRows) * round_up(k / kNvfp4BlockElements, kScaleTileBlocks);
}

// Where the scale of (row, K block `block`) of a rows x k operand lies in the tiled tensor.
GPUBENCH_HD constexpr std::int64_t nvfp4_scale_offset(std::int64_t row, std::int64_t block,
                                                      std::int64_t k) {
  const std::int64_t tiles_per_row =
      round_up(k / kNvfp4BlockElements, kScaleTileBlocks) / kScaleTileBlocks;
  const std::int64_t tile = (row / kScaleTileRows) * tiles_per_row + block / kScaleTileBlocks;
  const std::int64_t inside =
      (row % 32) * 16 + (row % kScaleTileRows) / 32 * 4 + block % kScaleTileBlocks;
  return tile * kScaleTileBytes + inside;
}

// The E2M1 code of element (row, kk) of a packed K-major operand.
GPUBENCH_HD constexpr std::uint32_t nvfp4_code(const std::uint8_t* data, std::int64_t row,
                                               std::int64_t kk, std::int64_t k) {
  const std::uint32_t byte = data[(row * k + kk) / 2];
  return kk % 2 == 0 ? byte & 0xFu : byte >> 4;
}

// The value element (row, kk) stands for: its E2M1 value times its block's ue4m3 scale, both
// decoded by the bit-exact models of kernels/common/microscaling.hpp.
GPUBENCH_HD constexpr double nvfp4_value(const std::uint8_t* data, const std::uint8_t* scales,
                                         std::int64_t row, std::int64_t kk, std::int64_t k) {
  const double element = mx::decode(mx::Format::kE2m1, nvfp4_code(data, row, kk, k)).value;
  const std::uint32_t scale = scales[nvfp4_scale_offset(row, kk / kNvfp4BlockElements, k)];
  const mx::Decoded factor = mx::decode_scale(mx::ScaleFormat::kUe4m3, scale);
  // A NaN scale (0x7F) scales to no number: the reference says NaN, never a quiet 0.
  if (factor.kind == mx::Class::kNan) return __builtin_nan("");
  return element * factor.value;
}

// Element (row, col) of C = A B^T for NVFP4 operands A (m x k) and B (n x k), in FP64. Exact: each
// term is a product of four factors of at most two significant bits (E2M1's 1.x, the scales'
// 1/2, 1, 3/2, 2), so it has at most 8, is a multiple of 2^-4 and is below 2^8; a sum of up to 2^36
// such terms is a multiple of 2^-4 below 2^44, which a double holds exactly.
GPUBENCH_HD constexpr double nvfp4_dot(const std::uint8_t* a, const std::uint8_t* a_scales,
                                       const std::uint8_t* b, const std::uint8_t* b_scales,
                                       std::int64_t row, std::int64_t col, std::int64_t k) {
  double sum = 0;
  for (std::int64_t kk = 0; kk < k; ++kk) {
    sum += nvfp4_value(a, a_scales, row, kk, k) * nvfp4_value(b, b_scales, col, kk, k);
  }
  return sum;
}

// --- The suite's inputs, a function of (seed, index) only, so a test regenerates them.

GPUBENCH_HD constexpr std::uint32_t nvfp4_hash(std::uint32_t seed, std::int64_t index) {
  const auto i = static_cast<std::uint64_t>(index);
  return common::mix(seed ^ common::mix(static_cast<std::uint32_t>(i) ^
                                        common::mix(static_cast<std::uint32_t>(i >> 32))));
}

// Byte `index` of a packed operand: two uniformly drawn E2M1 codes (all 16, both zeros included).
GPUBENCH_HD constexpr std::uint8_t nvfp4_fill_byte(std::uint32_t seed, std::int64_t index) {
  return static_cast<std::uint8_t>(nvfp4_hash(seed, index) & 0xFFu);
}

// The ue4m3 codes of the scales the suite draws (1/2, 1, 3/2, 2: the sm_120 rows' set), found at
// compile time by the shared model's search (E4M3's bits; ue4m3 is E4M3 without its sign).
inline constexpr auto kUe4m3Half =
    static_cast<std::uint8_t>(mx::encode_exact(mx::Format::kE4m3, 0.5));
inline constexpr auto kUe4m3One =
    static_cast<std::uint8_t>(mx::encode_exact(mx::Format::kE4m3, 1.0));
inline constexpr auto kUe4m3ThreeHalves =
    static_cast<std::uint8_t>(mx::encode_exact(mx::Format::kE4m3, 1.5));
inline constexpr auto kUe4m3Two =
    static_cast<std::uint8_t>(mx::encode_exact(mx::Format::kE4m3, 2.0));

// Byte `index` of a scale tensor: one of the four scales above, so a block given another block's
// scale is off by a factor between 1/4 and 4, which the check sees.
GPUBENCH_HD constexpr std::uint8_t nvfp4_fill_scale(std::uint32_t seed, std::int64_t index) {
  const std::uint32_t pick = nvfp4_hash(~seed, index) % 4u;
  return pick == 0 ? kUe4m3Half : pick == 1 ? kUe4m3One : pick == 2 ? kUe4m3ThreeHalves : kUe4m3Two;
}

}  // namespace gpubench::gemm
