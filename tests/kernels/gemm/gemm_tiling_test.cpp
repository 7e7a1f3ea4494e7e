// The index math of the own GEMM kernels (kernels/gemm/gemm_tiling.hpp), on the CPU: coverage of
// every tile by blocks, warps, threads and copies; the swizzle and the shared-memory layouts
// against a bank model; ldmatrix addresses against the PTX ISA fragment layouts; and a CPU model
// of each kernel, built from the same functions, against the reference GEMM on odd sizes.
#include "kernels/gemm/gemm_tiling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/gemm_reference.hpp"

namespace gpubench::gemm {
namespace {

using mma::MmaShape;
using testing::integer_matrix;
using testing::reference_gemm;
using testing::relative_frobenius_error;

constexpr HgemmConfig kHgemmConfigs[] = {HgemmConfig::k128x128x32Stages3,
                                         HgemmConfig::k128x256x32Stages4,
                                         HgemmConfig::kFallback128x128x32};
constexpr MmaShape kM16N8K16{16, 16, 2};

std::string name(HgemmConfig config) {
  const HgemmTile t = hgemm_tile(config);
  return "hgemm " + std::to_string(t.bm) + "x" + std::to_string(t.bn) + "x" + std::to_string(t.bk) +
         " warps " + std::to_string(t.warps()) + " stages " + std::to_string(t.stages);
}
std::string name(SgemmConfig config) {
  const SgemmTile t = sgemm_tile(config);
  return "sgemm " + std::to_string(t.bm) + "x" + std::to_string(t.bn) + "x" + std::to_string(t.bk);
}

// --- A bank model of shared memory: 32 banks of 4 bytes. A warp's 16-byte accesses take at
// least one 128-byte wavefront per 8 distinct chunks; they are conflict-free when no 16-byte bank
// group (chunk % 8) is hit by more distinct chunks than that. 4-byte accesses are conflict-free
// when no bank is hit by two distinct words (the same word is a broadcast).
int wavefronts_16b(const std::vector<int>& chunks) {
  std::map<int, std::set<int>> per_group;
  for (const int chunk : chunks)
    per_group[chunk % 8].insert(chunk);
  std::size_t most = 0;
  for (const auto& [group, distinct] : per_group)
    most = std::max(most, distinct.size());
  return static_cast<int>(most);
}
int min_wavefronts_16b(const std::vector<int>& chunks) {
  const std::set<int> distinct(chunks.begin(), chunks.end());
  return static_cast<int>((distinct.size() + 7) / 8);
}
bool conflict_free_16b(const std::vector<int>& chunks) {
  return wavefronts_16b(chunks) == min_wavefronts_16b(chunks);
}
bool conflict_free_4b(const std::vector<int>& words) {
  std::map<int, std::set<int>> per_bank;
  for (const int word : words)
    per_bank[word % 32].insert(word);
  for (const auto& [bank, distinct] : per_bank) {
    if (distinct.size() > 1) return false;
  }
  return true;
}

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
    EXPECT_TRUE(t.valid()) << name(config);
    EXPECT_LE(t.threads(), 1024) << name(config);
    // sm_86 / sm_89 allow 99 KiB of shared memory per block (sm_80 163 KiB, sm_90 227 KiB), so
    // every config runs everywhere; tests use that to run each on whatever card they have.
    EXPECT_LE(t.smem_bytes(), 99 * 1024) << name(config);
  }
  EXPECT_EQ(hgemm_tile(HgemmConfig::k128x128x32Stages3).smem_bytes(), 48 * 1024);
  EXPECT_EQ(hgemm_tile(HgemmConfig::k128x256x32Stages4).smem_bytes(), 96 * 1024);
  EXPECT_EQ(hgemm_tile(HgemmConfig::kFallback128x128x32).smem_bytes(), 32 * 1024);
  for (const SgemmConfig config : kSgemmConfigs) {
    const SgemmTile t = sgemm_tile(config);
    EXPECT_TRUE(t.valid()) << name(config);
    EXPECT_EQ(t.threads() % 32, 0) << name(config);
    EXPECT_LE(t.threads(), 1024) << name(config);
    EXPECT_EQ(t.stages, 2) << name(config) << ": double-buffered";
    EXPECT_LE(t.smem_bytes(), 48 * 1024) << name(config) << ": static shared memory";
    // What __launch_bounds__ leaves a thread must hold the accumulators, fragments and prefetch
    // registers, or ptxas spills (the SASS audit would then fail on local memory).
    EXPECT_LE(t.registers_needed(), t.register_budget()) << name(config);
    EXPECT_GE(t.register_budget(), 128) << name(config) << ": room for address math";
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

// --- HGEMM: copies, swizzle, ldmatrix, outputs

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
            ASSERT_TRUE(at.row >= 0 && at.row < op.rows) << name(config);
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
          EXPECT_TRUE(conflict_free_16b(stored)) << name(config) << " copy " << copy;
        }
      }
      for (const int h : hits)
        EXPECT_EQ(h, 1) << name(config);
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
                << name(config) << " A warp " << warp << " mi " << mi << " phase " << q;
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
                << name(config) << " B warp " << warp << " nj " << nj << " phase " << q;
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
      EXPECT_EQ(h, 1) << name(config);
  }
}

