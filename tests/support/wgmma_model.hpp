#pragma once
// Two models of Hopper's hardware for the CPU tests of the wgmma kernels, written from the
// documentation rather than from the kernels' offset functions (kernels/common/wgmma_layout.hpp):
// where TMA's 128B swizzle puts a box element, and which shared-memory byte wgmma reads for an
// operand element given its descriptor (the PTX ISA's canonical layouts, as CUTLASS's
// make_gmma_desc reads them).

#include <gtest/gtest.h>

#include <cstdint>

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

}  // namespace gpubench::testing
