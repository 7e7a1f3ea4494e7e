// The index math the own GEMM kernels share (kernels/gemm/gemm_tiling.hpp), on the CPU: the tile
// configurations and the architectures that get each, the block rasterization, and the bank model
// the layout tests of hgemm_tiling_test.cpp and sgemm_tiling_test.cpp judge conflicts with. The
// CPU models of the kernels are in gemm_model_test.cpp.
#include "kernels/gemm/gemm_tiling.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <iterator>
#include <set>
#include <utility>
#include <vector>

#include "support/own_gemm_configs.hpp"
#include "support/smem_bank_model.hpp"

namespace gpubench::gemm {
namespace {

using testing::conflict_free_16b;
using testing::conflict_free_4b;
using testing::describe;
using testing::kHgemmConfigs;
using testing::wavefronts_16b;

TEST(GemmBankModel, TellsConflictsFromBroadcastsAndFullWarps) {
  std::vector<int> consecutive(32);
  for (int i = 0; i < 32; ++i)
    consecutive[static_cast<std::size_t>(i)] = i;
  EXPECT_TRUE(conflict_free_16b(consecutive));  // 4 wavefronts for 512 bytes: the minimum
  EXPECT_TRUE(conflict_free_4b(consecutive));
  EXPECT_TRUE(conflict_free_4b(std::vector<int>(32, 5)));  // broadcast
  std::vector<int> strided(8);
  for (int i = 0; i < 8; ++i)
    strided[static_cast<std::size_t>(i)] = 8 * i;  // 128-byte stride: one bank group
  EXPECT_FALSE(conflict_free_16b(strided));
  EXPECT_EQ(wavefronts_16b(strided), 8);
  EXPECT_FALSE(conflict_free_4b({0, 32}));
}

// --- basics

TEST(GemmTiling, CeilDivAndValidElements) {
  EXPECT_EQ(ceil_div(1, 128), 1);
  EXPECT_EQ(ceil_div(128, 128), 1);
  EXPECT_EQ(ceil_div(129, 128), 2);
  EXPECT_EQ(ceil_div(8191, 32), 256);
  EXPECT_EQ(valid_elements(0, 0, 1, 1, 8), 1);
  EXPECT_EQ(valid_elements(0, 8, 3, 13, 8), 5);
  EXPECT_EQ(valid_elements(0, 16, 3, 13, 8), 0);
  EXPECT_EQ(valid_elements(3, 0, 3, 13, 8), 0);
  EXPECT_EQ(valid_elements(2, 4, 3, 13, 4), 4);
  EXPECT_EQ(valid_elements(-1, 0, 3, 13, 4), 0);
}

TEST(GemmTiling, ConfigsDivideEvenlyAndFitSharedMemory) {
  for (const HgemmConfig config : kHgemmConfigs) {
    const HgemmTile t = hgemm_tile(config);
    EXPECT_TRUE(t.valid()) << describe(config);
    EXPECT_LE(t.threads(), 1024) << describe(config);
    // sm_86 / sm_89 allow 99 KiB of shared memory per block (sm_80 163 KiB, sm_90 227 KiB), so
    // every config runs everywhere; tests use that to run each on whatever card they have.
    EXPECT_LE(t.smem_bytes(), 99 * 1024) << describe(config);
  }
  EXPECT_EQ(hgemm_tile(HgemmConfig::k128x128x32Stages3).smem_bytes(), 48 * 1024);
  EXPECT_EQ(hgemm_tile(HgemmConfig::k128x256x32Stages4).smem_bytes(), 96 * 1024);
  EXPECT_EQ(hgemm_tile(HgemmConfig::kFallback128x128x32).smem_bytes(), 32 * 1024);
  for (const SgemmConfig config : kSgemmConfigs) {
    const SgemmTile t = sgemm_tile(config);
    EXPECT_TRUE(t.valid()) << describe(config);
    EXPECT_EQ(t.threads() % 32, 0) << describe(config);
    EXPECT_LE(t.threads(), 1024) << describe(config);
    EXPECT_EQ(t.stages, 2) << describe(config) << ": double-buffered";
    EXPECT_LE(t.smem_bytes(), 48 * 1024) << describe(config) << ": static shared memory";
    // What __launch_bounds__ leaves a thread must hold the accumulators, fragments and prefetch
    // registers, or ptxas spills (the SASS audit would then fail on local memory).
    EXPECT_LE(t.registers_needed(), t.register_budget()) << describe(config);
    EXPECT_GE(t.register_budget(), 128) << describe(config) << ": room for address math";
  }
  EXPECT_EQ(sgemm_tile(SgemmConfig::k128x128x8).smem_bytes(), 16 * 1024);
  EXPECT_EQ(sgemm_tile(SgemmConfig::k128x64x8).smem_bytes(), 12 * 1024);
  EXPECT_EQ(sgemm_tile(SgemmConfig::k128x64x8).threads(), 128);
  EXPECT_EQ(sgemm_tile(SgemmConfig::k64x64x8).threads(), 64);
  EXPECT_EQ(sgemm_tile(SgemmConfig::k128x128x8).register_budget(), 128);
  // A register-hungry hypothetical tile does not fit: the check can fail.
  SgemmTile greedy = sgemm_tile(SgemmConfig::k128x128x8);
  greedy.min_blocks_per_sm = 4;
  EXPECT_GT(greedy.registers_needed(), greedy.register_budget());
}

TEST(GemmTiling, SgemmConfigsAreDistinctAndListedOnce) {
  std::set<std::array<int, 3>> tiles;
  for (const SgemmConfig config : kSgemmConfigs) {
    const SgemmTile t = sgemm_tile(config);
    tiles.insert({t.bm, t.bn, t.bk});
  }
  EXPECT_EQ(tiles.size(), static_cast<std::size_t>(kSgemmConfigCount));
  EXPECT_EQ(std::size(kSgemmConfigs), static_cast<std::size_t>(kSgemmConfigCount));
  for (int i = 0; i < kSgemmConfigCount; ++i)
    EXPECT_EQ(static_cast<int>(kSgemmConfigs[i]), i);
}

TEST(GemmTiling, ConfigPerArchitecture) {
  EXPECT_FALSE(hgemm_supported(75));
  for (const int sm : {80, 86, 87, 89, 90, 100, 120})
    EXPECT_TRUE(hgemm_supported(sm)) << sm;
  EXPECT_EQ(hgemm_config_for_sm(89), HgemmConfig::k128x128x32Stages3);
  EXPECT_EQ(hgemm_config_for_sm(86), HgemmConfig::k128x128x32Stages3);
  EXPECT_EQ(hgemm_config_for_sm(80), HgemmConfig::k128x256x32Stages4);
  EXPECT_EQ(hgemm_config_for_sm(90), HgemmConfig::k128x256x32Stages4);
  EXPECT_EQ(sgemm_config_for_sm(75), SgemmConfig::k128x128x8);
  EXPECT_EQ(sgemm_config_for_sm(89), SgemmConfig::k128x128x8);
  EXPECT_EQ(sgemm_config_for_sm(80), SgemmConfig::k128x128x16);
  EXPECT_EQ(sgemm_config_for_sm(90), SgemmConfig::k128x128x16);
}

// --- blocks

TEST(GemmTiling, BlockRasterizationCoversTheTileGridOnce) {
  const std::pair<int, int> grids[] = {{1, 1}, {1, 7},  {7, 1},  {3, 5},  {8, 8},
                                       {9, 2}, {17, 3}, {64, 1}, {1, 64}, {13, 11}};
  for (const auto& [tiles_m, tiles_n] : grids) {
    std::set<std::pair<int, int>> seen;
    for (int block = 0; block < tiles_m * tiles_n; ++block) {
      const MatrixCoord t = block_tile(block, tiles_m, tiles_n, kBlockGroupM);
      ASSERT_TRUE(t.row >= 0 && t.row < tiles_m && t.col >= 0 && t.col < tiles_n)
          << tiles_m << "x" << tiles_n << " block " << block;
      EXPECT_TRUE(seen.insert({t.row, t.col}).second) << tiles_m << "x" << tiles_n;
    }
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(tiles_m * tiles_n));
  }
  // Grouped order: the first blocks walk down a group of kBlockGroupM tile rows.
  EXPECT_EQ(block_tile(1, 16, 16, 8).row, 1);
  EXPECT_EQ(block_tile(1, 16, 16, 8).col, 0);
  EXPECT_EQ(block_tile(8, 16, 16, 8).col, 1);
}

}  // namespace
}  // namespace gpubench::gemm