// --- SGEMM: outputs, copies, shared-memory layout

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
      EXPECT_EQ(h, 1) << name(config);
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
      EXPECT_EQ(h, 1) << name(config);
    for (const int h : b_hits)
      EXPECT_EQ(h, 1) << name(config);
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
    EXPECT_EQ(a_indices.size(), static_cast<std::size_t>(t.a_stage_floats())) << name(config);
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
          EXPECT_TRUE(conflict_free_4b(words)) << name(config) << " warp " << warp;
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
        EXPECT_TRUE(conflict_free_16b(chunks)) << name(config);
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
          EXPECT_TRUE(conflict_free_16b(a_chunks)) << name(config) << " k " << kk;
          EXPECT_TRUE(conflict_free_16b(b_chunks)) << name(config) << " k " << kk;
          EXPECT_EQ(wavefronts_16b(a_chunks), 1) << "4 broadcast vectors";
          EXPECT_EQ(wavefronts_16b(b_chunks), 1) << "8 consecutive vectors";
        }
      }
    }
  }
}

// --- CPU models of the kernels, from the same index math, against the reference.

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double element_at(const std::vector<double>& matrix, int cols, int row, int col) {
  return matrix[static_cast<std::size_t>(row) * static_cast<std::size_t>(cols) +
                static_cast<std::size_t>(col)];
}

