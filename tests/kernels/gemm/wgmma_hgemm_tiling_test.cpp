// The Hopper HGEMM's geometry (kernels/gemm/wgmma_hgemm_tiling.hpp): stages, TMA boxes and the
// wgmma descriptors of each slice.
#include "kernels/gemm/wgmma_hgemm_tiling.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "kernels/common/wgmma_layout.hpp"
#include "support/wgmma_model.hpp"

namespace gpubench {
namespace {

namespace hopper = gemm::hopper;
using testing::decode;
using testing::tma_written;
using testing::wgmma_reads_k_major;
using testing::wgmma_reads_mn_major;

TEST(WgmmaHgemmTiling, StagesFitAndStayAtomAligned) {
  EXPECT_EQ(hopper::kAStageBytes, 16 * 1024);
  EXPECT_EQ(hopper::kBStageBytes, 32 * 1024);
  // Also with the 1 KiB that cuobjdump --dump-resource-usage reports as the kernel's SHARED
  // (sm_90's reserved shared memory per block): the staging buffers leave 896 bytes.
  EXPECT_LE(hopper::kSmemBytes + 1024, 227 * 1024)
      << "over the per-block opt-in shared memory of sm_90";
  for (int s = 0; s < hopper::kStages; ++s) {
    EXPECT_EQ(hopper::a_stage_offset(s) % 1024, 0u);
    for (int p = 0; p < hopper::kPanels; ++p) {
      EXPECT_EQ(hopper::b_panel_offset(s, p) % 1024, 0u);
      EXPECT_EQ(hopper::b_panel_offset(s, p), hopper::a_stage_offset(s) + 16 * 1024 + p * 8192u);
    }
    EXPECT_EQ(hopper::a_stage_offset(s) + static_cast<std::uint32_t>(hopper::kStageBytes),
              s + 1 < hopper::kStages ? hopper::a_stage_offset(s + 1) : hopper::barrier_offset(0));
  }
  EXPECT_EQ(hopper::barrier_offset(0) % 8, 0u);
  EXPECT_LE(hopper::barrier_offset(2 * hopper::kStages - 1) + 8 + 1024,
            static_cast<std::uint32_t>(hopper::kSmemBytes));
  EXPECT_EQ(hopper::stage_transaction_bytes(), 48u * 1024);  // five full boxes, even at the edges
  EXPECT_EQ(hopper::kThreads, 384);
}

// The epilogue's staging buffers lie after the barriers, apart from each other and from every
// stage (the producer loads the next tile while the consumers store), 16-byte aligned for the
// read-out's 16-byte loads, inside the allocation.
TEST(WgmmaHgemmTiling, StagingBuffersAliasNothing) {
  EXPECT_EQ(hopper::kStagingBytes, 16 * 1024);
  EXPECT_GE(hopper::staging_buffer_offset(0), hopper::barrier_offset(2 * hopper::kStages - 1) + 8);
  for (int consumer = 0; consumer < hopper::kConsumers; ++consumer) {
    EXPECT_EQ(hopper::staging_buffer_offset(consumer) % 128, 0u);
    if (consumer > 0) {
      EXPECT_EQ(hopper::staging_buffer_offset(consumer),
                hopper::staging_buffer_offset(consumer - 1) + hopper::kStagingBytes);
    }
  }
  EXPECT_LE(hopper::staging_buffer_offset(hopper::kConsumers - 1) + hopper::kStagingBytes + 1024,
            static_cast<std::uint32_t>(hopper::kSmemBytes));
}

TEST(WgmmaHgemmTiling, TmaBoxesCoverTheBlockTile) {
  // Block (row 2, col 3), k tile 5: A box at k = 320, m = 256; B panels at n = 768 + 64p, k = 320.
  EXPECT_EQ(hopper::a_box(2, 5).inner, 320);
  EXPECT_EQ(hopper::a_box(2, 5).outer, 256);
  for (int p = 0; p < hopper::kPanels; ++p) {
    EXPECT_EQ(hopper::b_box(3, 5, p).inner, 768 + 64 * p);
    EXPECT_EQ(hopper::b_box(3, 5, p).outer, 320);
  }
  EXPECT_TRUE(hopper::tma_shape_ok(8, 16));
  EXPECT_FALSE(hopper::tma_shape_ok(12, 16));
  EXPECT_FALSE(hopper::tma_shape_ok(8, 20));
}

// Each descriptor's start address is where its slice's first element lies (the swizzle leaves
// row 0 of A and every 8th k row of B in place), and every element of the tile lies in its own
// bytes of the stage.
TEST(WgmmaHgemmTiling, DescriptorsPointAtTheirSlices) {
  const std::uint32_t stages = 0x400;  // a 1024-aligned shared address
  for (int stage = 0; stage < hopper::kStages; ++stage) {
    for (int slice = 0; slice < hopper::kKSlices; ++slice) {
      for (int consumer = 0; consumer < hopper::kConsumers; ++consumer) {
        const std::uint64_t a = hopper::a_descriptor(stages, stage, consumer, slice);
        EXPECT_EQ((a & 0x3FFF) << 4, stages + hopper::a_stage_offset(stage) +
                                         hopper::a_element_offset(64 * consumer, 16 * slice));
        EXPECT_EQ(a >> 62, 1u);
      }
      const std::uint64_t b = hopper::b_descriptor(stages, stage, slice);
      EXPECT_EQ((b & 0x3FFF) << 4,
                stages + hopper::a_stage_offset(stage) + hopper::b_element_offset(16 * slice, 0));
      EXPECT_EQ(((b >> 16) & 0x3FFF) << 4, 8192u) << "LBO: the stride between 64-wide n panels";
      EXPECT_EQ(((b >> 32) & 0x3FFF) << 4, 1024u) << "SBO: the stride between 8-deep k atoms";
    }
  }
  std::set<std::uint32_t> bytes;
  for (int row = 0; row < hopper::kBlockM; ++row) {
    for (int k = 0; k < hopper::kBlockK; ++k) {
      const std::uint32_t at = hopper::a_element_offset(row, k);
      ASSERT_LT(at + 1, static_cast<std::uint32_t>(hopper::kAStageBytes));
      bytes.insert(at);
    }
  }
  for (int k = 0; k < hopper::kBlockK; ++k) {
    for (int n = 0; n < hopper::kBlockN; ++n) {
      const std::uint32_t at = hopper::b_element_offset(k, n);
      ASSERT_GE(at, static_cast<std::uint32_t>(hopper::kAStageBytes));
      ASSERT_LT(at + 1, static_cast<std::uint32_t>(hopper::kStageBytes));
      bytes.insert(at);
    }
  }
  EXPECT_EQ(bytes.size(), static_cast<std::size_t>(hopper::kBlockM * hopper::kBlockK +
                                                   hopper::kBlockK * hopper::kBlockN));
}

// Every element each wgmma of each stage reads is the one TMA wrote there: A rows of the consumer's
// 64, B columns of all 256, for each 16-deep slice.
TEST(WgmmaHgemmTiling, WgmmaReadsWhatTmaWrote) {
  const std::uint32_t stages = 0x2400;  // 1024-aligned
  for (int stage = 0; stage < hopper::kStages; ++stage) {
    const std::uint32_t a_base = stages + hopper::a_stage_offset(stage);
    for (int slice = 0; slice < hopper::kKSlices; ++slice) {
      for (int consumer = 0; consumer < hopper::kConsumers; ++consumer) {
        const std::uint64_t a = hopper::a_descriptor(stages, stage, consumer, slice);
        for (int row = 0; row < wgmma::kWgmmaM; ++row) {
          for (int k = 0; k < 16; ++k) {
            const int block_row = consumer * wgmma::kWgmmaM + row;
            ASSERT_EQ(wgmma_reads_k_major(a, row, k),
                      tma_written(a_base, block_row, 2 * (16 * slice + k)))
                << "A stage " << stage << " slice " << slice << " row " << block_row << " k " << k;
          }
        }
      }
      const std::uint64_t b = hopper::b_descriptor(stages, stage, slice);
      for (int k = 0; k < 16; ++k) {
        for (int n = 0; n < hopper::kBlockN; ++n) {
          const std::uint32_t panel_base =
              stages + hopper::b_panel_offset(stage, n / hopper::kPanelN);
          ASSERT_EQ(wgmma_reads_mn_major(b, k, n),
                    tma_written(panel_base, 16 * slice + k, 2 * (n % hopper::kPanelN)))
              << "B stage " << stage << " slice " << slice << " k " << k << " n " << n;
        }
      }
    }
  }
}

// The same check must fail for the descriptor a reader is most tempted to write: LBO and SBO
// swapped in the MN-major B.
TEST(WgmmaHgemmTiling, SwappedLboAndSboReadOtherElements) {
  const std::uint32_t stages = 0x2400;
  const std::uint64_t right = hopper::b_descriptor(stages, 0, 0);
  const testing::DecodedDescriptor d = decode(right);
  const std::uint64_t swapped =
      wgmma::matrix_descriptor(d.start, d.sbo, d.lbo, wgmma::SmemLayout::kSwizzle128);
  int differing = 0;
  for (int k = 0; k < 16; ++k) {
    for (int n = 0; n < hopper::kBlockN; ++n) {
      differing += wgmma_reads_mn_major(swapped, k, n) != wgmma_reads_mn_major(right, k, n) ? 1 : 0;
    }
  }
  EXPECT_GT(differing, 16 * hopper::kBlockN / 2);
}

// Clusters: the blocks of every cluster together compute each tile of the grid exactly once, the
// two blocks of a cluster on vertically adjacent tiles of one column (so they read the same B);
// only the second block of a cluster on an odd last tile row falls below the matrix.
TEST(WgmmaHgemmTiling, ClustersCoverTheTileGridOnce) {
  for (const int cluster_m : {1, 2}) {
    for (const auto& [tiles_m, tiles_n] :
         std::vector<std::pair<int, int>>{{1, 1}, {3, 5}, {8, 3}, {17, 4}, {32, 16}}) {
      std::set<std::pair<int, int>> computed;
      int below = 0;
      const int units = hopper::cluster_tiles(tiles_m, tiles_n, cluster_m);
      EXPECT_EQ(units * cluster_m, (tiles_m + cluster_m - 1) / cluster_m * cluster_m * tiles_n);
      for (int unit = 0; unit < units; ++unit) {
        const gemm::MatrixCoord first =
            hopper::cluster_block_tile(unit, 0, tiles_m, tiles_n, cluster_m);
        EXPECT_EQ(first.row % cluster_m, 0);
        for (int rank = 0; rank < cluster_m; ++rank) {
          const gemm::MatrixCoord tile =
              hopper::cluster_block_tile(unit, rank, tiles_m, tiles_n, cluster_m);
          EXPECT_EQ(tile.row, first.row + rank);
          EXPECT_EQ(tile.col, first.col);
          ASSERT_GE(tile.col, 0);
          ASSERT_LT(tile.col, tiles_n);
          if (tile.row >= tiles_m) {
            ++below;
            EXPECT_EQ(rank, cluster_m - 1);
            EXPECT_EQ(tile.row, tiles_m);
          } else {
            EXPECT_TRUE(computed.insert({tile.row, tile.col}).second)
                << "tile " << tile.row << "," << tile.col << " computed twice";
          }
        }
      }
      EXPECT_EQ(static_cast<int>(computed.size()), tiles_m * tiles_n);
      EXPECT_EQ(below, cluster_m == 2 && tiles_m % 2 == 1 ? tiles_n : 0);
    }
  }
  // One block per cluster: the schedule of the other GEMMs.
  const gemm::MatrixCoord lone = hopper::cluster_block_tile(37, 0, 20, 9, 1);
  const gemm::MatrixCoord plain = gemm::block_tile(37, 20, 9, gemm::kBlockGroupM);
  EXPECT_EQ(lone.row, plain.row);
  EXPECT_EQ(lone.col, plain.col);
}

// Load i (k tiles counted across a block's tiles) uses stage i % 4 in round i / 4: its "full"
// phase has the round's parity, and from round 1 on the producer first waits for the "empty" phase
// of the round before.
TEST(WgmmaHgemmTiling, PipelineBookkeepingFollowsTheRounds) {
  ASSERT_EQ(hopper::kStages, 4);
  const int stages[] = {0, 1, 2, 3, 0, 1, 2, 3, 0};
  const std::uint32_t full[] = {0, 0, 0, 0, 1, 1, 1, 1, 0};
  for (int load = 0; load < 9; ++load) {
    EXPECT_EQ(hopper::stage_of(load), stages[load]) << load;
    EXPECT_EQ(hopper::full_parity(load), full[load]) << load;
    EXPECT_EQ(hopper::waits_for_empty(load), load >= 4) << load;
  }
  EXPECT_EQ(hopper::empty_parity(4), 0u);  // round 1 waits for round 0's release
  EXPECT_EQ(hopper::empty_parity(7), 0u);
  EXPECT_EQ(hopper::empty_parity(8), 1u);
  EXPECT_EQ(hopper::empty_parity(12), 0u);
}

// Every B panel is loaded by exactly one block of a cluster, each block loading as many; every
// block's "full" barrier expects what lands in it (its A, when loaded, and all four panels), and
// every "empty" barrier one arrival per consumer warp of the cluster.
TEST(WgmmaHgemmTiling, ClusterBlocksShareTheBPanels) {
  for (const int cluster_m : {1, 2}) {
    std::vector<int> panels_per_block(static_cast<std::size_t>(cluster_m), 0);
    for (int p = 0; p < hopper::kPanels; ++p) {
      const int loader = hopper::panel_loader(p, cluster_m);
      ASSERT_GE(loader, 0);
      ASSERT_LT(loader, cluster_m);
      ++panels_per_block[static_cast<std::size_t>(loader)];
    }
    for (const int count : panels_per_block)
      EXPECT_EQ(count, hopper::kPanels / cluster_m);
    EXPECT_EQ(hopper::empty_arrivals(cluster_m), cluster_m * 8);
  }
  EXPECT_EQ(
      hopper::stage_transaction_bytes(true),
      static_cast<std::uint32_t>(hopper::kAStageBytes + hopper::kPanels * hopper::kPanelBytes));
  EXPECT_EQ(hopper::stage_transaction_bytes(false),
            static_cast<std::uint32_t>(hopper::kPanels * hopper::kPanelBytes));
}

}  // namespace
}  // namespace gpubench
