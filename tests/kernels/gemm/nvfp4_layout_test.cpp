// The NVFP4 GEMM row's operand layout and reference on the CPU (kernels/gemm/nvfp4_layout.hpp):
// cuBLAS's tiled scale-factor layout against the offsets its documentation gives, the packing of
// E2M1 pairs, and the block-scaled product against hand-computed values. No GPU here: these are
// what checks the layout until a Blackwell card runs Nvfp4GemmGpu.
#include "kernels/gemm/nvfp4_layout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "model/gemm_plan.hpp"

namespace gpubench::gemm {
namespace {

// nvmath-python's get_block_scale_offset, which follows cuBLAS's "1D Block Scaling Factors
// Layout": a 128 x 128 NVFP4 operand (8 K blocks), (row 5, block 2) -> 82, (row 5, block 5) -> 593.
TEST(Nvfp4Layout, ScaleOffsetsAreTheDocumentedOnes) {
  EXPECT_EQ(nvfp4_scale_offset(5, 2, 128), 82);
  EXPECT_EQ(nvfp4_scale_offset(5, 5, 128), 593);
  // Inside a tile: row r at (r mod 32) x 16 + (r div 32) x 4, the block's column innermost.
  EXPECT_EQ(nvfp4_scale_offset(0, 0, 128), 0);
  EXPECT_EQ(nvfp4_scale_offset(0, 3, 128), 3);
  EXPECT_EQ(nvfp4_scale_offset(1, 0, 128), 16);
  EXPECT_EQ(nvfp4_scale_offset(32, 0, 128), 4);
  EXPECT_EQ(nvfp4_scale_offset(127, 3, 128), 31 * 16 + 3 * 4 + 3);
  // The tiles along K are adjacent; the next 128 rows follow all of a row's tiles.
  EXPECT_EQ(nvfp4_scale_offset(0, 4, 128), 512);
  EXPECT_EQ(nvfp4_scale_offset(128, 0, 128), 2 * 512);
  EXPECT_EQ(nvfp4_scale_offset(128, 0, 16 * 9), 3 * 512) << "9 blocks pad to 3 tiles";
}

TEST(Nvfp4Layout, ScaleTensorPadsToWholeTiles) {
  EXPECT_EQ(nvfp4_scale_bytes(1, 16), 512);
  EXPECT_EQ(nvfp4_scale_bytes(128, 64), 512);
  EXPECT_EQ(nvfp4_scale_bytes(129, 64), 1024);
  EXPECT_EQ(nvfp4_scale_bytes(128, 80), 1024) << "5 blocks pad to 8";
  EXPECT_EQ(nvfp4_scale_bytes(4096, 4096), 4096 * 256);
  EXPECT_EQ(nvfp4_data_bytes(4096, 4096), 4096 * 2048);
}

// Every (row, block) of a padded operand lands on its own byte of the tensor.
TEST(Nvfp4Layout, ScaleOffsetsAreABijectionOntoThePaddedTensor) {
  for (const auto& [rows, k] : {std::pair<std::int64_t, std::int64_t>{256, 128}, {384, 16 * 12}}) {
    std::set<std::int64_t> seen;
    for (std::int64_t row = 0; row < rows; ++row) {
      for (std::int64_t block = 0; block < k / kNvfp4BlockElements; ++block) {
        const std::int64_t offset = nvfp4_scale_offset(row, block, k);
        ASSERT_GE(offset, 0);
        ASSERT_LT(offset, nvfp4_scale_bytes(rows, k));
        ASSERT_TRUE(seen.insert(offset).second) << row << ", " << block;
      }
    }
    EXPECT_EQ(static_cast<std::int64_t>(seen.size()), nvfp4_scale_bytes(rows, k));
  }
}

// Two E2M1 codes a byte, the even element low (cuda_fp4.h's pair order), rows K-major.
TEST(Nvfp4Layout, ElementsArePackedLowNibbleFirst) {
  const std::uint8_t data[] = {0x21, 0x43, 0x65, 0x87};  // row 0: 1, 2, 3, 4; row 1: 5, 6, 7, 8
  EXPECT_EQ(nvfp4_code(data, 0, 0, 4), 0x1u);
  EXPECT_EQ(nvfp4_code(data, 0, 1, 4), 0x2u);
  EXPECT_EQ(nvfp4_code(data, 0, 3, 4), 0x4u);
  EXPECT_EQ(nvfp4_code(data, 1, 0, 4), 0x5u);
  EXPECT_EQ(nvfp4_code(data, 1, 3, 4), 0x8u);
}

// A 1 x 32 by 1 x 32 product worked by hand: A is all 1.0 (code 0x2) with scales 2 (block 0) and
// 1/2 (block 1); B is all 2.0 (code 0x4) with scale 1: 16 x (1 x 2)(2 x 1) + 16 x (1 x 1/2)(2 x 1)
// = 64 + 16 = 80. A negative element (code 0xA, -1.0) and a 3/2 scale change it as they should.
TEST(Nvfp4Layout, TheBlockScaledProductMatchesAHandComputedOne) {
  std::vector<std::uint8_t> a(16, 0x22), b(16, 0x44), a_scales(512, 0), b_scales(512, 0x38);
  a_scales[static_cast<std::size_t>(nvfp4_scale_offset(0, 0, 32))] = 0x40;  // 2
  a_scales[static_cast<std::size_t>(nvfp4_scale_offset(0, 1, 32))] = 0x30;  // 1/2
  EXPECT_EQ(nvfp4_dot(a.data(), a_scales.data(), b.data(), b_scales.data(), 0, 0, 32), 80.0);
  a[0] = 0x2A;  // element 0 is now -1: 80 - 2 x (1 x 2 x 2 x 1) = 72
  EXPECT_EQ(nvfp4_dot(a.data(), a_scales.data(), b.data(), b_scales.data(), 0, 0, 32), 72.0);
  b_scales[static_cast<std::size_t>(nvfp4_scale_offset(0, 1, 32))] = 0x3C;  // 3/2: block 1 x 1.5
  EXPECT_EQ(nvfp4_dot(a.data(), a_scales.data(), b.data(), b_scales.data(), 0, 0, 32), 80.0);
  // Element values through the shared E2M1 model: 0x1 = 0.5, 0x7 = 6, 0xF = -6.
  const std::uint8_t pair[] = {0x71, 0x0F};
  const std::uint8_t one[512] = {0x38};
  EXPECT_EQ(nvfp4_value(pair, one, 0, 0, 4), 0.5);
  EXPECT_EQ(nvfp4_value(pair, one, 0, 1, 4), 6.0);
  EXPECT_EQ(nvfp4_value(pair, one, 0, 2, 4), -6.0);
}

// ue4m3's NaN (0x7F; 0xFF too, its sign bit ignored) scales a block to NaN (review item 6), so a
// reference read from a NaN scale cannot pass as 0.
TEST(Nvfp4Layout, ANanScaleMakesTheBlockNan) {
  const std::uint8_t pair[] = {0x22, 0x22};
  std::uint8_t scales[512] = {0x7F};
  EXPECT_TRUE(std::isnan(nvfp4_value(pair, scales, 0, 0, 4)));
  scales[0] = 0xFF;
  EXPECT_TRUE(std::isnan(nvfp4_value(pair, scales, 0, 1, 4)));
  scales[0] = 0x38;
  EXPECT_EQ(nvfp4_value(pair, scales, 0, 0, 4), 1.0);
}

TEST(Nvfp4Layout, FillUsesEveryCodeAndTheFourScales) {
  std::set<std::uint32_t> codes, scales;
  for (std::int64_t i = 0; i < 4096; ++i) {
    codes.insert(nvfp4_fill_byte(1, i) & 0xFu);
    codes.insert(static_cast<std::uint32_t>(nvfp4_fill_byte(1, i) >> 4));
    scales.insert(nvfp4_fill_scale(1, i));
  }
  EXPECT_EQ(codes.size(), 16u);
  EXPECT_EQ(scales, (std::set<std::uint32_t>{0x30, 0x38, 0x3C, 0x40}));
}

// The suite's tolerance tells a right scale layout from a wrong one: the suite's inputs read with
// the scales row-major (a filler that ignored the tiling) err by far more than the bound, while
// the tiled read is the reference itself.
TEST(Nvfp4Layout, AWrongScaleLayoutFailsTheSuitesTolerance) {
  constexpr std::int64_t m = 128, n = 32, k = 256;
  std::vector<std::uint8_t> a(nvfp4_data_bytes(m, k)), b(nvfp4_data_bytes(n, k));
  std::vector<std::uint8_t> sa(nvfp4_scale_bytes(m, k)), sb(nvfp4_scale_bytes(n, k));
  for (std::size_t i = 0; i < a.size(); ++i)
    a[i] = nvfp4_fill_byte(7, static_cast<std::int64_t>(i));
  for (std::size_t i = 0; i < b.size(); ++i)
    b[i] = nvfp4_fill_byte(8, static_cast<std::int64_t>(i));
  for (std::size_t i = 0; i < sa.size(); ++i)
    sa[i] = nvfp4_fill_scale(7, static_cast<std::int64_t>(i));
  for (std::size_t i = 0; i < sb.size(); ++i)
    sb[i] = nvfp4_fill_scale(8, static_cast<std::int64_t>(i));
  const auto row_major = [&](const std::vector<std::uint8_t>& data,
                             const std::vector<std::uint8_t>& scales, std::int64_t row,
                             std::int64_t kk) {
    const double element = mx::decode(mx::Format::kE2m1, nvfp4_code(data.data(), row, kk, k)).value;
    const std::uint32_t code =
        scales[static_cast<std::size_t>(row * (k / kNvfp4BlockElements) + kk / 16)];
    return element * mx::decode_scale(mx::ScaleFormat::kUe4m3, code).value;
  };
  double error = 0, norm = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      const double ref = nvfp4_dot(a.data(), sa.data(), b.data(), sb.data(), i, j, k);
      double wrong = 0;
      for (std::int64_t kk = 0; kk < k; ++kk)
        wrong += row_major(a, sa, i, kk) * row_major(b, sb, j, kk);
      error += (wrong - ref) * (wrong - ref);
      norm += ref * ref;
    }
  }
  const double tolerance = gemm_tolerance(GemmPrecision::kNvfp4, k);
  EXPECT_GT(std::sqrt(error / norm), 10 * tolerance);
}

}  // namespace
}  // namespace gpubench::gemm