// One launch of own_hgemm_kernel: per block and k tile, the copies fill a shared-memory tile
// (NaN where nothing is written), each warp's ldmatrix loads become fragments, the fragments are
// multiplied as mma.m16n8k16 defines, and the epilogue stores with its guards. `writes` counts
// the stores to each element of C.
std::vector<double> model_hgemm(HgemmTile t, int m, int n, int k, const std::vector<double>& a,
                                const std::vector<double>& b, std::vector<int>& writes) {
  std::vector<double> c(static_cast<std::size_t>(m) * static_cast<std::size_t>(n), kNaN);
  writes.assign(c.size(), 0);
  const int tiles_m = ceil_div(m, t.bm);
  const int tiles_n = ceil_div(n, t.bn);
  const int mt = t.mma_tiles_m();
  const int nt = t.mma_tiles_n();
  const auto acc_index = [&](int warp, int lane, int mi, int ni, int e) {
    return static_cast<std::size_t>((((warp * 32 + lane) * mt + mi) * nt + ni) * 4 + e);
  };
  for (int block = 0; block < tiles_m * tiles_n; ++block) {
    const MatrixCoord tile = block_tile(block, tiles_m, tiles_n, kBlockGroupM);
    const int row0 = tile.row * t.bm;
    const int col0 = tile.col * t.bn;
    std::vector<double> acc(static_cast<std::size_t>(t.threads() * mt * nt * 4), 0.0);
    for (int kt = 0; kt < ceil_div(k, t.bk); ++kt) {
      const int k0 = kt * t.bk;
      std::vector<double> as(static_cast<std::size_t>(t.bm * t.bk), kNaN);
      std::vector<double> bs(static_cast<std::size_t>(t.bk * t.bn), kNaN);
      for (int thread = 0; thread < t.threads(); ++thread) {
        for (int i = 0; i < t.a_copies_per_thread(); ++i) {
          const ChunkCoord ch = copy_chunk(thread, i, t.threads(), t.a_chunks_per_row());
          const int dst = swizzled_chunk_index(ch.row, ch.chunk, t.a_chunks_per_row()) * 8;
          const int row = row0 + ch.row;
          const int col = k0 + ch.chunk * 8;
          const int valid = valid_elements(row, col, m, k, 8);
          for (int e = 0; e < 8; ++e)
            as[static_cast<std::size_t>(dst + e)] =
                e < valid ? element_at(a, k, row, col + e) : 0.0;
        }
        for (int i = 0; i < t.b_copies_per_thread(); ++i) {
          const ChunkCoord ch = copy_chunk(thread, i, t.threads(), t.b_chunks_per_row());
          const int dst = swizzled_chunk_index(ch.row, ch.chunk, t.b_chunks_per_row()) * 8;
          const int row = k0 + ch.row;
          const int col = col0 + ch.chunk * 8;
          const int valid = valid_elements(row, col, k, n, 8);
          for (int e = 0; e < 8; ++e)
            bs[static_cast<std::size_t>(dst + e)] =
                e < valid ? element_at(b, n, row, col + e) : 0.0;
        }
      }
      for (int warp = 0; warp < t.warps(); ++warp) {
        const MatrixCoord origin = hgemm_warp_origin(t, warp);
        for (int ks = 0; ks < t.k_steps(); ++ks) {
          // frag_a[lane][mi][reg][e], frag_b[lane][ni][reg][e]
          std::vector<double> frag_a(static_cast<std::size_t>(32 * mt * 8));
          std::vector<double> frag_b(static_cast<std::size_t>(32 * nt * 4));
          for (int lane = 0; lane < 32; ++lane) {
            for (int q = 0; q < 4; ++q) {
              for (int e = 0; e < 2; ++e) {
                const MatrixCoord in_a = ldmatrix_element(lane, e, false);
                const ChunkCoord a_src = ldmatrix_a_source(8 * q + in_a.row);
                for (int mi = 0; mi < mt; ++mi) {
                  const int index = swizzled_chunk_index(
                      origin.row + mi * 16 + a_src.row, ks * 2 + a_src.chunk, t.a_chunks_per_row());
                  frag_a[static_cast<std::size_t>(((lane * mt + mi) * 4 + q) * 2 + e)] =
                      as[static_cast<std::size_t>(index * 8 + in_a.col)];
                }
                const MatrixCoord in_b = ldmatrix_element(lane, e, true);
                const ChunkCoord b_src = ldmatrix_b_trans_source(8 * q + in_b.row);
                for (int nj = 0; nj < nt / 2; ++nj) {
                  const int index = swizzled_chunk_index(ks * 16 + b_src.row,
                                                         (origin.col + nj * 16) / 8 + b_src.chunk,
                                                         t.b_chunks_per_row());
                  const int ni = 2 * nj + q / 2;
                  frag_b[static_cast<std::size_t>(((lane * nt + ni) * 2 + q % 2) * 2 + e)] =
                      bs[static_cast<std::size_t>(index * 8 + in_b.col)];
                }
              }
            }
          }
          for (int mi = 0; mi < mt; ++mi) {
            for (int ni = 0; ni < nt; ++ni) {
              std::array<std::array<double, 16>, 16> am{};
              std::array<std::array<double, 8>, 16> bm{};
              for (int lane = 0; lane < 32; ++lane) {
                for (int e = 0; e < 2; ++e) {
                  for (int reg = 0; reg < 4; ++reg) {
                    const MatrixCoord p = mma::a_coord(kM16N8K16, lane, reg, e);
                    am[static_cast<std::size_t>(p.row)][static_cast<std::size_t>(p.col)] =
                        frag_a[static_cast<std::size_t>(((lane * mt + mi) * 4 + reg) * 2 + e)];
                  }
                  for (int reg = 0; reg < 2; ++reg) {
                    const MatrixCoord p = mma::b_coord(kM16N8K16, lane, reg, e);
                    bm[static_cast<std::size_t>(p.row)][static_cast<std::size_t>(p.col)] =
                        frag_b[static_cast<std::size_t>(((lane * nt + ni) * 2 + reg) * 2 + e)];
                  }
                }
              }
              for (int lane = 0; lane < 32; ++lane) {
                for (int e = 0; e < 4; ++e) {
                  const MatrixCoord p = mma::c_coord(lane, e);
                  double sum = 0;
                  for (std::size_t kk = 0; kk < 16; ++kk) {
                    sum += am[static_cast<std::size_t>(p.row)][kk] *
                           bm[kk][static_cast<std::size_t>(p.col)];
                  }
                  acc[acc_index(warp, lane, mi, ni, e)] += sum;
                }
              }
            }
          }
        }
      }
    }
    for (int warp = 0; warp < t.warps(); ++warp) {
      for (int lane = 0; lane < 32; ++lane) {
        for (int mi = 0; mi < mt; ++mi) {
          for (int ni = 0; ni < nt; ++ni) {
            for (int pair = 0; pair < 2; ++pair) {
              const MatrixCoord p = hgemm_output(t, warp, lane, mi, ni, 2 * pair);
              const int row = row0 + p.row;
              const int col = col0 + p.col;
              const int valid = valid_elements(row, col, m, n, 2);
              for (int e = 0; e < valid; ++e) {
                const auto index = static_cast<std::size_t>(row) * static_cast<std::size_t>(n) +
                                   static_cast<std::size_t>(col + e);
                c[index] = acc[acc_index(warp, lane, mi, ni, 2 * pair + e)];
                ++writes[index];
              }
            }
          }
        }
      }
    }
  }
  return c;
}

