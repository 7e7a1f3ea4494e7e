#pragma once
// The wgmma peak chains (Hopper, sm_90a): shapes, work and the CPU model each output word is
// checked against. Same exactness scheme as the mma.sync chains (compute_math.hpp): operands are
// small integers in every format, so every product and sum is exact and the check is bit-exact.
//
// One warpgroup per block. Shared memory holds A (64 x Kt), B and -B (each 256 x Kt, K-major),
// 128-byte swizzled rows of Kt = 128 bytes of elements (f16/bf16: 64, tf32: 32, fp8/s8: 128).
// The chain: D = C; (D += A0 * B0; D += A0 * (-B0)) x iterations; then D += A_s * B_s for the four
// 32-byte K slices s, so D = C + A * B over the whole tile: every slice's descriptor is exercised
// and the result does not depend on the loop length.

#include <cstdint>

#include "kernels/common/wgmma_layout.hpp"
#include "kernels/compute/compute_math.hpp"

namespace gpubench::compute {

inline constexpr int kWgmmaN = 256;
inline constexpr int kWgmmaTileKBytes = wgmma::kSwizzleRowBytes;
inline constexpr int kWgmmaSlices = kWgmmaTileKBytes / wgmma::kKSliceBytes;  // 4
inline constexpr int kWgmmaUnroll = 8;  // (B, -B) pairs per committed group
// Blocks (warpgroups) per SM the peak kernels are built for (their __launch_bounds__): three
// warpgroups' wgmma keep the tensor cores busy while another drains its group. It caps registers
// at 168 a thread; left to itself the s8 chain takes 255 and only two of its blocks fit an SM.
inline constexpr int kWgmmaBlocksPerSm = 3;

// The mma.sync ops whose input and accumulator types wgmma also has (INT4 it has not).
GPUBENCH_HD constexpr bool has_wgmma(ComputeOp op) {
  return is_tensor(op) && op != ComputeOp::kMmaS4S32;
}

GPUBENCH_HD constexpr int wgmma_element_bytes(ComputeOp op) {
  return element_bits(input_element(op)) / 8;
}
// K of one wgmma (32 bytes of elements) and of the whole tile.
GPUBENCH_HD constexpr int wgmma_k(ComputeOp op) {
  return wgmma::kKSliceBytes / wgmma_element_bytes(op);
}
GPUBENCH_HD constexpr int wgmma_tile_k(ComputeOp op) {
  return kWgmmaTileKBytes / wgmma_element_bytes(op);
}

// Accumulator registers per thread of an m64n256 tile: f16 packs two elements a register.
GPUBENCH_HD constexpr int wgmma_output_words(ComputeOp op) {
  const int elements = wgmma::kWgmmaM * kWgmmaN / wgmma::kWarpgroupThreads;  // 128
  return accumulator(op) == Accumulator::kF16 ? elements / 2 : elements;
}

GPUBENCH_HD constexpr int wgmma_smem_bytes() {
  return (wgmma::kWgmmaM + 2 * kWgmmaN) * kWgmmaTileKBytes;  // A, B, -B: 72 KiB
}
GPUBENCH_HD constexpr int wgmma_b_offset(bool negated) {
  return (wgmma::kWgmmaM + (negated ? kWgmmaN : 0)) * kWgmmaTileKBytes;
}

// Work of one launch: per block, 2 * iterations + kWgmmaSlices wgmma of 64 x 256 x wgmma_k.
GPUBENCH_HD constexpr double wgmma_launch_flops(ComputeOp op, long long blocks,
                                                long long iterations) {
  const double per_wgmma = 2.0 * wgmma::kWgmmaM * kWgmmaN * wgmma_k(op);
  return static_cast<double>(blocks) * static_cast<double>(2 * iterations + kWgmmaSlices) *
         per_wgmma;
}

// Tile values of block `block`: A(row, k), B(k, n) (stored at row n of the K-major B tile).
GPUBENCH_HD constexpr int wgmma_a_value(std::uint32_t seed, std::uint32_t block, int row, int k) {
  return a_value(seed, block, {row, k});
}
GPUBENCH_HD constexpr int wgmma_b_value(std::uint32_t seed, std::uint32_t block, int k, int n) {
  return b_value(seed, block, {k, n});
}

// Word `word` of thread `thread`'s accumulator before (C) or after (C + A * B) the chain.
GPUBENCH_HD constexpr std::uint32_t wgmma_accumulator_word(ComputeOp op, std::uint32_t seed,
                                                           std::uint32_t block, int thread,
                                                           int word, bool with_product) {
  const Accumulator type = accumulator(op);
  const int per_word = type == Accumulator::kF16 ? 2 : 1;
  std::uint32_t bits = 0;
  for (int half = 0; half < per_word; ++half) {
    const wgmma::FragmentCoord at = wgmma::accumulator_coord(thread, word * per_word + half);
    int value = c_value(seed, block, 0, {at.row, at.col});
    if (with_product) {
      for (int k = 0; k < wgmma_tile_k(op); ++k) {
        value += wgmma_a_value(seed, block, at.row, k) * wgmma_b_value(seed, block, k, at.col);
      }
    }
    bits |= encode_accumulator(type, value) << (16 * half);
  }
  return bits;
}

}  // namespace gpubench::compute
