// Hopper's wgmma layout math (kernels/common/wgmma_layout.hpp) against the PTX ISA's documented
// layouts: the 128-byte swizzle, the descriptors and the accumulator fragment.
#include "kernels/common/wgmma_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "kernels/common/mma_layout.hpp"
#include "support/wgmma_model.hpp"

namespace gpubench {
namespace {

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

// What the compute suite's wgmma kernels store with k_major_offset is what wgmma reads through
// k_major_descriptor, for 1-, 2- and 4-byte inputs (fp8/s8, f16/bf16, tf32): every row of the
// m64 A and n256 B tiles and every k of each 32-byte slice.
TEST(WgmmaLayout, KMajorDescriptorsReadWhatKMajorOffsetsStore) {
  const std::uint32_t base = 0x6000;  // 1024-aligned
  for (const int bytes : {1, 2, 4}) {
    const int slice_k = wgmma::kKSliceBytes / bytes;
    for (int slice = 0; slice < wgmma::kSwizzleRowBytes / wgmma::kKSliceBytes; ++slice) {
      const std::uint64_t descriptor = wgmma::k_major_descriptor(base, slice);
      for (int mn = 0; mn < 256; ++mn) {
        for (int k = 0; k < slice_k; ++k) {
          ASSERT_EQ(testing::wgmma_reads_k_major(descriptor, mn, k, bytes),
                    base + wgmma::k_major_offset(mn, slice * slice_k + k, bytes))
              << bytes << "-byte elements, slice " << slice << ", row " << mn << ", k " << k;
        }
      }
    }
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

// The kernel's formula against the PTX ISA's figure transcribed separately (position -> owner,
// tests/support/wgmma_model.hpp): all 128 threads x 128 elements of an m64n256 accumulator, and
// every narrower N the kernels' chunks repeat.
TEST(WgmmaLayout, AccumulatorFragmentMatchesTheSeparateTranscriptionEverywhere) {
  for (const int n : {8, 16, 64, 128, 256}) {
    const std::vector<testing::DPosition> table = testing::ptx_d_fragment_table(n);
    int wrong = 0;
    for (int thread = 0; thread < 128 && wrong < 5; ++thread) {
      for (int i = 0; i < n / 2 && wrong < 5; ++i) {
        const testing::DPosition expected = table[static_cast<std::size_t>(thread * n / 2 + i)];
        const wgmma::FragmentCoord got = wgmma::accumulator_coord(thread, i);
        if (got.row != expected.row || got.col != expected.col) {
          ++wrong;
          ADD_FAILURE() << "n" << n << " thread " << thread << " d" << i << ": kernel (" << got.row
                        << ", " << got.col << "), PTX figure (" << expected.row << ", "
                        << expected.col << ")";
        }
      }
    }
  }
  // The transcription itself covers D once: every entry was written.
  for (const testing::DPosition& position : testing::ptx_d_fragment_table(256))
    ASSERT_GE(position.row, 0);
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

}  // namespace
}  // namespace gpubench
