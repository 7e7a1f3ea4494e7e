#pragma once
// A model of the Hopper HGEMM's pipeline (kernels/gemm/wgmma_hgemm.cu) for the CPU tests, which no
// GPU here can run: mbarriers as the PTX ISA describes them (arrivals expected per phase, a
// transaction count that may go below zero when bytes land before the producer announced them, a
// phase that completes when both reach zero, try_wait.parity seeing only the parity), TMA loads
// that land later, one destination block at a time and in any order, and the kernel's producer and
// consumer warpgroups as step functions run under a random interleaving (each step a stretch of
// the kernel between two barrier waits; a warpgroup's four warp arrivals are one step). Its stage
// and parity bookkeeping, schedule and protocol constants are the kernel's own
// (wgmma_hgemm_tiling.hpp) unless a test swaps a constant for a wrong value, so a wrong byte count,
// arrival count, panel split, parity or schedule shows up as a deadlock or as a consumer that reads
// a stage not holding its k tile of its tile row and column.

#include <cstdint>
#include <functional>
#include <string>

#include "kernels/gemm/wgmma_hgemm_tiling.hpp"

namespace gpubench::testing {

// What the blocks agree on; the defaults are the kernel's (hopper_protocol in the .cpp).
struct HopperProtocol {
  int cluster_m = 1;
  int empty_arrivals = 0;                               // per "empty" barrier phase
  std::function<std::uint32_t(bool loads_a)> expected;  // bytes a "full" barrier expects
  std::function<int(int panel)> panel_loader;           // which rank loads (multicasts) a B panel
  bool release_in_every_block = true;                   // consumers arrive on every block's "empty"
  // The tile block `rank` of a cluster computes in work unit `unit` (cluster_block_tile).
  std::function<gemm::MatrixCoord(int unit, int rank, int tiles_m, int tiles_n)> tile;
};
HopperProtocol hopper_protocol(int cluster_m);

struct HopperGrid {
  int tiles_m;
  int tiles_n;
  int k_tiles;
  int clusters;  // resident clusters (the persistent grid)
};

struct HopperPipelineOutcome {
  bool deadlock = false;
  int stale_reads = 0;  // a consumer's stage held another k tile's data, or changed mid-read
  int unbalanced_barriers = 0;  // barriers left mid-phase at the end (bytes or arrivals to spare)
  std::string first_problem;
};

// Runs every block of the grid to completion (or to a deadlock) under the interleaving `seed`
// picks.
HopperPipelineOutcome run_hopper_pipeline(const HopperProtocol& protocol, const HopperGrid& grid,
                                          unsigned seed);

}  // namespace gpubench::testing
