// The sm_120 tensor rows' operands and CPU model (kernels/compute/sm120_math.hpp), on the CPU: the
// registers a kernel feeds mma.sync, decoded back through the format models, give the model's
// answer; every answer is exact in FP32; the product and the scales change it.
#include "kernels/compute/sm120_math.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/compute/sm120_kernels.hpp"
#include "kernels/compute/sm120_reference.hpp"

namespace gpubench::compute {
namespace {

std::string name(Sm120Op op) {
  return "op " + std::to_string(static_cast<int>(op));
}

TEST(Sm120Math, ShapesScaleVectorsAndWork) {
  EXPECT_EQ(sm120_shape(Sm120Op::kF8f6f4E2m1).k, 32);
  EXPECT_EQ(sm120_shape(Sm120Op::kMxf8f6f4E4m3Ue8m0).k, 32);
  EXPECT_EQ(sm120_shape(Sm120Op::kMxf4E2m1Ue8m0).k, 64);
  EXPECT_EQ(sm120_shape(Sm120Op::kMxf4nvf4E2m1Ue4m3).k, 64);
  for (const Sm120Op op : kSm120Ops) {
    EXPECT_EQ(sm120_shape(op).a_registers(), 4) << name(op);
    EXPECT_EQ(sm120_shape(op).b_registers(), 2) << name(op);
    EXPECT_EQ(sm120_shape(op).c_elements(), kSm120AccumulatorWords) << name(op);
  }
  // PTX ISA 9.7.14.3, Table "valid combinations of .scale_vec_size and .kind".
  EXPECT_EQ(sm120_op_info(Sm120Op::kMxf8f6f4E4m3Ue8m0).scale_vec, 1);
  EXPECT_EQ(sm120_op_info(Sm120Op::kMxf4E2m1Ue8m0).scale_vec, 2);
  EXPECT_EQ(sm120_op_info(Sm120Op::kMxf4nvf4E2m1Ue8m0).scale_vec, 2);
  EXPECT_EQ(sm120_op_info(Sm120Op::kMxf4nvf4E2m1Ue4m3).scale_vec, 4);
  EXPECT_EQ(sm120_op_info(Sm120Op::kMxf4nvf4E2m1Ue4m3).scale, mx::ScaleFormat::kUe4m3);
  // 2 blocks of 8 warps, 8 pairs: 17 mma per chain, 4 chains, 16 x 8 x 64 each.
  EXPECT_DOUBLE_EQ(sm120_launch_flops(Sm120Op::kMxf4E2m1Ue8m0, 2, 8),
                   16.0 * 17 * 4 * 2 * 16 * 8 * 64);
}

TEST(Sm120Math, OnlyTheBuiltComputeCapabilities12xRunTheRows) {
  for (const int sm : {75, 80, 86, 89, 90, 100, 103}) {
    EXPECT_FALSE(sm120_mma_supported(sm)) << sm;
    EXPECT_NE(sm120_unsupported_reason(sm).find("12.x"), std::string_view::npos) << sm;
  }
  // 12.1 (GB10) runs its own sm_121a code, which CUDA 12.9 and newer build.
  EXPECT_EQ(sm120_mma_supported(121), sm120_kernels_built() && CUDART_VERSION >= 12090);
  EXPECT_FALSE(sm120_mma_supported(122));
  EXPECT_EQ(sm120_mma_supported(120), sm120_kernels_built());
  EXPECT_EQ(sm120_unsupported_reason(120).empty(), sm120_kernels_built());
}

// The whole warp's A (16 x K) and B (K x 8) read back from the registers every lane would pass,
// and the scale of each chunk from the scale registers.
struct DecodedTile {
  std::vector<double> a, b;              // row-major 16 x K, K x 8
  std::vector<double> scale_a, scale_b;  // per chunk
};

DecodedTile decode_tile(Sm120Op op, std::uint32_t seed, std::uint32_t warp) {
  const MmaShape shape = sm120_shape(op);
  const Sm120OpInfo info = sm120_op_info(op);
  const int bits = 32 / shape.elements_per_reg;
  DecodedTile tile{std::vector<double>(static_cast<std::size_t>(16 * shape.k)),
                   std::vector<double>(static_cast<std::size_t>(shape.k * 8)),
                   {},
                   {}};
  const auto element = [&](std::uint32_t word, int j) {
    const std::uint32_t field = (word >> (j * bits)) & ((1u << bits) - 1u);
    const std::uint32_t code = info.packed_fp4 ? field : mx::code_of_container(info.element, field);
    return mx::decode(info.element, code).value;
  };
  for (int lane = 0; lane < 32; ++lane) {
    for (int r = 0; r < 4; ++r) {
      const std::uint32_t word = sm120_pack_a(op, seed, warp, lane, r);
      for (int j = 0; j < shape.elements_per_reg; ++j) {
        const MatrixCoord at = a_coord(shape, lane, r, j);
        tile.a[static_cast<std::size_t>(at.row * shape.k + at.col)] = element(word, j);
      }
    }
    for (int r = 0; r < 2; ++r) {
      const std::uint32_t word = sm120_pack_b(op, seed, warp, lane, r, false);
      for (int j = 0; j < shape.elements_per_reg; ++j) {
        const MatrixCoord at = b_coord(shape, lane, r, j);
        tile.b[static_cast<std::size_t>(at.row * 8 + at.col)] = element(word, j);
      }
      // -B is B with every sign flipped, nothing else.
      const std::uint32_t negative = sm120_pack_b(op, seed, warp, lane, r, true);
      for (int j = 0; j < shape.elements_per_reg; ++j)
        EXPECT_EQ(element(negative, j), -element(word, j)) << name(op);
    }
  }
  for (const bool of_b : {false, true}) {
    const std::uint32_t word = sm120_scale_word(op, seed, warp, of_b);
    for (int chunk = 0; chunk < info.scale_vec; ++chunk) {
      // Byte `chunk` holds chunk `chunk`'s factor; the other bytes repeat the pattern.
      const double scale = info.block_scaled
                               ? mx::decode_scale(info.scale, (word >> (8 * chunk)) & 0xFFu).value
                               : 1.0;
      (of_b ? tile.scale_b : tile.scale_a).push_back(scale);
      for (int byte = chunk; byte < 4; byte += info.scale_vec)
        EXPECT_EQ((word >> (8 * byte)) & 0xFFu, (word >> (8 * chunk)) & 0xFFu) << name(op);
    }
  }
  return tile;
}

TEST(Sm120Math, TheRegistersDecodeToTheModelsProduct) {
  const std::uint32_t seed = 0x2468u;
  for (const Sm120Op op : kSm120Ops) {
    const int depth = sm120_shape(op).k;
    const int chunks = sm120_op_info(op).scale_vec;
    for (const std::uint32_t warp : {0u, 5u, 1234u}) {
      const DecodedTile tile = decode_tile(op, seed, warp);
      for (int lane = 0; lane < 32; ++lane) {
        for (int e = 0; e < kSm120AccumulatorWords; ++e) {
          const MatrixCoord at = c_coord(lane, e);
          double expected = c_value(seed, warp, 2, at);
          for (int k = 0; k < depth; ++k) {
            const auto chunk = static_cast<std::size_t>(k / (depth / chunks));
            expected += tile.a[static_cast<std::size_t>(at.row * depth + k)] * tile.scale_a[chunk] *
                        tile.b[static_cast<std::size_t>(k * 8 + at.col)] * tile.scale_b[chunk];
          }
          ASSERT_EQ(sm120_accumulator_value(op, seed, warp, lane, 2, e, true), expected)
              << name(op) << " warp " << warp << " lane " << lane << " element " << e;
          const float as_float = static_cast<float>(expected);
          std::uint32_t float_bits = 0;
          static_assert(sizeof float_bits == sizeof as_float);
          std::memcpy(&float_bits, &as_float, sizeof float_bits);
          EXPECT_EQ(static_cast<double>(as_float), expected) << "exact in FP32";
          EXPECT_EQ(sm120_accumulator_word(op, seed, warp, lane, 2, e, true), float_bits);
        }
      }
    }
  }
}

TEST(Sm120Math, TheProductAndTheScalesChangeTheAccumulators) {
  const std::uint32_t seed = 0x77u;
  for (const Sm120Op op : kSm120Ops) {
    int changed = 0;
    for (int lane = 0; lane < 32; ++lane) {
      for (int e = 0; e < 4; ++e) {
        changed += sm120_accumulator_word(op, seed, 3, lane, 0, e, true) !=
                   sm120_accumulator_word(op, seed, 3, lane, 0, e, false);
      }
    }
    EXPECT_GT(changed, 100) << name(op);
    if (!sm120_op_info(op).block_scaled) continue;
    // Across warps, every chunk's factor takes more than one value (so a scale ignored, or one
    // chunk's applied to another, changes some warp's result).
    for (int chunk = 0; chunk < sm120_op_info(op).scale_vec; ++chunk) {
      for (const bool of_b : {false, true}) {
        bool varies = false;
        for (std::uint32_t warp = 1; warp < 16; ++warp) {
          varies |=
              sm120_scale(op, seed, warp, of_b, chunk) != sm120_scale(op, seed, 0, of_b, chunk);
        }
        EXPECT_TRUE(varies) << name(op) << " chunk " << chunk;
      }
    }
  }
}

TEST(Sm120Math, TableModelEqualsThePerWordModel) {
  for (const Sm120Op op : kSm120Ops) {
    for (const std::uint32_t warp : {0u, 77u}) {
      const auto words = sm120_expected_words(op, 0x99u, warp);
      ASSERT_EQ(words.size(), static_cast<std::size_t>(32 * kSm120WordsPerThread));
      for (int lane = 0; lane < 32; ++lane) {
        for (int k = 0; k < kSm120Accumulators; ++k) {
          for (int w = 0; w < kSm120AccumulatorWords; ++w) {
            EXPECT_EQ(words[static_cast<std::size_t>(lane * kSm120WordsPerThread +
                                                     k * kSm120AccumulatorWords + w)],
                      sm120_accumulator_word(op, 0x99u, warp, lane, k, w, true))
                << name(op) << " warp " << warp << " lane " << lane;
          }
        }
      }
    }
  }
}

TEST(Sm120Math, ExactFloatBitsOfDyadicValues) {
  EXPECT_EQ(exact_f32_bits(1.0), 0x3F800000u);
  EXPECT_EQ(exact_f32_bits(-2.0), 0xC0000000u);
  EXPECT_EQ(exact_f32_bits(0.25), 0x3E800000u);
  EXPECT_EQ(exact_f32_bits(-13.75), 0xC15C0000u);
  EXPECT_EQ(exact_f32_bits(0.0), 0u);
}

}  // namespace
}  // namespace gpubench::compute
