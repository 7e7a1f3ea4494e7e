#pragma once
// Tile geometry of the Hopper HGEMM (wgmma_hgemm.cu): shared-memory stages, TMA boxes and wgmma
// descriptors, as constexpr functions the CPU tests check
// (tests/kernels/gemm/wgmma_hgemm_tiling_test.cpp).
//
// A block computes a 128 x 256 tile of C with three warpgroups: warpgroup 0 issues the TMA loads
// (the producer), warpgroups 1 and 2 each multiply 64 rows of the tile (the consumers). Each of
// the kStages shared-memory stages holds one 64-deep K slice:
//   A: 128 rows x 64 halves, row-major (K-major for wgmma), one TMA box {64 k, 128 rows}, rows of
//      128 bytes in 128B swizzle;
//   B: 64 k x 256 n, row-major (N-major: wgmma's "transposed" B), four TMA boxes {64 n, 64 k}, one
//      per 64-wide panel of n, each panel 64 rows of 128 bytes in 128B swizzle.
// TMA fills out-of-range box elements with zeros and counts the whole box in its transaction
// bytes, so m, n and k tails need no code on the load side; the epilogue stores only in-range
// elements. TMA needs 16-byte-aligned base addresses and row strides: n and k multiples of 8.

#include <cstdint>

#include "kernels/common/host_device.hpp"
#include "kernels/common/wgmma_layout.hpp"
#include "kernels/gemm/gemm_tiling.hpp"

