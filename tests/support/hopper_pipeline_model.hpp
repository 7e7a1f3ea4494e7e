#pragma once
// A model of the Hopper HGEMM's pipeline (kernels/gemm/wgmma_hgemm.cu) for the CPU tests, which no
// GPU here can run: mbarriers as the PTX ISA describes them (arrivals expected per phase, a
// transaction count that may go below zero when bytes land before the producer announced them, a
// phase that completes when both reach zero, try_wait.parity seeing only the parity), TMA loads
// that land later, one destination block at a time and in any order, and the kernel's producer and
// consumer warpgroups as step functions run under a random interleaving. Its protocol constants
// come from the kernel's geometry (wgmma_hgemm_tiling.hpp) unless a test swaps one for a wrong
// value, so a wrong byte count, arrival count, panel split or schedule shows up as a deadlock or as
// a consumer that reads a stage not holding its k tile.

#include <cstdint>
#include <functional>
#include <string>

namespace gpubench::testing {

// What the blocks agree on; the defaults are the kernel's (hopper_protocol in the .cpp).
struct HopperProtocol {
  int cluster_m = 1;
  int empty_arrivals = 8;                               // per "empty" barrier phase
  std::function<std::uint32_t(bool loads_a)> expected;  // bytes a "full" barrier expects
  std::function<int(int panel)> panel_loader;           // which rank loads (multicasts) a B panel
  bool release_in_every_block = true;                   // consumers arrive on every block's "empty"
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
  int steps = 0;
  std::string first_problem;
};

// Runs every block of the grid to completion (or to a deadlock) under the interleaving `seed`
// picks.
HopperPipelineOutcome run_hopper_pipeline(const HopperProtocol& protocol, const HopperGrid& grid,
                                          unsigned seed);

}  // namespace gpubench::testing
