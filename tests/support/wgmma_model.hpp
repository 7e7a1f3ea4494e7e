#pragma once
// Models of Hopper's hardware for the CPU tests of the wgmma kernels, written from the
// documentation rather than from the kernels' offset functions (kernels/common/wgmma_layout.hpp):
// where TMA's 128B swizzle puts a box element, which shared-memory byte wgmma reads for an
// operand element given its descriptor (the PTX ISA's canonical layouts, as CUTLASS's
// make_gmma_desc reads them), and which thread's which accumulator element holds each element of
// D (the PTX ISA's D-fragment figure).

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace gpubench::testing {

struct DecodedDescriptor {
  std::uint32_t start, lbo, sbo, layout;
};
inline DecodedDescriptor decode(std::uint64_t descriptor) {
  return {static_cast<std::uint32_t>(descriptor & 0x3FFF) << 4,
          static_cast<std::uint32_t>((descriptor >> 16) & 0x3FFF) << 4,
          static_cast<std::uint32_t>((descriptor >> 32) & 0x3FFF) << 4,
          static_cast<std::uint32_t>(descriptor >> 62)};
}

// The 128B swizzle of a linear shared-memory address: its 16-byte chunk XORed with its row within
// an 8-row (1024-byte) group.
inline std::uint32_t swizzle128(std::uint32_t linear) {
  return linear ^ (((linear >> 7) & 7u) << 4);
}

// TMA (CU_TENSOR_MAP_SWIZZLE_128B) writes a box as rows of 128 bytes from a 1024-aligned base.
inline std::uint32_t tma_written(std::uint32_t box_base, int row, int byte_in_row) {
  return swizzle128(box_base + static_cast<std::uint32_t>(row * 128 + byte_in_row));
}

// K-major, 128B swizzle, elements of `element_bytes`: row mn of each 8-row group 128 bytes apart,
// groups SBO apart, k contiguous from the start address (one wgmma's K is 32 bytes); LBO unused.
inline std::uint32_t wgmma_reads_k_major(std::uint64_t descriptor, int mn, int k,
                                         int element_bytes = 2) {
  const DecodedDescriptor d = decode(descriptor);
  EXPECT_EQ(d.layout, 1u) << "128B swizzle";
  return swizzle128(d.start + static_cast<std::uint32_t>(mn % 8) * 128 +
                    static_cast<std::uint32_t>(mn / 8) * d.sbo +
                    static_cast<std::uint32_t>(k * element_bytes));
}

// MN-major, 128B swizzle, 16-bit elements: 64 consecutive mn in a 128-byte row, 64-wide groups LBO
// apart; k rows 128 bytes apart, 8-row groups SBO apart.
inline std::uint32_t wgmma_reads_mn_major(std::uint64_t descriptor, int k, int mn) {
  const DecodedDescriptor d = decode(descriptor);
  EXPECT_EQ(d.layout, 1u) << "128B swizzle";
  return swizzle128(d.start + static_cast<std::uint32_t>(mn % 64) * 2 +
                    static_cast<std::uint32_t>(mn / 64) * d.lbo +
                    static_cast<std::uint32_t>(k % 8) * 128 +
                    static_cast<std::uint32_t>(k / 8) * d.sbo);
}

// --- the accumulator D of wgmma.mma_async.m64nNk* (f32 / s32 / f16 accumulators alike)
//
// The PTX ISA's figure "WGMMA .m64nNk16 register fragment layout for accumulator matrix D"
// (section "Matrix Fragments for wgmma.mma_async.m64nNk16", anchor wgmma-64N16-D), read the way it
// is drawn: position by position, rather than as the kernel's formula from (thread, element).
// The 64 rows are four 16-row bands, one per warp of the warpgroup (warp w: rows 16w..16w+15).
// Within a band, row r16 belongs to the lanes of group r16 % 8 (lanes 4g..4g+3); rows 0-7 of the
// band take a lane's elements d{4c}, d{4c+1} of column chunk c, rows 8-15 its d{4c+2}, d{4c+3}.
// The N columns are N / 8 chunks of eight; in a chunk, lane 4g + p holds columns 2p and 2p + 1.
// (Microsoft's MMA-Sim, tests/nv/cuda/mma_sm90.cu, stores D of m64n8k16 with the same
// positions on a real sm_90 device.)
struct DFragmentOwner {
  int thread;   // 0..127 in the warpgroup
  int element;  // 0..N/2-1: the thread's d{element}
  bool operator==(const DFragmentOwner&) const = default;
};

inline DFragmentOwner ptx_d_fragment_owner(int row, int col) {
  const int warp = row / 16;
  const int row_in_band = row % 16;
  const int lane_group = row_in_band % 8;
  const bool lower_half = row_in_band >= 8;  // rows 8..15 of the band
  const int chunk = col / 8;
  const int pair = (col % 8) / 2;
  const int lane = 4 * lane_group + pair;
  const int element = 4 * chunk + (lower_half ? 2 : 0) + col % 2;
  return {32 * warp + lane, element};
}

// The whole table for an m64nN accumulator, thread by thread: entry [thread * N / 2 + element]
// is the (row, col) of D that element holds. Built from ptx_d_fragment_owner; every position of D
// must be owned exactly once (checked by the tests that use it).
struct DPosition {
  int row = -1;
  int col = -1;
  bool operator==(const DPosition&) const = default;
};

inline std::vector<DPosition> ptx_d_fragment_table(int n) {
  std::vector<DPosition> table(static_cast<std::size_t>(128 * n / 2));
  for (int row = 0; row < 64; ++row) {
    for (int col = 0; col < n; ++col) {
      const DFragmentOwner owner = ptx_d_fragment_owner(row, col);
      table.at(static_cast<std::size_t>(owner.thread * n / 2 + owner.element)) = {row, col};
    }
  }
  return table;
}

}  // namespace gpubench::testing
