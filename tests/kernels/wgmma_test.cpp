// Hopper's wgmma layout math (kernels/common/wgmma_layout.hpp) against the PTX ISA's documented
// layouts, the wgmma peak chain's CPU model, and -- on a compute capability 9.0 device -- the
// peak kernels checked bit for bit against that model.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "harness/device_buffer.hpp"
#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/wgmma_layout.hpp"
#include "kernels/compute/compute_reference.hpp"
#include "kernels/compute/wgmma_kernels.hpp"
#include "kernels/gemm/wgmma_hgemm_tiling.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using compute::ComputeOp;

// --- 128-byte swizzle

// The PTX ISA's "K major 128B swizzling" figure, in 16-byte chunks: which logical chunk each
// physical position of rows 0..7 of an atom holds.
constexpr int kDocumentedAtom[8][8] = {{0, 1, 2, 3, 4, 5, 6, 7}, {1, 0, 3, 2, 5, 4, 7, 6},
                                       {2, 3, 0, 1, 6, 7, 4, 5}, {3, 2, 1, 0, 7, 6, 5, 4},
                                       {4, 5, 6, 7, 0, 1, 2, 3}, {5, 4, 7, 6, 1, 0, 3, 2},
                                       {6, 7, 4, 5, 2, 3, 0, 1}, {7, 6, 5, 4, 3, 2, 1, 0}};

TEST(WgmmaLayout, Swizzle128MatchesThePtxFigure) {
  for (int row = 0; row < 16; ++row) {
    for (int position = 0; position < 8; ++position) {
      const int chunk = kDocumentedAtom[row % 8][position];
      EXPECT_EQ(wgmma::swizzle128_offset(row, chunk * 16),
                static_cast<std::uint32_t>(row * 128 + position * 16))
          << "row " << row << " chunk " << chunk;
    }
  }
  // Bytes inside a chunk stay in order.
  EXPECT_EQ(wgmma::swizzle128_offset(3, 5), 3u * 128 + 3 * 16 + 5);
  EXPECT_EQ(wgmma::swizzle128_offset(9, 16 + 15), 9u * 128 + (1 ^ 1) * 16 + 15);
}

TEST(WgmmaLayout, Swizzle128IsTheAddressBitXorAndAPermutationOfEachAtom) {
  for (int atom = 0; atom < 3; ++atom) {
    std::set<std::uint32_t> seen;
    for (int row = 8 * atom; row < 8 * atom + 8; ++row) {
      for (int byte = 0; byte < 128; ++byte) {
        const std::uint32_t offset = wgmma::swizzle128_offset(row, byte);
        EXPECT_EQ(offset, wgmma::swizzle128_address(static_cast<std::uint32_t>(row * 128 + byte)));
        EXPECT_EQ(offset / 1024, static_cast<std::uint32_t>(atom)) << "left its atom";
        seen.insert(offset);
      }
    }
    EXPECT_EQ(seen.size(), 1024u);
  }
}

// --- descriptors

TEST(WgmmaLayout, DescriptorFieldsSitWhereThePtxIsaPutsThem) {
  // start 0x400 >> 4 in bits 0-13, LBO 16 >> 4 in 16-29, SBO 1024 >> 4 in 32-45, 128B swizzle
  // (1) in bits 62-63, base offset 0.
  EXPECT_EQ(wgmma::matrix_descriptor(0x400, 16, 1024, wgmma::SmemLayout::kSwizzle128),
            0x4000004000010040ull);
  EXPECT_EQ(wgmma::matrix_descriptor(0x3FFF0, 0x3FFF0, 0x3FFF0, wgmma::SmemLayout::kInterleave),
            0x00003FFF3FFF3FFFull);
  EXPECT_EQ(wgmma::matrix_descriptor(0, 0, 0, wgmma::SmemLayout::kSwizzle32),
            0xC000000000000000ull);
  // Addresses above the 256 KiB window and the 4 low bits are dropped.
  EXPECT_EQ(wgmma::matrix_descriptor(0x4000F, 0, 0, wgmma::SmemLayout::kInterleave), 0u);
}

