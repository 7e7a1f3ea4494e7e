#pragma once
// Inputs and checking for the GEMM suite: random fills in every element type, and a reference
// that recomputes sampled elements of C in FP64 to get the relative Frobenius error.

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace gpubench::gemm {

enum class ElementType { kF32, kF16, kBf16, kE4m3, kS8, kS32 };

std::size_t element_bytes(ElementType type);

// Values uniform in [-1, 1) (integers: -8..8 without 0), a function of (seed, index) only.
void launch_fill_random(ElementType type, void* data, std::size_t count, std::uint32_t seed,
                        cudaStream_t stream);

// For `samples` positions of C (every position when m * n <= samples; the corners always), adds
// sum (C - ref)^2 to sums[0], sum ref^2 to sums[1] and the count of non-finite C values to
// sums[2], with ref = sum_k A[i][k] * B[k][j] in FP64. A is row-major m x k; B is row-major k x n,
// or n x k when b_transposed. sums must be zeroed before.
void launch_sampled_error(ElementType input, ElementType output, bool b_transposed, int m, int n,
                          int k, const void* a, const void* b, const void* c, int samples,
                          std::uint32_t seed, double* sums, cudaStream_t stream);

}  // namespace gpubench::gemm