namespace gpubench::gemm::hopper {

inline constexpr int kBlockM = 128;
inline constexpr int kBlockN = 256;
inline constexpr int kBlockK = 64;  // one 128-byte swizzle row of halves
inline constexpr int kStages = 4;
inline constexpr int kConsumers = 2;  // warpgroups that multiply
inline constexpr int kThreads = (kConsumers + 1) * wgmma::kWarpgroupThreads;
inline constexpr int kPanelN = 64;  // n per B panel (128 bytes of halves)
inline constexpr int kPanels = kBlockN / kPanelN;
inline constexpr int kKSlices = kBlockK / 16;  // wgmma k16 per stage
inline constexpr int kHalfBytes = 2;

inline constexpr int kAStageBytes = kBlockM * kBlockK * kHalfBytes;  // 16 KiB
inline constexpr int kPanelBytes = kBlockK * kPanelN * kHalfBytes;   // 8 KiB
inline constexpr int kBStageBytes = kPanels * kPanelBytes;           // 32 KiB
inline constexpr int kStageBytes = kAStageBytes + kBStageBytes;      // 48 KiB
// The epilogue stages each consumer's 64 x 256 share of C through shared memory in two passes of
// 64 x 128 halves (16 KiB per consumer, its own: the consumers store independently), so that C is
// written with 16-byte stores (full 32-byte sectors) instead of 4-byte ones (see staging_offset).
inline constexpr int kStagingColumns = 128;  // halves per row and pass
inline constexpr int kStagingPasses = kBlockN / kStagingColumns;
inline constexpr int kStagingRowBytes = kStagingColumns * kHalfBytes;    // 256
inline constexpr int kStagingChunks = kStagingRowBytes / 16;             // 16 per row
inline constexpr int kStagingBytes = wgmma::kWgmmaM * kStagingRowBytes;  // 16 KiB
inline constexpr int kPassElements = kStagingColumns / 2;         // accumulator elements per thread
inline constexpr int kBarrierBytes = 2 * kStages * 8;             // the mbarriers
inline constexpr int kStagingBase = kStages * kStageBytes + 128;  // after the barriers, 128-aligned
static_assert(kBarrierBytes <= 128, "the mbarriers run into the staging buffers");
// The stages, the mbarriers, each consumer's staging buffer; plus 1 KiB to align the stages to the
// 1024-byte swizzle atoms whatever the dynamic shared-memory base: 225 KiB + 128 bytes, under
// sm_90's 227 KiB per block.
inline constexpr int kSmemBytes = kStagingBase + kConsumers * kStagingBytes + 1024;

GPUBENCH_HD constexpr std::uint32_t a_stage_offset(int stage) {
  return static_cast<std::uint32_t>(stage * kStageBytes);
}
GPUBENCH_HD constexpr std::uint32_t b_panel_offset(int stage, int panel) {
  return static_cast<std::uint32_t>(stage * kStageBytes + kAStageBytes + panel * kPanelBytes);
}
GPUBENCH_HD constexpr std::uint32_t barrier_offset(int index) {  // full: 0..S-1, empty: S..2S-1
  return static_cast<std::uint32_t>(kStages * kStageBytes + 8 * index);
}

// Bytes one stage's loads deliver into a block (the transaction count its "full" barrier
// expects): every B panel, and its A box unless the block's tile lies below the matrix (the
// second block of a cluster on the last, odd tile row), where A is not loaded at all.
GPUBENCH_HD constexpr std::uint32_t stage_transaction_bytes(bool loads_a = true) {
  return static_cast<std::uint32_t>(loads_a ? kStageBytes : kBStageBytes);
}

// --- The pipeline's bookkeeping. Producer and consumers count k tiles across all the tiles a
// block computes (`load`); load i goes through stage i % kStages in that stage's round
// i / kStages. Round r's "full" phase has parity r & 1; before round r >= 1 the producer waits for
// the "empty" phase of round r - 1, which the consumers complete by releasing that round.
GPUBENCH_HD constexpr int stage_of(int load) {
  return load % kStages;
}
GPUBENCH_HD constexpr std::uint32_t full_parity(int load) {
  return static_cast<std::uint32_t>((load / kStages) & 1);
}
GPUBENCH_HD constexpr bool waits_for_empty(int load) {
  return load >= kStages;
}
GPUBENCH_HD constexpr std::uint32_t empty_parity(int load) {
  return static_cast<std::uint32_t>((load / kStages - 1) & 1);
}

// --- Clusters. With clusters of two blocks (GPUBENCH_HOPPER_HGEMM_CLUSTER=2), the two blocks
// compute vertically adjacent tiles (tile rows 2i and 2i + 1 of one tile column), which read the
// same B: each block loads half of the B panels and TMA multicasts them into both blocks' shared
// memory, so L2 delivers 32 KiB per block and stage instead of 48. A stage is reused only when the
// consumers of both blocks have released it, so every consumer warp arrives on the "empty"
// barriers of every block in its cluster.
inline constexpr int kMaxClusterM = 2;

// The block that loads (and multicasts) B panel `panel` in a cluster of `cluster_m` blocks.
GPUBENCH_HD constexpr int panel_loader(int panel, int cluster_m) {
  return panel / (kPanels / cluster_m);
}
// Arrivals an "empty" barrier waits for: one per consumer warp of every block in the cluster.
GPUBENCH_HD constexpr int empty_arrivals(int cluster_m) {
  return cluster_m * kConsumers * (wgmma::kWarpgroupThreads / 32);
}
// Work units of a cluster: groups of cluster_m vertically adjacent tiles, one per tile column.
GPUBENCH_HD constexpr int cluster_tiles(int tiles_m, int tiles_n, int cluster_m) {
  return ceil_div(tiles_m, cluster_m) * tiles_n;
}
// The output tile block `rank` of a cluster computes for work unit `unit`, rasterized like the
// other GEMMs (block_tile: down a group of kBlockGroupM tile rows, then right). Its row may be
// tiles_m (below the matrix) when tiles_m is odd: that block loads its B panels for its partner
// and stores nothing.
GPUBENCH_HD constexpr MatrixCoord cluster_block_tile(int unit, int rank, int tiles_m, int tiles_n,
                                                     int cluster_m) {
  const MatrixCoord group =
      block_tile(unit, ceil_div(tiles_m, cluster_m), tiles_n, kBlockGroupM / cluster_m);
  return {group.row * cluster_m + rank, group.col};
}

// TMA box origins, innermost coordinate first (TMA's order): A box {k0, m0}; B panel p {n0, k0}.
struct BoxOrigin {
  int inner;
  int outer;
};
GPUBENCH_HD constexpr BoxOrigin a_box(int block_row, int k_tile) {
  return {k_tile * kBlockK, block_row * kBlockM};
}
GPUBENCH_HD constexpr BoxOrigin b_box(int block_col, int k_tile, int panel) {
  return {block_col * kBlockN + panel * kPanelN, k_tile * kBlockK};
}

// The first row and column of C that consumer `consumer` stores for output tile `tile` (its 64 rows
// of the tile, all 256 columns).
GPUBENCH_HD constexpr MatrixCoord output_origin(MatrixCoord tile, int consumer) {
  return {tile.row * kBlockM + consumer * wgmma::kWgmmaM, tile.col * kBlockN};
}

// --- The epilogue. Each consumer writes its accumulators into its staging buffer (one 4-byte
// shared store per half2: elements i, i + 1 of accumulator_coord), synchronizes its 128 threads,
// then reads the buffer back 16 bytes at a time, row by row, and writes C with 16-byte stores.
// The buffer holds 64 rows of 256 bytes; chunk c (16 bytes, 8 columns) of row r sits at chunk
// position c ^ (r % 8). Without the XOR, a warp's fragment store (8 rows, 4 lanes per row in one
// chunk; rows 256 bytes apart) would put all 8 rows on the same 4 banks: 8 wavefronts instead of 1.

// Where column `col` (0..kStagingColumns - 1) of row `row` of a pass sits in the staging buffer.
GPUBENCH_HD constexpr std::uint32_t staging_offset(int row, int col) {
  const int chunk = col / 8;
  const int swizzled = chunk ^ (row % 8);
  return static_cast<std::uint32_t>(row * kStagingRowBytes + swizzled * 16 +
                                    (col % 8) * kHalfBytes);
}
// Consumer `consumer`'s staging buffer, from the 1024-aligned start of the stages.
GPUBENCH_HD constexpr std::uint32_t staging_buffer_offset(int consumer) {
  return static_cast<std::uint32_t>(kStagingBase + consumer * kStagingBytes);
}
// The pass accumulator elements i, i + 1 (i even) belong to: pass p holds elements
// p * kPassElements .. + kPassElements - 1 (columns 128p .. 128p + 127). And where thread `thread`
// of the warpgroup stores them (as one half2) in that pass's buffer.
GPUBENCH_HD constexpr int staging_pass(int i) {
  return wgmma::accumulator_coord(0, i).col / kStagingColumns;
}
GPUBENCH_HD constexpr std::uint32_t fragment_staging_offset(int thread, int i) {
  const wgmma::FragmentCoord at = wgmma::accumulator_coord(thread, i);
  return staging_offset(at.row, at.col % kStagingColumns);
}
// The read-out: in step `step` (0..kReadoutSteps - 1) thread `thread` reads chunk `col / 8` of
// row `row` of the pass (a warp: two whole rows, 512 contiguous bytes of C). Its first column is
// `col`; the pass's column origin is added by the caller.
inline constexpr int kReadoutSteps =
    wgmma::kWgmmaM * kStagingChunks / wgmma::kWarpgroupThreads;  // 8
GPUBENCH_HD constexpr MatrixCoord readout_coord(int thread, int step) {
  const int chunk = step * wgmma::kWarpgroupThreads + thread;
  return {chunk / kStagingChunks, (chunk % kStagingChunks) * 8};
}

// wgmma descriptors of K slice `slice` (16 deep) of a stage, for consumer `consumer` (rows
// 64 * consumer .. + 63 of the block's A), given the 1024-aligned shared address of the stages.
GPUBENCH_HD constexpr std::uint64_t a_descriptor(std::uint32_t stages_address, int stage,
                                                 int consumer, int slice) {
  return wgmma::k_major_descriptor(
      stages_address + a_stage_offset(stage) +
          static_cast<std::uint32_t>(consumer * wgmma::kWgmmaM * wgmma::kSwizzleRowBytes),
      slice);
}
GPUBENCH_HD constexpr std::uint64_t b_descriptor(std::uint32_t stages_address, int stage,
                                                 int slice) {
  return wgmma::mn_major_descriptor(stages_address + b_panel_offset(stage, 0), kPanelBytes, slice);
}

// Where element (row, k) of a stage's A, and (k, n) of its B, lives relative to the stage's A
// (the layouts TMA writes and the descriptors above describe; the tests hold them together).
GPUBENCH_HD constexpr std::uint32_t a_element_offset(int row, int k) {
  return wgmma::k_major_offset(row, k, kHalfBytes);
}
GPUBENCH_HD constexpr std::uint32_t b_element_offset(int k, int n) {
  return static_cast<std::uint32_t>(kAStageBytes) +
         wgmma::mn_major_offset(k, n, static_cast<std::uint32_t>(kPanelBytes));
}

// Whether the operands suit TMA: 16-byte-aligned rows (n and k multiples of 8 halves) and bases.
GPUBENCH_HD constexpr bool tma_shape_ok(int n, int k) {
  return n % 8 == 0 && k % 8 == 0;
}

}  // namespace gpubench::gemm::hopper