TEST(WgmmaLayout, KMajorSlicesAdvanceThirtyTwoBytes) {
  const std::uint64_t base = wgmma::k_major_descriptor(0x2000, 0);
  EXPECT_EQ(base & 0x3FFF, 0x2000u >> 4);
  EXPECT_EQ((base >> 16) & 0x3FFF, 1u);   // LBO: "assumed 1" for swizzled K-major
  EXPECT_EQ((base >> 32) & 0x3FFF, 64u);  // SBO: 1024-byte atoms
  EXPECT_EQ(base >> 62, 1u);
  for (int s = 1; s < 4; ++s) {
    EXPECT_EQ(wgmma::k_major_descriptor(0x2000, s), base + static_cast<std::uint64_t>(2 * s));
  }
}

TEST(WgmmaLayout, MnMajorPanelsAndSlices) {
  const std::uint32_t panel = 64 * 128;  // 64 k rows of 128 bytes
  const std::uint64_t d = wgmma::mn_major_descriptor(0x8000, panel, 0);
  EXPECT_EQ(d & 0x3FFF, 0x8000u >> 4);
  EXPECT_EQ((d >> 16) & 0x3FFF, panel >> 4);
  EXPECT_EQ((d >> 32) & 0x3FFF, 64u);
  EXPECT_EQ(d >> 62, 1u);
  EXPECT_EQ(wgmma::mn_major_descriptor(0x8000, panel, 3), d + 3 * (2048 >> 4));
  // Element (k, n): panel n / 64, row k, two bytes per n, swizzled.
  EXPECT_EQ(wgmma::mn_major_offset(0, 0, panel), 0u);
  EXPECT_EQ(wgmma::mn_major_offset(0, 63, panel), 126u);
  EXPECT_EQ(wgmma::mn_major_offset(1, 0, panel), 128u + 16);
  EXPECT_EQ(wgmma::mn_major_offset(2, 65, panel), panel + 2 * 128 + 2 * 16 + 2);
  EXPECT_EQ(wgmma::mn_major_offset(9, 8, panel), 9u * 128 + (1 ^ 1) * 16);
}

// --- accumulator fragment

TEST(WgmmaLayout, AccumulatorFragmentMatchesThePtxFigure) {
  using wgmma::FragmentCoord;
  // Thread 0: d0, d1 = row 0 cols 0, 1; d2, d3 = row 8; d4 = row 0 col 8.
  EXPECT_EQ(wgmma::accumulator_coord(0, 0), (FragmentCoord{0, 0}));
  EXPECT_EQ(wgmma::accumulator_coord(0, 1), (FragmentCoord{0, 1}));
  EXPECT_EQ(wgmma::accumulator_coord(0, 2), (FragmentCoord{8, 0}));
  EXPECT_EQ(wgmma::accumulator_coord(0, 3), (FragmentCoord{8, 1}));
  EXPECT_EQ(wgmma::accumulator_coord(0, 4), (FragmentCoord{0, 8}));
  EXPECT_EQ(wgmma::accumulator_coord(5, 0), (FragmentCoord{1, 2}));
  EXPECT_EQ(wgmma::accumulator_coord(31, 127), (FragmentCoord{15, 255}));
  EXPECT_EQ(wgmma::accumulator_coord(32, 0), (FragmentCoord{16, 0}));
  EXPECT_EQ(wgmma::accumulator_coord(127, 126), (FragmentCoord{63, 254}));
  // Warp 0's first 8 columns are the mma.sync m16n8 accumulator layout.
  for (int lane = 0; lane < 32; ++lane) {
    for (int i = 0; i < 4; ++i) {
      const mma::MatrixCoord c = mma::c_coord(lane, i);
      EXPECT_EQ(wgmma::accumulator_coord(lane, i), (FragmentCoord{c.row, c.col}));
    }
  }
}