// One launch of own_sgemm_kernel, likewise: copies into the transposed, swizzled A tile and the B
// tile, each thread's float4 reads and FMAs, and the guarded epilogue.
std::vector<double> model_sgemm(SgemmTile t, int m, int n, int k, const std::vector<double>& a,
                                const std::vector<double>& b, std::vector<int>& writes) {
  std::vector<double> c(static_cast<std::size_t>(m) * static_cast<std::size_t>(n), kNaN);
  writes.assign(c.size(), 0);
  const int tiles_m = ceil_div(m, t.bm);
  const int tiles_n = ceil_div(n, t.bn);
  const int half_m = t.warp_m() / 2;
  const int half_n = t.warp_n() / 2;
  for (int block = 0; block < tiles_m * tiles_n; ++block) {
    const MatrixCoord tile = block_tile(block, tiles_m, tiles_n, kBlockGroupM);
    const int row0 = tile.row * t.bm;
    const int col0 = tile.col * t.bn;
    std::vector<double> acc(static_cast<std::size_t>(t.threads() * 64), 0.0);
    for (int kt = 0; kt < ceil_div(k, t.bk); ++kt) {
      const int k0 = kt * t.bk;
      std::vector<double> as(static_cast<std::size_t>(t.a_stage_floats()), kNaN);
      std::vector<double> bs(static_cast<std::size_t>(t.b_stage_floats()), kNaN);
      for (int thread = 0; thread < t.threads(); ++thread) {
        for (int i = 0; i < t.a_copies_per_thread(); ++i) {
          const ChunkCoord ch = copy_chunk(thread, i, t.threads(), t.a_chunks_per_row());
          const int row = row0 + ch.row;
          const int col = k0 + ch.chunk * 4;
          const int valid = valid_elements(row, col, m, k, 4);
          for (int j = 0; j < 4; ++j) {
            as[static_cast<std::size_t>(sgemm_a_smem_index(t, ch.chunk * 4 + j, ch.row))] =
                j < valid ? element_at(a, k, row, col + j) : 0.0;
          }
        }
        for (int i = 0; i < t.b_copies_per_thread(); ++i) {
          const ChunkCoord ch = copy_chunk(thread, i, t.threads(), t.b_chunks_per_row());
          const int row = k0 + ch.row;
          const int col = col0 + ch.chunk * 4;
          const int valid = valid_elements(row, col, k, n, 4);
          for (int j = 0; j < 4; ++j) {
            bs[static_cast<std::size_t>(sgemm_b_smem_index(t, ch.row, ch.chunk * 4 + j))] =
                j < valid ? element_at(b, n, row, col + j) : 0.0;
          }
        }
      }
      for (int thread = 0; thread < t.threads(); ++thread) {
        const MatrixCoord origin = sgemm_output(t, thread, 0, 0);
        for (int kk = 0; kk < t.bk; ++kk) {
          std::array<double, 8> fa{};
          std::array<double, 8> fb{};
          for (int h = 0; h < 2; ++h) {
            const int ai = sgemm_a_smem_index(t, kk, origin.row + h * half_m);
            const int bi = sgemm_b_smem_index(t, kk, origin.col + h * half_n);
            for (int q = 0; q < 4; ++q) {
              fa[static_cast<std::size_t>(4 * h + q)] = as[static_cast<std::size_t>(ai + q)];
              fb[static_cast<std::size_t>(4 * h + q)] = bs[static_cast<std::size_t>(bi + q)];
            }
          }
          for (std::size_t i = 0; i < 8; ++i) {
            for (std::size_t j = 0; j < 8; ++j)
              acc[static_cast<std::size_t>(thread) * 64 + i * 8 + j] += fa[i] * fb[j];
          }
        }
      }
    }
    for (int thread = 0; thread < t.threads(); ++thread) {
      const MatrixCoord origin = sgemm_output(t, thread, 0, 0);
      for (int i = 0; i < 8; ++i) {
        const int row = row0 + origin.row + (i / 4) * half_m + i % 4;
        for (int h = 0; h < 2; ++h) {
          const int col = col0 + origin.col + h * half_n;
          const int valid = valid_elements(row, col, m, n, 4);
          for (int j = 0; j < valid; ++j) {
            const auto index = static_cast<std::size_t>(row) * static_cast<std::size_t>(n) +
                               static_cast<std::size_t>(col + j);
            c[index] = acc[static_cast<std::size_t>(thread * 64 + i * 8 + 4 * h + j)];
            ++writes[index];
          }
        }
      }
    }
  }
  return c;
}

