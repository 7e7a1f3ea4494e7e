// The SGEMM kernel's index math (kernels/gemm/gemm_tiling.hpp), on the CPU: each thread's
// outputs, the copies of each tile, the transposed and swizzled shared-memory layout, and the bank
// conflicts of its stores and float4 reads.
#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <vector>

#include "kernels/gemm/gemm_tiling.hpp"
#include "support/own_gemm_configs.hpp"
#include "support/smem_bank_model.hpp"

namespace gpubench::gemm {
namespace {

using testing::conflict_free_16b;
using testing::conflict_free_4b;
using testing::describe;
using testing::wavefronts_16b;

TEST(GemmTiling, SgemmThreadsCoverTheBlockTileOnce) {
  for (const SgemmConfig config : kSgemmConfigs) {
    const SgemmTile t = sgemm_tile(config);
    std::vector<int> hits(static_cast<std::size_t>(t.bm * t.bn), 0);
    for (int thread = 0; thread < t.threads(); ++thread) {
      const MatrixCoord origin = sgemm_output(t, thread, 0, 0);
      EXPECT_EQ(origin.row % 4, 0);
      EXPECT_EQ(origin.col % 4, 0);
      for (int i = 0; i < t.thread_m(); ++i) {
        for (int j = 0; j < t.thread_n(); ++j) {
          const MatrixCoord at = sgemm_output(t, thread, i, j);
          ASSERT_TRUE(at.row >= 0 && at.row < t.bm && at.col >= 0 && at.col < t.bn);
          ++hits[static_cast<std::size_t>(at.row * t.bn + at.col)];
          // What the kernel computes from the origin: 4x4 sub-tiles half a warp tile apart.
          EXPECT_EQ(at, (MatrixCoord{origin.row + (i / 4) * (t.warp_m() / 2) + i % 4,
                                     origin.col + (j / 4) * (t.warp_n() / 2) + j % 4}));
        }
      }
    }
    for (const int h : hits)
      EXPECT_EQ(h, 1) << describe(config);
  }
}

TEST(GemmTiling, SgemmCopiesCoverEachTileOnce) {
  for (const SgemmConfig config : kSgemmConfigs) {
    const SgemmTile t = sgemm_tile(config);
    std::vector<int> a_hits(static_cast<std::size_t>(t.bm * t.bk), 0);
    std::vector<int> b_hits(static_cast<std::size_t>(t.bk * t.bn), 0);
    for (int thread = 0; thread < t.threads(); ++thread) {
      for (int copy = 0; copy < t.a_copies_per_thread(); ++copy) {
        const ChunkCoord at = copy_chunk(thread, copy, t.threads(), t.a_chunks_per_row());
        ASSERT_LT(at.row, t.bm);
        for (int j = 0; j < 4; ++j)
          ++a_hits[static_cast<std::size_t>(at.row * t.bk + at.chunk * 4 + j)];
      }
      for (int copy = 0; copy < t.b_copies_per_thread(); ++copy) {
        const ChunkCoord at = copy_chunk(thread, copy, t.threads(), t.b_chunks_per_row());
        ASSERT_LT(at.row, t.bk);
        for (int j = 0; j < 4; ++j)
          ++b_hits[static_cast<std::size_t>(at.row * t.bn + at.chunk * 4 + j)];
      }
    }
    for (const int h : a_hits)
      EXPECT_EQ(h, 1) << describe(config);
    for (const int h : b_hits)
      EXPECT_EQ(h, 1) << describe(config);
  }
}

TEST(GemmTiling, SgemmSharedLayoutIsABijectionWithFloat4Rows) {
  for (const SgemmConfig config : kSgemmConfigs) {
    const SgemmTile t = sgemm_tile(config);
    std::set<int> a_indices;
    for (int kk = 0; kk < t.bk; ++kk) {
      for (int m = 0; m < t.bm; ++m) {
        const int index = sgemm_a_smem_index(t, kk, m);
        ASSERT_TRUE(index >= 0 && index < t.a_stage_floats());
        a_indices.insert(index);
        // The kernel reads 4 consecutive m (from a multiple of 4) as one aligned float4.
        if (m % 4 == 0) {
          EXPECT_EQ(index % 4, 0);
          for (int q = 1; q < 4; ++q)
            EXPECT_EQ(sgemm_a_smem_index(t, kk, m + q), index + q);
        }
      }
    }
    EXPECT_EQ(a_indices.size(), static_cast<std::size_t>(t.a_stage_floats())) << describe(config);
    EXPECT_EQ(sgemm_b_smem_index(t, t.bk - 1, t.bn - 1), t.b_stage_floats() - 1);
  }
}

TEST(GemmTiling, SgemmSharedAccessesAreConflictFree) {
  for (const SgemmConfig config : kSgemmConfigs) {
    const SgemmTile t = sgemm_tile(config);
    for (int warp = 0; warp < t.threads() / 32; ++warp) {
      // The transposing stores of A: for each copy and each of its 4 elements, one 4-byte store
      // per lane.
      for (int copy = 0; copy < t.a_copies_per_thread(); ++copy) {
        for (int j = 0; j < 4; ++j) {
          std::vector<int> words;
          std::vector<int> unswizzled;
          for (int lane = 0; lane < 32; ++lane) {
            const ChunkCoord at =
                copy_chunk(warp * 32 + lane, copy, t.threads(), t.a_chunks_per_row());
            words.push_back(sgemm_a_smem_index(t, at.chunk * 4 + j, at.row));
            unswizzled.push_back((at.chunk * 4 + j) * t.bm + at.row);
          }
          EXPECT_TRUE(conflict_free_4b(words)) << describe(config) << " warp " << warp;
          EXPECT_FALSE(conflict_free_4b(unswizzled)) << "the swizzle should be needed";
        }
      }
      // B's float4 stores.
      for (int copy = 0; copy < t.b_copies_per_thread(); ++copy) {
        std::vector<int> chunks;
        for (int lane = 0; lane < 32; ++lane) {
          const ChunkCoord at =
              copy_chunk(warp * 32 + lane, copy, t.threads(), t.b_chunks_per_row());
          chunks.push_back(sgemm_b_smem_index(t, at.row, at.chunk * 4) / 4);
        }
        EXPECT_TRUE(conflict_free_16b(chunks)) << describe(config);
      }
      // The inner loop's float4 reads: per k and per half, one of A and one of B.
      for (int kk = 0; kk < t.bk; ++kk) {
        for (int h = 0; h < 2; ++h) {
          std::vector<int> a_chunks;
          std::vector<int> b_chunks;
          for (int lane = 0; lane < 32; ++lane) {
            const MatrixCoord origin = sgemm_output(t, warp * 32 + lane, 0, 0);
            a_chunks.push_back(sgemm_a_smem_index(t, kk, origin.row + h * (t.warp_m() / 2)) / 4);
            b_chunks.push_back(sgemm_b_smem_index(t, kk, origin.col + h * (t.warp_n() / 2)) / 4);
          }
          EXPECT_TRUE(conflict_free_16b(a_chunks)) << describe(config) << " k " << kk;
          EXPECT_TRUE(conflict_free_16b(b_chunks)) << describe(config) << " k " << kk;
          EXPECT_EQ(wavefronts_16b(a_chunks), 1) << "4 broadcast vectors";
          EXPECT_EQ(wavefronts_16b(b_chunks), 1) << "8 consecutive vectors";
        }
      }
    }
  }
}

}  // namespace
}  // namespace gpubench::gemm