TEST(WgmmaLayout, AccumulatorFragmentCoversTheTileOnce) {
  std::vector<int> hits(64 * 256, 0);
  for (int thread = 0; thread < 128; ++thread) {
    for (int i = 0; i < 128; ++i) {
      const auto at = wgmma::accumulator_coord(thread, i);
      ASSERT_TRUE(at.row >= 0 && at.row < 64 && at.col >= 0 && at.col < 256);
      ++hits[static_cast<std::size_t>(at.row * 256 + at.col)];
    }
  }
  EXPECT_TRUE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
}

// --- the Hopper HGEMM's geometry (kernels/gemm/wgmma_hgemm_tiling.hpp)

namespace hopper = gemm::hopper;

TEST(WgmmaHgemmTiling, StagesFitAndStayAtomAligned) {
  EXPECT_EQ(hopper::kAStageBytes, 16 * 1024);
  EXPECT_EQ(hopper::kBStageBytes, 32 * 1024);
  EXPECT_LE(hopper::kSmemBytes, 227 * 1024) << "over the per-block opt-in shared memory of sm_90";
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

// --- the peak chain's model

constexpr ComputeOp kWgmmaOps[] = {
    ComputeOp::kMmaF16F16,  ComputeOp::kMmaF16F32,  ComputeOp::kMmaBf16F32,
    ComputeOp::kMmaTf32F32, ComputeOp::kMmaS8S32,   ComputeOp::kMmaE4m3F32,
    ComputeOp::kMmaE5m2F32, ComputeOp::kMmaE4m3F16, ComputeOp::kMmaE5m2F16};

TEST(WgmmaMath, ShapesAndWork) {
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaF16F32), 16);
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaBf16F32), 16);
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaTf32F32), 8);
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaE4m3F16), 32);
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaS8S32), 32);
  EXPECT_EQ(compute::wgmma_tile_k(ComputeOp::kMmaF16F16), 64);
  EXPECT_EQ(compute::wgmma_tile_k(ComputeOp::kMmaTf32F32), 32);
  EXPECT_EQ(compute::wgmma_tile_k(ComputeOp::kMmaE5m2F32), 128);
  EXPECT_EQ(compute::wgmma_output_words(ComputeOp::kMmaF16F16), 64);
  EXPECT_EQ(compute::wgmma_output_words(ComputeOp::kMmaF16F32), 128);
  EXPECT_EQ(compute::wgmma_output_words(ComputeOp::kMmaS8S32), 128);
  EXPECT_EQ(compute::wgmma_smem_bytes(), 72 * 1024);
  EXPECT_FALSE(compute::has_wgmma(ComputeOp::kMmaS4S32));
  EXPECT_FALSE(compute::has_wgmma(ComputeOp::kFfma));
  // 2 blocks, 8 pairs: (16 + 4) wgmma of 64 x 256 x 16 each.
  EXPECT_DOUBLE_EQ(compute::wgmma_launch_flops(ComputeOp::kMmaF16F32, 2, 8),
                   2.0 * 20 * 2 * 64 * 256 * 16);
}

TEST(WgmmaMath, TableModelEqualsThePerWordModelAndStaysExact) {
  for (const ComputeOp op : kWgmmaOps) {
    const std::uint32_t seed = 0x1234u;
    for (const std::uint32_t block : {0u, 7u}) {
      const auto expected = compute::wgmma_expected_words(op, seed, block);
      const int words = compute::wgmma_output_words(op);
      ASSERT_EQ(expected.size(), static_cast<std::size_t>(128 * words));
      for (const int thread : {0, 37, 127}) {
        for (int w = 0; w < words; w += 13) {
          EXPECT_EQ(expected[static_cast<std::size_t>(thread * words + w)],
                    compute::wgmma_accumulator_word(op, seed, block, thread, w, true))
              << "op " << static_cast<int>(op) << " thread " << thread << " word " << w;
        }
      }
      // The product must change the accumulator somewhere, or the check would prove nothing.
      int changed = 0;
      for (int w = 0; w < words; ++w) {
        changed += expected[static_cast<std::size_t>(w)] !=
                   compute::wgmma_accumulator_word(op, seed, block, 0, w, false);
      }
      EXPECT_GT(changed, words / 2) << static_cast<int>(op);
    }
  }
}

