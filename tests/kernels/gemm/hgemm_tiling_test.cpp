// The HGEMM kernel's index math (kernels/gemm/gemm_tiling.hpp), on the CPU: the swizzle, the
// cp.async copies of each tile (coverage, coalescing, bank conflicts), the ldmatrix addresses
// against the PTX ISA fragment layouts of mma.m16n8k16, and the warps' and lanes' outputs.
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
using testing::describe;
using testing::kHgemmConfigs;
using testing::kM16N8K16;

TEST(GemmTiling, SwizzleIsABijectionOnEveryRow) {
  for (const int chunks_per_row : {2, 4, 8, 16, 32}) {
    for (int row = 0; row < 64; ++row) {
      std::set<int> physical;
      for (int chunk = 0; chunk < chunks_per_row; ++chunk) {
        const int p = swizzle_chunk(row, chunk, chunks_per_row);
        ASSERT_TRUE(p >= 0 && p < chunks_per_row);
        physical.insert(swizzled_chunk_index(row, chunk, chunks_per_row));
      }
      EXPECT_EQ(physical.size(), static_cast<std::size_t>(chunks_per_row));
      EXPECT_EQ(*physical.begin(), row * chunks_per_row);
    }
  }
}

// The 8 rows an ldmatrix phase reads (8 consecutive rows from a multiple of 8, one logical chunk
// column) land in 8 distinct bank groups, for every chunk column and row-block.
TEST(GemmTiling, SwizzledColumnsOfEightRowsHitEightBankGroups) {
  for (const int chunks_per_row : {2, 4, 8, 16, 32}) {
    for (int row0 = 0; row0 < 64; row0 += 8) {
      for (int chunk = 0; chunk < chunks_per_row; ++chunk) {
        std::set<int> groups;
        for (int r = row0; r < row0 + 8; ++r)
          groups.insert(swizzled_chunk_index(r, chunk, chunks_per_row) % 8);
        EXPECT_EQ(groups.size(), 8u) << chunks_per_row << " chunks per row, rows " << row0;
      }
    }
  }
  // Without the swizzle a 64-byte-row tile (bk = 32 halves) would put 8 rows in 2 groups.
  std::set<int> unswizzled;
  for (int r = 0; r < 8; ++r)
    unswizzled.insert((r * 4 + 1) % 8);
  EXPECT_EQ(unswizzled.size(), 2u);
}

TEST(GemmTiling, HgemmCopiesCoverEachTileOnceCoalescedAndConflictFree) {
  for (const HgemmConfig config : kHgemmConfigs) {
    const HgemmTile t = hgemm_tile(config);
    const struct {
      int rows, chunks_per_row, copies;
    } operands[] = {{t.bm, t.a_chunks_per_row(), t.a_copies_per_thread()},
                    {t.bk, t.b_chunks_per_row(), t.b_copies_per_thread()}};
    for (const auto& op : operands) {
      std::vector<int> hits(static_cast<std::size_t>(op.rows * op.chunks_per_row), 0);
      for (int copy = 0; copy < op.copies; ++copy) {
        for (int warp = 0; warp < t.warps(); ++warp) {
          std::vector<int> stored;
          for (int lane = 0; lane < 32; ++lane) {
            const ChunkCoord at =
                copy_chunk(warp * 32 + lane, copy, t.threads(), op.chunks_per_row);
            ASSERT_TRUE(at.row >= 0 && at.row < op.rows) << describe(config);
            ++hits[static_cast<std::size_t>(at.row * op.chunks_per_row + at.chunk)];
            // Coalesced: lane l reads the l-th chunk after lane 0's in row-major order.
            const ChunkCoord first = copy_chunk(warp * 32, copy, t.threads(), op.chunks_per_row);
            EXPECT_EQ(at.row * op.chunks_per_row + at.chunk,
                      first.row * op.chunks_per_row + first.chunk + lane);
            stored.push_back(swizzled_chunk_index(at.row, at.chunk, op.chunks_per_row));
            // The cp.async path steps one pointer per thread down the tile.
            const ChunkCoord own_first =
                copy_chunk(warp * 32 + lane, 0, t.threads(), op.chunks_per_row);
            EXPECT_EQ(at, (ChunkCoord{
                              own_first.row + copy * copy_row_step(t.threads(), op.chunks_per_row),
                              own_first.chunk}));
          }
          EXPECT_TRUE(conflict_free_16b(stored)) << describe(config) << " copy " << copy;
        }
      }
      for (const int h : hits)
        EXPECT_EQ(h, 1) << describe(config);
    }
  }
}

