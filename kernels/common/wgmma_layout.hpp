#pragma once
// Shared-memory layout, matrix-descriptor and accumulator-fragment math for Hopper's warpgroup
// MMA (wgmma.mma_async, sm_90a), after the PTX ISA's "Asynchronous Warpgroup Level Matrix"
// sections. The kernels that use wgmma (kernels/compute/wgmma_kernels.cu, kernels/gemm/
// wgmma_hgemm.cu) and their CPU tests (tests/kernels/common/wgmma_layout_test.cpp) share these
// functions, so a wrong mapping fails a bit-exact check instead of producing a figure.
//
// Only the 128-byte swizzle is used: TMA writes it (CU_TENSOR_MAP_SWIZZLE_128B) and wgmma reads
// it (descriptor layout type 1). A tile is stored as rows of 128 bytes; within each group of 8
// rows (a 1024-byte "swizzle atom"), the 16-byte chunk c of row r sits at chunk position
// c XOR (r % 8). In address terms: bits [4:6] of the byte address are XORed with bits [7:9], which
// is why every atom must start at a 1024-byte-aligned shared-memory address.

#include <cstdint>

#include "kernels/common/host_device.hpp"

namespace gpubench::wgmma {

inline constexpr int kSwizzleRowBytes = 128;    // one row of a 128B-swizzled tile
inline constexpr int kSwizzleAtomRows = 8;      // rows per swizzle atom
inline constexpr int kSwizzleAtomBytes = 1024;  // kSwizzleAtomRows x kSwizzleRowBytes
inline constexpr int kWarpgroupThreads = 128;
inline constexpr int kWgmmaM = 64;       // every wgmma computes 64 rows of D
inline constexpr int kKSliceBytes = 32;  // one wgmma's K extent in bytes, for every input type

// Byte offset of byte `byte_in_row` of row `row` in a 128B-swizzled tile whose first atom starts
// at a 1024-byte boundary.
GPUBENCH_HD constexpr std::uint32_t swizzle128_offset(int row, int byte_in_row) {
  const int chunk = byte_in_row / 16;
  const int swizzled = chunk ^ (row % kSwizzleAtomRows);
  return static_cast<std::uint32_t>(row * kSwizzleRowBytes + swizzled * 16 + byte_in_row % 16);
}

// The same swizzle as a function of the unswizzled byte offset (what TMA and the tensor core
// apply to addresses): bits [4:6] ^= bits [7:9].
GPUBENCH_HD constexpr std::uint32_t swizzle128_address(std::uint32_t linear) {
  return linear ^ ((linear >> 3) & 0x70u);
}

// Layout type, bits 62-63 of a matrix descriptor.
enum class SmemLayout : std::uint32_t {
  kInterleave = 0,
  kSwizzle128 = 1,
  kSwizzle64 = 2,
  kSwizzle32 = 3
};

// A wgmma shared-memory matrix descriptor: start address, leading-dimension byte offset (LBO)
// and stride-dimension byte offset (SBO), each stored >> 4 in 14 bits (bits 0-13, 16-29, 32-45),
// base offset 0 (bits 49-51: atoms are 1024-byte aligned), layout type in bits 62-63.
GPUBENCH_HD constexpr std::uint64_t matrix_descriptor(std::uint32_t smem_address,
                                                      std::uint32_t leading_byte_offset,
                                                      std::uint32_t stride_byte_offset,
                                                      SmemLayout layout) {
  return static_cast<std::uint64_t>((smem_address & 0x3FFFFu) >> 4) |
         (static_cast<std::uint64_t>((leading_byte_offset >> 4) & 0x3FFFu) << 16) |
         (static_cast<std::uint64_t>((stride_byte_offset >> 4) & 0x3FFFu) << 32) |
         (static_cast<std::uint64_t>(layout) << 62);
}

// K-major operand (A as M x K row-major, B as N x K, "not transposed") in 128B swizzle: rows of
// the M (N) dimension are 128-byte rows; 8-row atoms follow each other every 1024 bytes (SBO).
// LBO is unused for swizzled K-major layouts (the PTX ISA says "assumed to be 1"); it is set to 1
// (16 bytes) as the ISA's examples do. The k-th K slice of 32 bytes starts 32 * k bytes in.
GPUBENCH_HD constexpr std::uint64_t k_major_descriptor(std::uint32_t tile_address, int k_slice) {
  return matrix_descriptor(tile_address + static_cast<std::uint32_t>(k_slice * kKSliceBytes), 16,
                           kSwizzleAtomBytes, SmemLayout::kSwizzle128);
}

// MN-major operand (B as K x N row-major, "transposed", 16-bit types only) in 128B swizzle: each
// 128-byte row holds 64 consecutive N elements of one k; a panel is the tile's K rows of one
// 64-wide N range, panels follow each other every `panel_bytes` (LBO: the stride between
// 128-byte groups along N); 8-k atoms follow each other every 1024 bytes (SBO). A 16-deep K slice
// (one f16 wgmma) is two atoms: slice k starts 2048 * k bytes in. This is the PTX ISA's canonical
// MN-major 128B-swizzle layout as CUTLASS's make_gmma_desc<Major::MN> reads it (in 16-byte units
// ((8,n),(8,k)) : ((1,LBO),(8,SBO))): LBO steps along MN between 64-element groups, SBO along K
// between 8-row groups -- the reverse of the roles they have in the interleaved layout.
GPUBENCH_HD constexpr std::uint64_t mn_major_descriptor(std::uint32_t tile_address,
                                                        std::uint32_t panel_bytes, int k_slice) {
  return matrix_descriptor(
      tile_address + static_cast<std::uint32_t>(k_slice * 2 * kSwizzleAtomBytes), panel_bytes,
      kSwizzleAtomBytes, SmemLayout::kSwizzle128);
}

// Where element (k, n) of an MN-major 16-bit K x N tile stored as above lives, in bytes from the
// tile's start: panel n / 64, row k, byte 2 * (n % 64) of that row, swizzled.
GPUBENCH_HD constexpr std::uint32_t mn_major_offset(int k, int n, std::uint32_t panel_bytes) {
  return static_cast<std::uint32_t>(n / 64) * panel_bytes + swizzle128_offset(k, 2 * (n % 64));
}

// Where element (row, k) of a K-major tile of `element_bytes` elements, 128 bytes per row, lives.
GPUBENCH_HD constexpr std::uint32_t k_major_offset(int row, int k, int element_bytes) {
  return swizzle128_offset(row, k * element_bytes);
}

struct FragmentCoord {
  int row;
  int col;
  GPUBENCH_HD constexpr bool operator==(const FragmentCoord& other) const {
    return row == other.row && col == other.col;
  }
};

// Element i (0 .. N/2 - 1) of a thread's m64nN accumulator (f32 / s32: register i; f16:
// half i % 2 of register i / 2, the even element in the low half). Per the PTX ISA's "WGMMA
// .m64nNk* register fragment layout for accumulator matrix D": warp w of the warpgroup holds rows
// 16w..16w+15; in each 8-column group, a lane holds two adjacent columns of row lane / 4 and of
// row lane / 4 + 8 -- the mma.sync m16n8 accumulator layout repeated N / 8 times.
GPUBENCH_HD constexpr FragmentCoord accumulator_coord(int thread_in_warpgroup, int i) {
  const int warp = thread_in_warpgroup / 32;
  const int lane = thread_in_warpgroup % 32;
  return {16 * warp + lane / 4 + 8 * ((i / 2) % 2), 8 * (i / 4) + 2 * (lane % 4) + i % 2};
}

}  // namespace gpubench::wgmma