struct Shape {
  int m, n, k;
};
// Odd sizes (every tail at once), exact tiles, more than one block and k tile, and sizes whose
// k and n are multiples of 8 (what the cp.async path requires) but not of the tiles.
constexpr Shape kModelShapes[] = {{1, 1, 1},      {7, 9, 13},     {17, 33, 9},    {65, 31, 47},
                                  {128, 128, 32}, {130, 260, 70}, {136, 264, 72}, {257, 129, 40}};

TEST(GemmReference, MatchesHandComputedProducts) {
  const std::vector<double> a = {1, 2, 3, 4, 5, 6};     // 2 x 3
  const std::vector<double> b = {7, 8, 9, 10, 11, 12};  // 3 x 2
  EXPECT_EQ(reference_gemm(2, 2, 3, a, b), (std::vector<double>{58, 64, 139, 154}));
  EXPECT_EQ(reference_gemm(1, 1, 1, std::vector<float>{3.f}, std::vector<float>{-2.f}),
            (std::vector<double>{-6}));
  // Against the textbook dot-product formulation on odd sizes.
  for (const Shape s : {Shape{17, 33, 9}, Shape{65, 31, 47}}) {
    const auto x = integer_matrix(s.m, s.k, 1);
    const auto y = integer_matrix(s.k, s.n, 2);
    const auto c = reference_gemm(s.m, s.n, s.k, x, y);
    for (int i = 0; i < s.m; ++i) {
      for (int j = 0; j < s.n; ++j) {
        double dot = 0;
        for (int p = 0; p < s.k; ++p)
          dot += element_at(x, s.k, i, p) * element_at(y, s.n, p, j);
        ASSERT_EQ(element_at(c, s.n, i, j), dot) << i << "," << j;
      }
    }
  }
  EXPECT_EQ(relative_frobenius_error(std::vector<double>{58, 64, 139, 154},
                                     reference_gemm(2, 2, 3, a, b)),
            0.0);
  EXPECT_NEAR(relative_frobenius_error(std::vector<double>{3, 0}, std::vector<double>{3, 4}),
              4.0 / 5.0, 1e-15);
}

TEST(GemmModel, HgemmIndexMathComputesTheProductOnOddSizes) {
  for (const HgemmConfig config : kHgemmConfigs) {
    for (const Shape s : kModelShapes) {
      const auto a = integer_matrix(s.m, s.k, s.m + 3 * s.k);
      const auto b = integer_matrix(s.k, s.n, s.n + 5 * s.k);
      std::vector<int> writes;
      const auto c = model_hgemm(hgemm_tile(config), s.m, s.n, s.k, a, b, writes);
      EXPECT_EQ(c, reference_gemm(s.m, s.n, s.k, a, b))
          << name(config) << " " << s.m << "x" << s.n << "x" << s.k;
      EXPECT_EQ(std::count(writes.begin(), writes.end(), 1), static_cast<long>(writes.size()))
          << "every element stored exactly once";
    }
  }
}

TEST(GemmModel, SgemmIndexMathComputesTheProductOnOddSizes) {
  for (const SgemmConfig config : kSgemmConfigs) {
    for (const Shape s : kModelShapes) {
      const auto a = integer_matrix(s.m, s.k, s.m + 3 * s.k);
      const auto b = integer_matrix(s.k, s.n, s.n + 5 * s.k);
      std::vector<int> writes;
      const auto c = model_sgemm(sgemm_tile(config), s.m, s.n, s.k, a, b, writes);
      EXPECT_EQ(c, reference_gemm(s.m, s.n, s.k, a, b))
          << name(config) << " " << s.m << "x" << s.n << "x" << s.k;
      EXPECT_EQ(std::count(writes.begin(), writes.end(), 1), static_cast<long>(writes.size()))
          << "every element stored exactly once";
    }
  }
}

}  // namespace
}  // namespace gpubench::gemm
