#pragma once
// CPU models of the own GEMM kernels (kernels/gemm/own_gemm*.cu), built step by step from the index
// math the kernels use (kernels/gemm/gemm_tiling.hpp): the copies of each k tile into shared
// memory, the loads from it into registers, the multiply-adds, and the guarded epilogue. On small
// integer matrices (testing::integer_matrix) a model must reproduce the reference GEMM exactly and
// store every element of C once; what no copy or store reaches stays NaN and shows.

#include <vector>

#include "kernels/gemm/gemm_tiling.hpp"

namespace gpubench::gemm::testing {

// Element (row, col) of a row-major matrix of `cols` columns.
double element_at(const std::vector<double>& matrix, int cols, int row, int col);

// One launch of own_hgemm_kernel with tile `t` on row-major A (m x k) and B (k x n): per block and
// k tile, the cp.async copies fill the swizzled shared-memory tiles, each warp's ldmatrix loads
// become mma fragments, the fragments are multiplied as mma.m16n8k16 defines, and the epilogue
// stores with its guards. Returns C (m x n); `writes` counts the stores to each element.
std::vector<double> model_hgemm(HgemmTile t, int m, int n, int k, const std::vector<double>& a,
                                const std::vector<double>& b, std::vector<int>& writes);

// One launch of own_sgemm_kernel, likewise: copies into the transposed, swizzled A tile and the B
// tile, each thread's float4 reads and FMAs, and the guarded epilogue.
std::vector<double> model_sgemm(SgemmTile t, int m, int n, int k, const std::vector<double>& a,
                                const std::vector<double>& b, std::vector<int>& writes);

}  // namespace gpubench::gemm::testing
