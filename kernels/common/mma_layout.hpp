#pragma once
// Which matrix element each lane's registers hold for mma.sync, per the PTX ISA's "Matrix
// Fragments for mma.m16n8k*" and "mma.m8n8k*" figures. Shared by the compute kernels (to pack
// operands), the GEMM kernels (to place accumulators) and the CPU reference (to know which product
// each accumulator word must equal), so a wrong mapping fails the benchmark instead of producing a
// figure.
//
// For the row-major A (M x K) and column-major B (K x 8) of every shape used here, with e elements
// per 32-bit register (f16/bf16: 2, tf32: 1, s8/e4m3/e5m2: 4, s4: 8), groupID = lane / 4 and
// threadID_in_group = lane % 4:
//   A register r, element j:  row = groupID + 8 * (r % 2) (M = 16) or groupID (M = 8),
//                             col = threadID_in_group * e + j + (K / 2) * (r / 2) (M = 16),
//                                   threadID_in_group * e + j (M = 8)
//   B register r, element j:  row = threadID_in_group * e + j + (K / 2) * r,  col = groupID
//   C/D element i:            row = groupID + 8 * (i / 2),  col = threadID_in_group * 2 + i % 2

#include "kernels/common/host_device.hpp"

namespace gpubench::mma {

struct MatrixCoord {
  int row;
  int col;
  GPUBENCH_HD constexpr bool operator==(const MatrixCoord& other) const {
    return row == other.row && col == other.col;
  }
};

struct MmaShape {
  int m;                 // 16 or 8
  int k;                 // reduction depth
  int elements_per_reg;  // of A and B
  GPUBENCH_HD constexpr int n() const { return 8; }
  GPUBENCH_HD constexpr int a_registers() const { return m * k / (32 * elements_per_reg); }
  GPUBENCH_HD constexpr int b_registers() const { return k * 8 / (32 * elements_per_reg); }
  GPUBENCH_HD constexpr int c_elements() const { return m * 8 / 32; }  // per lane
  GPUBENCH_HD constexpr long long flops() const { return 2LL * m * 8 * k; }
};

GPUBENCH_HD constexpr MatrixCoord a_coord(MmaShape shape, int lane, int reg, int element) {
  const int group = lane / 4;
  const int in_group = lane % 4;
  if (shape.m == 8) return {group, in_group * shape.elements_per_reg + element};
  return {group + 8 * (reg % 2),
          in_group * shape.elements_per_reg + element + (shape.k / 2) * (reg / 2)};
}

GPUBENCH_HD constexpr MatrixCoord b_coord(MmaShape shape, int lane, int reg, int element) {
  return {(lane % 4) * shape.elements_per_reg + element + (shape.k / 2) * reg, lane / 4};
}

GPUBENCH_HD constexpr MatrixCoord c_coord(int lane, int element) {
  return {lane / 4 + 8 * (element / 2), (lane % 4) * 2 + element % 2};
}

}  // namespace gpubench::mma
