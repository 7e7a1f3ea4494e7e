#pragma once
// The index math of gpubench's own GEMM kernels (own_sgemm.cu, own_hgemm.cu): tile shapes per
// architecture, which block/warp/thread computes which output, which thread copies which 16-byte
// chunk, the shared-memory layouts (XOR swizzle, transposed A) and the ldmatrix row addresses. All
// of it is constexpr and __host__ __device__, so the CPU tests of tests/kernels/gemm/ check its
// coverage and bank conflicts and run CPU models of both kernels on it (gemm_model_test.cpp).
// Device code is C++17: tile parameters are plain structs returned by constexpr functions of a
// config enum (class-type template parameters need C++20).
//
// Row-major throughout: C (m x n) = A (m x k) * B (k x n), leading dimensions k, n and n.

#include "kernels/common/host_device.hpp"
#include "kernels/common/mma_layout.hpp"

namespace gpubench::gemm {

using mma::MatrixCoord;

GPUBENCH_HD constexpr int ceil_div(int a, int b) {
  return a / b + (a % b != 0 ? 1 : 0);
}
GPUBENCH_HD constexpr int min_int(int a, int b) {
  return a < b ? a : b;
}

// How many of the `width` consecutive elements starting at (row, col) lie inside a rows x cols
// matrix: what a predicated copy reads, the rest being zero-filled (0 when the row is outside).
GPUBENCH_HD constexpr int valid_elements(int row, int col, int rows, int cols, int width) {
  if (row < 0 || row >= rows || col < 0 || col >= cols) return 0;
  return min_int(cols - col, width);
}

// --- Block rasterization: which output tile a linear block index computes. Blocks go down a
// group of `group_m` tile rows before moving right, so consecutive blocks share B tiles (and a
// group's A rows) in L2. A bijection from [0, tiles_m * tiles_n) onto the tile grid.
GPUBENCH_HD constexpr MatrixCoord block_tile(int block, int tiles_m, int tiles_n, int group_m) {
  const int per_group = group_m * tiles_n;
  const int first_m = (block / per_group) * group_m;
  const int rows_in_group = min_int(tiles_m - first_m, group_m);
  const int in_group = block % per_group;
  return {first_m + in_group % rows_in_group, in_group / rows_in_group};
}
inline constexpr int kBlockGroupM = 8;

// --- Which thread copies which chunk: the tile's chunks (of `chunk_elements` consecutive
// elements along a row) are numbered row by row; copy i of thread t moves chunk i * threads + t,
// so a warp's copies are consecutive chunks (coalesced global reads).
struct ChunkCoord {
  int row;
  int chunk;  // chunk index within the row
  GPUBENCH_HD constexpr bool operator==(const ChunkCoord& other) const {
    return row == other.row && chunk == other.chunk;
  }
};
GPUBENCH_HD constexpr ChunkCoord copy_chunk(int thread, int copy, int threads, int chunks_per_row) {
  const int index = copy * threads + thread;
  return {index / chunks_per_row, index % chunks_per_row};
}
// When threads is a multiple of chunks_per_row, a thread's copies all lie in its first copy's
// chunk column, this many rows apart: copy i is at row copy_chunk(t, 0).row + i * step.
GPUBENCH_HD constexpr int copy_row_step(int threads, int chunks_per_row) {
  return threads / chunks_per_row;
}

// ============================================================================================
// HGEMM (tensor cores): mma.sync m16n8k16, ldmatrix, cp.async, XOR-swizzled shared memory.
// ============================================================================================

inline constexpr int kChunkBytes = 16;
inline constexpr int kHalvesPerChunk = 8;

enum class HgemmConfig : int {
  k128x128x32Stages3 = 0,  // sm_86, sm_89: 4 warps of 64x64, 48 KiB smem
  k128x256x32Stages4 = 1,  // sm_80, sm_90: 8 warps of 64x64, 96 KiB smem (their larger smem)
  // Operands whose rows are not 16-byte aligned, on every architecture: predicated scalar loads
  // instead of cp.async. 8 warps of 64x32 leave registers for the loads in flight.
  kFallback128x128x32 = 2,
};

struct HgemmTile {
  int bm, bn, bk;         // block tile
  int warps_m, warps_n;   // warp grid; warp tile is (bm / warps_m) x (bn / warps_n)
  int stages;             // cp.async pipeline depth
  int min_blocks_per_sm;  // __launch_bounds__ occupancy hint
  GPUBENCH_HD constexpr int warps() const { return warps_m * warps_n; }
  GPUBENCH_HD constexpr int threads() const { return 32 * warps(); }
  GPUBENCH_HD constexpr int warp_m() const { return bm / warps_m; }
  GPUBENCH_HD constexpr int warp_n() const { return bn / warps_n; }
  GPUBENCH_HD constexpr int mma_tiles_m() const { return warp_m() / 16; }  // m16 tiles per warp
  GPUBENCH_HD constexpr int mma_tiles_n() const { return warp_n() / 8; }   // n8 tiles per warp
  GPUBENCH_HD constexpr int k_steps() const { return bk / 16; }            // k16 steps per tile
  GPUBENCH_HD constexpr int a_chunks_per_row() const { return bk / kHalvesPerChunk; }
  GPUBENCH_HD constexpr int b_chunks_per_row() const { return bn / kHalvesPerChunk; }
  GPUBENCH_HD constexpr int a_chunks() const { return bm * a_chunks_per_row(); }
  GPUBENCH_HD constexpr int b_chunks() const { return bk * b_chunks_per_row(); }
  GPUBENCH_HD constexpr int a_copies_per_thread() const { return a_chunks() / threads(); }
  GPUBENCH_HD constexpr int b_copies_per_thread() const { return b_chunks() / threads(); }
  GPUBENCH_HD constexpr int a_stage_bytes() const { return bm * bk * 2; }
  GPUBENCH_HD constexpr int b_stage_bytes() const { return bk * bn * 2; }
  GPUBENCH_HD constexpr int stage_bytes() const { return a_stage_bytes() + b_stage_bytes(); }
  GPUBENCH_HD constexpr int smem_bytes() const { return stages * stage_bytes(); }
  // Every copy and fragment load covers its tile exactly, with no remainder.
  GPUBENCH_HD constexpr bool valid() const {
    return bm % warps_m == 0 && bn % warps_n == 0 && warp_m() % 16 == 0 && warp_n() % 16 == 0 &&
           bk % 16 == 0 && a_chunks() % threads() == 0 && b_chunks() % threads() == 0 &&
           threads() % a_chunks_per_row() == 0 && threads() % b_chunks_per_row() == 0 &&
           a_copies_per_thread() <= 32 && stages >= 2;
  }
};

GPUBENCH_HD constexpr HgemmTile hgemm_tile(HgemmConfig config) {
  switch (config) {
    case HgemmConfig::k128x128x32Stages3:
      return {128, 128, 32, 2, 2, 3, 2};
    case HgemmConfig::k128x256x32Stages4:
      return {128, 256, 32, 2, 4, 4, 1};
    case HgemmConfig::kFallback128x128x32:
      return {128, 128, 32, 2, 4, 2, 1};
  }
  return {128, 128, 32, 2, 2, 3, 2};
}

// The config per architecture (major * 10 + minor): the big tile where a block may have over
// 96 KiB of shared memory (A100, H100), the 48 KiB one on the 100 KiB-per-SM parts (GA10x, AD10x).
// Not measured: starting points until a card says otherwise. sm < 80 has no cp.async: no HGEMM.
GPUBENCH_HD constexpr HgemmConfig hgemm_config_for_sm(int sm) {
  return (sm == 80 || sm == 87 || sm >= 90) ? HgemmConfig::k128x256x32Stages4
                                            : HgemmConfig::k128x128x32Stages3;
}
GPUBENCH_HD constexpr bool hgemm_supported(int sm) {
  return sm >= 80;
}

// The XOR swizzle of 16-byte chunks. A row of `chunks_per_row` chunks (a power of two) is stored
// with its chunks permuted by an XOR that depends on the row, so the 8 rows an ldmatrix phase (or
// a column of cp.async writes) touches fall into the 8 distinct 16-byte bank groups of a 128-byte
// line. Rows shorter than 128 bytes share a line: 2 rows of 4 chunks, 4 rows of 2, and the XOR
// then comes from the line index.
GPUBENCH_HD constexpr int swizzle_chunk(int row, int chunk, int chunks_per_row) {
  const int rows_per_line = chunks_per_row >= 8 ? 1 : 8 / chunks_per_row;
  const int xor_span = chunks_per_row >= 8 ? 8 : chunks_per_row;
  return chunk ^ ((row / rows_per_line) % xor_span);
}
// Index, in chunks from the start of the tile, where logical chunk (row, chunk) is stored.
GPUBENCH_HD constexpr int swizzled_chunk_index(int row, int chunk, int chunks_per_row) {
  return row * chunks_per_row + swizzle_chunk(row, chunk, chunks_per_row);
}

// ldmatrix.x4: lanes 8q..8q+7 give the 8 row addresses of matrix q, and matrix q lands in each
// lane's register q. These are a lane's (row, chunk) offsets within the 16x16 operand tile.
//
// A (row-major m16 x k16): registers a0..a3 of mma m16n8k16 are the 8x8 blocks (rows 0-7, k 0-7),
// (rows 8-15, k 0-7), (rows 0-7, k 8-15), (rows 8-15, k 8-15) (mma_layout.hpp's a_coord).
GPUBENCH_HD constexpr ChunkCoord ldmatrix_a_source(int lane) {
  const int matrix = lane / 8;
  return {(matrix % 2) * 8 + lane % 8, matrix / 2};
}
// B (row-major k16 x n16, loaded with .trans): matrices (k 0-7, n 0-7), (k 8-15, n 0-7),
// (k 0-7, n 8-15), (k 8-15, n 8-15): registers b0, b1 of the n8 tile at n 0, then of the one at
// n 8 (mma_layout.hpp's b_coord, the B fragment being column-major k x n8).
GPUBENCH_HD constexpr ChunkCoord ldmatrix_b_trans_source(int lane) {
  const int matrix = lane / 8;
  return {(matrix % 2) * 8 + lane % 8, matrix / 2};
}
// What ldmatrix delivers: element `element` (0, 1) of lane `lane`'s register for one 8x8 matrix
// is this (row, column) of it, where rows are the 8 addressed 16-byte rows; .trans transposes.
GPUBENCH_HD constexpr MatrixCoord ldmatrix_element(int lane, int element, bool trans) {
  return trans ? MatrixCoord{(lane % 4) * 2 + element, lane / 4}
               : MatrixCoord{lane / 4, (lane % 4) * 2 + element};
}

// Where warp `warp`'s warp tile starts inside the block tile.
GPUBENCH_HD constexpr MatrixCoord hgemm_warp_origin(HgemmTile tile, int warp) {
  return {(warp / tile.warps_n) * tile.warp_m(), (warp % tile.warps_n) * tile.warp_n()};
}
// The block-relative output element of accumulator `element` (0..3, mma_layout.hpp's c_coord) of
// the m16 x n8 tile (mi, ni) held by lane `lane` of warp `warp`.
GPUBENCH_HD constexpr MatrixCoord hgemm_output(HgemmTile tile, int warp, int lane, int mi, int ni,
                                               int element) {
  const MatrixCoord origin = hgemm_warp_origin(tile, warp);
  const MatrixCoord in_mma = mma::c_coord(lane, element);
  return {origin.row + mi * 16 + in_mma.row, origin.col + ni * 8 + in_mma.col};
}

// ============================================================================================
// SGEMM (FP32 SIMT): 8x8 register tiles, float4 global loads, A transposed into shared memory.
// ============================================================================================

enum class SgemmConfig : int {
  k128x128x8 = 0,   // 8 warps, 2 blocks per SM; the unaligned fallback everywhere; 16 KiB smem
  k128x128x16 = 1,  // 8 warps, half the barriers per FLOP; 32 KiB smem, more registers
  k128x64x8 = 2,    // 4 warps, 3 blocks per SM: twice the blocks of 128x128; 12 KiB smem
  k64x64x8 = 3,     // 2 warps: 16x the blocks of 128x128 for small or thin shapes; 8 KiB smem
};
// Every configuration, in the order the autotuner tries them (sgemm_autotune.cpp).
inline constexpr SgemmConfig kSgemmConfigs[] = {SgemmConfig::k128x128x8, SgemmConfig::k128x128x16,
                                                SgemmConfig::k128x64x8, SgemmConfig::k64x64x8};
inline constexpr int kSgemmConfigCount = 4;

// Per thread: an 8x8 output tile made of 2x2 sub-tiles of 4x4, the sub-tiles half a warp tile
// apart (so a warp's float4 shared-memory reads are 4 broadcast A vectors and 8 consecutive B
// vectors). Warps are warps_m x warps_n, a warp's 32 lanes lanes_m x lanes_n.
inline constexpr int kSgemmThreadTile = 8;
inline constexpr int kSgemmStages =
    2;  // the kernel's pipeline: 2 shared stages + register prefetch
// What a block may declare statically (no opt-in needed on any architecture from sm_75 on).
inline constexpr int kStaticSmemLimitBytes = 48 * 1024;

struct SgemmTile {
  int bm, bn, bk;
  int warps_m, warps_n;
  int lanes_m, lanes_n;
  int min_blocks_per_sm;  // __launch_bounds__ occupancy hint
  int stages;             // shared-memory stages; the kernel implements kSgemmStages
  GPUBENCH_HD constexpr int threads() const { return 32 * warps_m * warps_n; }
  GPUBENCH_HD constexpr int warp_m() const { return bm / warps_m; }
  GPUBENCH_HD constexpr int warp_n() const { return bn / warps_n; }
  GPUBENCH_HD constexpr int thread_m() const { return kSgemmThreadTile; }
  GPUBENCH_HD constexpr int thread_n() const { return kSgemmThreadTile; }
  GPUBENCH_HD constexpr int a_chunks_per_row() const { return bk / 4; }  // float4 chunks
  GPUBENCH_HD constexpr int b_chunks_per_row() const { return bn / 4; }
  GPUBENCH_HD constexpr int a_copies_per_thread() const { return bm * bk / 4 / threads(); }
  GPUBENCH_HD constexpr int b_copies_per_thread() const { return bk * bn / 4 / threads(); }
  GPUBENCH_HD constexpr int a_stage_floats() const { return bk * bm; }
  GPUBENCH_HD constexpr int b_stage_floats() const { return bk * bn; }
  GPUBENCH_HD constexpr int smem_bytes() const {
    return stages * (a_stage_floats() + b_stage_floats()) * 4;
  }
  // The registers __launch_bounds__ leaves a thread (the register file is 64 K 32-bit registers
  // per SM on sm_75..sm_90, at most 255 per thread), and a lower bound of what the kernel holds
  // live in its loop: accumulators, two fragments, the prefetched float4s, ~16 for addresses.
  GPUBENCH_HD constexpr int register_budget() const {
    return min_int(255, 65536 / (threads() * min_blocks_per_sm)) / 8 * 8;
  }
  GPUBENCH_HD constexpr int registers_needed() const {
    return thread_m() * thread_n() + thread_m() + thread_n() +
           4 * (a_copies_per_thread() + b_copies_per_thread()) + 16;
  }
  GPUBENCH_HD constexpr bool valid() const {
    return lanes_m * lanes_n == 32 && warp_m() == 2 * 4 * lanes_m && warp_n() == 2 * 4 * lanes_n &&
           bm % 32 == 0 && bk % 4 == 0 && (bm * bk / 4) % threads() == 0 &&
           (bk * bn / 4) % threads() == 0 && a_copies_per_thread() >= 1 &&
           b_copies_per_thread() >= 1 && threads() <= 1024 && stages == kSgemmStages &&
           smem_bytes() <= kStaticSmemLimitBytes &&
           // the transposed-A swizzle below needs a warp's stores to span <= 8 float4 columns
           32 % a_chunks_per_row() == 0 && 32 / a_chunks_per_row() >= 4;
  }
};

GPUBENCH_HD constexpr SgemmTile sgemm_tile(SgemmConfig config) {
  switch (config) {
    case SgemmConfig::k128x128x8:
      return {128, 128, 8, 4, 2, 4, 8, 2, kSgemmStages};  // <= 128 registers: 16 warps per SM
    case SgemmConfig::k128x128x16:
      return {128, 128, 16, 4, 2, 4, 8, 1, kSgemmStages};  // ptxas takes ~167 registers
    case SgemmConfig::k128x64x8:
      return {128, 64, 8, 4, 1, 4, 8, 3, kSgemmStages};  // <= 168 registers: 12 warps per SM
    case SgemmConfig::k64x64x8:
      return {64, 64, 8, 2, 1, 4, 8, 6, kSgemmStages};  // <= 168 registers: 12 warps per SM
  }
  return {128, 128, 8, 4, 2, 4, 8, 2, kSgemmStages};
}

// The configuration launch_own_sgemm starts from before the autotuner has timed a shape (and
// uses where it cannot time: inside a stream capture). Not measured: a starting point.
GPUBENCH_HD constexpr SgemmConfig sgemm_config_for_sm(int sm) {
  return (sm == 80 || sm == 87 || sm >= 90) ? SgemmConfig::k128x128x16 : SgemmConfig::k128x128x8;
}

// The block-relative output element of accumulator (i, j) (each 0..7) of thread `thread`.
GPUBENCH_HD constexpr MatrixCoord sgemm_output(SgemmTile tile, int thread, int i, int j) {
  const int warp = thread / 32;
  const int lane = thread % 32;
  const int row = (warp / tile.warps_n) * tile.warp_m() + (i / 4) * (tile.warp_m() / 2) +
                  (lane / tile.lanes_n) * 4 + i % 4;
  const int col = (warp % tile.warps_n) * tile.warp_n() + (j / 4) * (tile.warp_n() / 2) +
                  (lane % tile.lanes_n) * 4 + j % 4;
  return {row, col};
}

// A is stored transposed, as As[k][m], so a thread reads 4 consecutive m of one k as one float4.
// The global float4 of A a thread loads is 4 consecutive k of one row m, so its 4 shared stores
// go to 4 different k rows; a warp's stores would collide on banks (rows of 128 floats all start
// in bank 0), so the float4 column (m / 4) is XORed with a function of k that separates the k
// groups one warp stores: warps store 32 / (bk / 4) rows m (= that many / 4 float4 columns) for
// each of the bk / 4 groups of 4 k.
GPUBENCH_HD constexpr int sgemm_a_swizzle(SgemmTile tile, int k) {
  return ((k / 4) * (32 / tile.a_chunks_per_row() / 4)) % 8;
}
GPUBENCH_HD constexpr int sgemm_a_smem_index(SgemmTile tile, int k, int m) {
  return k * tile.bm + ((m / 4) ^ sgemm_a_swizzle(tile, k)) * 4 + m % 4;
}
// B is stored as loaded, Bs[k][n]: a warp's float4 stores are 32 consecutive vectors.
GPUBENCH_HD constexpr int sgemm_b_smem_index(SgemmTile tile, int k, int n) {
  return k * tile.bn + n;
}

}  // namespace gpubench::gemm