// Matrix q of an ldmatrix.x4 is addressed by lanes 8q..8q+7; each lane's register q gets two
// elements of it (ldmatrix_element). Combined with the row sources, that must give exactly the
// mma.m16n8k16 A and B fragments of mma_layout.hpp (themselves checked against the PTX ISA).
TEST(GemmTiling, LdmatrixDeliversTheMmaFragments) {
  for (int lane = 0; lane < 32; ++lane) {
    for (int q = 0; q < 4; ++q) {
      for (int e = 0; e < 2; ++e) {
        const MatrixCoord in_a = ldmatrix_element(lane, e, false);
        const ChunkCoord a_src = ldmatrix_a_source(8 * q + in_a.row);
        const MatrixCoord a_at{a_src.row, a_src.chunk * 8 + in_a.col};
        EXPECT_EQ(a_at, mma::a_coord(kM16N8K16, lane, q, e)) << lane << " " << q << " " << e;

        const MatrixCoord in_b = ldmatrix_element(lane, e, true);
        const ChunkCoord b_src = ldmatrix_b_trans_source(8 * q + in_b.row);
        const MatrixCoord b_at{b_src.row, b_src.chunk * 8 + in_b.col};  // (k, n) in k16 x n16
        const MatrixCoord expected = mma::b_coord(kM16N8K16, lane, q % 2, e);
        EXPECT_EQ(b_at, (MatrixCoord{expected.row, expected.col + 8 * (q / 2)}))
            << lane << " " << q << " " << e;
      }
    }
  }
}

TEST(GemmTiling, HgemmLdmatrixPhasesAreConflictFree) {
  for (const HgemmConfig config : kHgemmConfigs) {
    const HgemmTile t = hgemm_tile(config);
    for (int warp = 0; warp < t.warps(); ++warp) {
      const MatrixCoord origin = hgemm_warp_origin(t, warp);
      for (int ks = 0; ks < t.k_steps(); ++ks) {
        for (int mi = 0; mi < t.mma_tiles_m(); ++mi) {
          for (int q = 0; q < 4; ++q) {
            std::vector<int> phase;
            for (int lane = 8 * q; lane < 8 * q + 8; ++lane) {
              const ChunkCoord src = ldmatrix_a_source(lane);
              const int index = swizzled_chunk_index(origin.row + mi * 16 + src.row,
                                                     ks * 2 + src.chunk, t.a_chunks_per_row());
              ASSERT_LT(index, t.a_chunks());
              phase.push_back(index % 8);
            }
            EXPECT_EQ(std::set<int>(phase.begin(), phase.end()).size(), 8u)
                << describe(config) << " A warp " << warp << " mi " << mi << " phase " << q;
          }
        }
        for (int nj = 0; nj < t.mma_tiles_n() / 2; ++nj) {
          for (int q = 0; q < 4; ++q) {
            std::vector<int> phase;
            for (int lane = 8 * q; lane < 8 * q + 8; ++lane) {
              const ChunkCoord src = ldmatrix_b_trans_source(lane);
              const int index = swizzled_chunk_index(
                  ks * 16 + src.row, (origin.col + nj * 16) / 8 + src.chunk, t.b_chunks_per_row());
              ASSERT_LT(index, t.b_chunks());
              phase.push_back(index % 8);
            }
            EXPECT_EQ(std::set<int>(phase.begin(), phase.end()).size(), 8u)
                << describe(config) << " B warp " << warp << " nj " << nj << " phase " << q;
          }
        }
      }
    }
  }
}

TEST(GemmTiling, HgemmWarpsAndLanesCoverTheBlockTileOnce) {
  for (const HgemmConfig config : kHgemmConfigs) {
    const HgemmTile t = hgemm_tile(config);
    std::vector<int> hits(static_cast<std::size_t>(t.bm * t.bn), 0);
    for (int warp = 0; warp < t.warps(); ++warp) {
      for (int lane = 0; lane < 32; ++lane) {
        for (int mi = 0; mi < t.mma_tiles_m(); ++mi) {
          for (int ni = 0; ni < t.mma_tiles_n(); ++ni) {
            for (int e = 0; e < 4; ++e) {
              const MatrixCoord at = hgemm_output(t, warp, lane, mi, ni, e);
              ASSERT_TRUE(at.row >= 0 && at.row < t.bm && at.col >= 0 && at.col < t.bn);
              ++hits[static_cast<std::size_t>(at.row * t.bn + at.col)];
            }
            // The epilogue stores elements (0, 1) and (2, 3) as pairs of adjacent columns.
            for (int pair = 0; pair < 2; ++pair) {
              const MatrixCoord first = hgemm_output(t, warp, lane, mi, ni, 2 * pair);
              const MatrixCoord second = hgemm_output(t, warp, lane, mi, ni, 2 * pair + 1);
              EXPECT_EQ(second, (MatrixCoord{first.row, first.col + 1}));
              EXPECT_EQ(first.col % 2, 0);
            }
          }
        }
      }
    }
    for (const int h : hits)
      EXPECT_EQ(h, 1) << describe(config);
  }
}

}  // namespace
}  // namespace gpubench::gemm
