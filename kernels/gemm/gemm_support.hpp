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

// NVFP4 (kernels/gemm/nvfp4_layout.hpp): fills a packed rows x k E2M1 operand (nvfp4_data_bytes)
// and its tiled ue4m3 scales (nvfp4_scale_bytes) from `seed`, as nvfp4_fill_byte and
// nvfp4_fill_scale give them.
void launch_fill_nvfp4(void* data, std::int64_t rows, std::int64_t k, void* scales,
                       std::uint32_t seed, cudaStream_t stream);

// The NVFP4 operands on the device: A m x k and B n x k, packed, with their tiled scales.
struct Nvfp4Operands {
  const void* a = nullptr;
  const void* a_scales = nullptr;
  const void* b = nullptr;
  const void* b_scales = nullptr;
};

// As launch_sampled_error, for FP32 C = A B^T with NVFP4 operands; ref is nvfp4_dot's.
void launch_sampled_error_nvfp4(int m, int n, int k, const Nvfp4Operands& operands, const void* c,
                                int samples, std::uint32_t seed, double* sums, cudaStream_t stream);

}  // namespace gpubench::gemm