// --- the kernels, on a compute capability 9.0 device

TEST(WgmmaKernels, OnlyHopperRunsThem) {
  EXPECT_FALSE(compute::wgmma_runs_on(ComputeOp::kMmaF16F32, 89));
  EXPECT_FALSE(compute::wgmma_runs_on(ComputeOp::kMmaF16F32, 100));
  EXPECT_FALSE(compute::wgmma_runs_on(ComputeOp::kMmaS4S32, 90));
  EXPECT_EQ(compute::wgmma_runs_on(ComputeOp::kMmaF16F32, 90), compute::wgmma_kernels_built());
}

TEST(WgmmaKernels, EveryBlockMatchesTheCpuModelBitForBit) {
  GPUBENCH_REQUIRE_GPU();
  if (!compute::wgmma_runs_on(ComputeOp::kMmaF16F32, current_device_sm())) {
    GTEST_SKIP() << "wgmma kernels run on compute capability 9.0 only (or were not built)";
  }
  constexpr std::uint32_t kSeed = 0x9e3779b9u;
  for (const ComputeOp op : kWgmmaOps) {
    int device = 0;
    GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
    const int full_wave = compute::wgmma_full_wave_blocks(op, device);
    ASSERT_GT(full_wave, 0) << static_cast<int>(op);
    // A few blocks of a short chain, and a whole wave of a longer one (every block checked).
    for (const auto& [blocks, iterations] : {std::pair{3, 8LL}, std::pair{full_wave, 64LL}}) {
      const int words = compute::wgmma_output_words(op);
      const std::size_t count = static_cast<std::size_t>(blocks) * 128 * words;
      DeviceBuffer<std::uint32_t> out(count);
      DeviceBuffer<common::ClockSample> clock(1);
      GPUBENCH_CUDA_CHECK(cudaMemset(out.get(), 0xff, count * sizeof(std::uint32_t)));
      compute::launch_wgmma_throughput(op, blocks, iterations, kSeed, out.get(), clock.get(),
                                       nullptr);
      GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize());
      std::vector<std::uint32_t> got(count);
      common::ClockSample sample{};
      GPUBENCH_CUDA_CHECK(
          cudaMemcpy(got.data(), out.get(), count * sizeof(std::uint32_t), cudaMemcpyDeviceToHost));
      GPUBENCH_CUDA_CHECK(cudaMemcpy(&sample, clock.get(), sizeof sample, cudaMemcpyDeviceToHost));
      EXPECT_GT(sample.cycles, 0u);
      int wrong = 0;
      for (int block = 0; block < blocks && wrong < 5; ++block) {
        const auto expected =
            compute::wgmma_expected_words(op, kSeed, static_cast<std::uint32_t>(block));
        for (std::size_t i = 0; i < expected.size() && wrong < 5; ++i) {
          const std::uint32_t value = got[static_cast<std::size_t>(block) * expected.size() + i];
          if (value != expected[i]) {
            ++wrong;
            ADD_FAILURE() << "op " << static_cast<int>(op) << " block " << block << " thread "
                          << i / static_cast<std::size_t>(words) << " word "
                          << i % static_cast<std::size_t>(words) << ": " << std::hex << value
                          << ", expected " << expected[i];
          }
        }
      }
    }
  }
}

TEST(WgmmaKernels, DeclineOffHopper) {
  GPUBENCH_REQUIRE_GPU();
  if (current_device_sm() == 90) GTEST_SKIP() << "this is a Hopper device";
  EXPECT_THROW(
      compute::launch_wgmma_throughput(ComputeOp::kMmaF16F32, 1, 4, 1, nullptr, nullptr, nullptr),
      std::invalid_argument);
}

}  // namespace
}  // namespace gpubench
