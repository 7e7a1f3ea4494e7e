// The Hopper HGEMM's barrier protocol (kernels/gemm/wgmma_hgemm.cu) in a model of mbarriers and
// TMA (tests/support/hopper_pipeline_model.hpp), under many interleavings: lone blocks and clusters
// of two, odd and even tile rows, fewer and more k tiles than stages, fewer and more work units
// than clusters. And the same model with one constant of the protocol wrong, to show it can fail.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernels/gemm/wgmma_hgemm_tiling.hpp"
#include "support/hopper_pipeline_model.hpp"

namespace gpubench {
namespace {

using testing::hopper_protocol;
using testing::HopperGrid;
using testing::HopperPipelineOutcome;
using testing::HopperProtocol;
using testing::run_hopper_pipeline;

constexpr int kSeeds = 60;

const std::vector<HopperGrid>& grids() {
  static const std::vector<HopperGrid> all = {
      {1, 1, 1, 1},  // one tile, one k tile
      {3, 2, 5, 1},  // odd tile rows, more k tiles than stages, one cluster loops over all
      {3, 2, 5, 2}, {5, 3, 9, 2},
      {4, 4, 2, 3},  // fewer k tiles than stages; units not a multiple of the clusters
      {2, 1, 3, 3},  // more clusters than work units: some blocks have nothing to do
  };
  return all;
}

std::string describe(const HopperGrid& g, int cluster_m, unsigned seed) {
  return "tiles " + std::to_string(g.tiles_m) + "x" + std::to_string(g.tiles_n) + ", " +
         std::to_string(g.k_tiles) + " k tiles, " + std::to_string(g.clusters) + " clusters of " +
         std::to_string(cluster_m) + ", seed " + std::to_string(seed);
}

TEST(HopperPipelineModel, TheKernelsProtocolNeitherDeadlocksNorReadsAStaleStage) {
  for (const int cluster_m : {1, 2}) {
    for (const HopperGrid& grid : grids()) {
      for (unsigned seed = 0; seed < kSeeds; ++seed) {
        const HopperPipelineOutcome out =
            run_hopper_pipeline(hopper_protocol(cluster_m), grid, seed);
        ASSERT_FALSE(out.deadlock) << describe(grid, cluster_m, seed) << ": " << out.first_problem;
        ASSERT_EQ(out.stale_reads, 0)
            << describe(grid, cluster_m, seed) << ": " << out.first_problem;
        ASSERT_EQ(out.unbalanced_barriers, 0) << describe(grid, cluster_m, seed);
      }
    }
  }
}

// Over every grid and seed, how often a protocol went wrong: deadlocked, read a stale stage, or
// ended with a barrier mid-phase.
struct Failures {
  int deadlocks = 0;
  int stale = 0;
  int unbalanced = 0;
};
Failures failures_of(const HopperProtocol& protocol) {
  Failures found;
  for (const HopperGrid& grid : grids()) {
    for (unsigned seed = 0; seed < kSeeds; ++seed) {
      const HopperPipelineOutcome out = run_hopper_pipeline(protocol, grid, seed);
      found.deadlocks += out.deadlock ? 1 : 0;
      found.stale += out.stale_reads > 0 ? 1 : 0;
      found.unbalanced += out.unbalanced_barriers > 0 ? 1 : 0;
    }
  }
  return found;
}

// A cluster's "empty" barriers counting only their own block's consumer warps: a producer refills
// a stage its partner is still reading.
TEST(HopperPipelineModel, CountingOnlyOwnConsumersLetsAProducerOverwriteItsPartner) {
  HopperProtocol wrong = hopper_protocol(2);
  wrong.empty_arrivals = gemm::hopper::empty_arrivals(1);
  EXPECT_GT(failures_of(wrong).stale, 0);
}

// Consumers releasing only their own block's stages: the partner's producer waits for ever.
TEST(HopperPipelineModel, ReleasingOnlyOwnStagesDeadlocksAProducer) {
  HopperProtocol wrong = hopper_protocol(2);
  wrong.release_in_every_block = false;
  EXPECT_GT(failures_of(wrong).deadlocks, 0);
}

// A block below the matrix expecting the A bytes it does not load: its consumers wait for ever.
TEST(HopperPipelineModel, ExpectingAnUnloadedABoxDeadlocks) {
  HopperProtocol wrong = hopper_protocol(2);
  wrong.expected = [](bool) { return gemm::hopper::stage_transaction_bytes(true); };
  EXPECT_GT(failures_of(wrong).deadlocks, 0);
}

// Expecting a panel too few: the stage counts as full before its last panel has landed.
TEST(HopperPipelineModel, ExpectingTooFewBytesReadsAStageBeforeItIsFull) {
  for (const int cluster_m : {1, 2}) {
    HopperProtocol wrong = hopper_protocol(cluster_m);
    wrong.expected = [](bool loads_a) {
      return gemm::hopper::stage_transaction_bytes(loads_a) - gemm::hopper::kPanelBytes;
    };
    const Failures found = failures_of(wrong);
    EXPECT_GT(found.stale, 0) << cluster_m;
    EXPECT_GT(found.unbalanced, 0) << cluster_m;
  }
}

// The two blocks of a cluster on different tile columns: each computes with B panels of the
// other's column.
TEST(HopperPipelineModel, PartnersOnDifferentColumnsReadTheWrongB) {
  HopperProtocol wrong = hopper_protocol(2);
  wrong.tile = [](int unit, int rank, int tiles_m, int tiles_n) {
    gemm::MatrixCoord tile = gemm::hopper::cluster_block_tile(unit, rank, tiles_m, tiles_n, 2);
    if (rank == 1) tile.col = (tile.col + 1) % tiles_n;
    return tile;
  };
  EXPECT_GT(failures_of(wrong).stale, 0);
}

// A B panel nobody loads: the stage never fills.
TEST(HopperPipelineModel, APanelNobodyLoadsDeadlocks) {
  HopperProtocol wrong = hopper_protocol(2);
  wrong.panel_loader = [](int panel) {
    return panel == 3 ? 2 : gemm::hopper::panel_loader(panel, 2);
  };
  EXPECT_GT(failures_of(wrong).deadlocks, 0);
}

}  // namespace
}  // namespace gpubench
