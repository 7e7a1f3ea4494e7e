#pragma once
// gpubench's own GEMM kernels, measured against cuBLAS. Row-major throughout:
// C (m x n) = A (m x k) * B (k x n), leading dimensions k, n and n. Any m, n, k >= 1 (tails
// included).

#include <cuda_fp16.h>
#include <cuda_runtime_api.h>

namespace gpubench::gemm {

// FP32 SIMT SGEMM: block, warp and thread tiling in registers, 128-bit global loads,
// bank-conflict-free shared-memory tiles, double buffering.
void launch_own_sgemm(int m, int n, int k, const float* a, const float* b, float* c,
                      cudaStream_t stream);

// Tensor-core HGEMM. FP16 inputs and output; accumulation in FP32, or in FP16 when
// fp16_accumulate (where GeForce cards reach twice the FP32-accumulate rate). On Hopper (compute
// capability 9.0, a build with the sm_90a kernels) with n and k multiples of 8 and 16-byte-aligned
// A and B: wgmma fed by TMA through an mbarrier pipeline (wgmma_hgemm.cu). Everywhere else from
// sm_80 on: mma.sync m16n8k16 with ldmatrix, a multi-stage cp.async pipeline and a swizzled
// shared-memory layout (own_hgemm.cu). Returns false without launching before sm_80 (no cp.async).
bool launch_own_hgemm(bool fp16_accumulate, int m, int n, int k, const __half* a, const __half* b,
                      __half* c, cudaStream_t stream);

// Which kernel launch_own_hgemm runs for these operands on a device of architecture `sm` (90 for
// compute capability 9.0): "wgmma+tma" ("wgmma+tma cluster 2x1" with
// GPUBENCH_HOPPER_HGEMM_CLUSTER=2), "mma.sync", or "" when it declines.
const char* own_hgemm_kernel_name(int sm, int n, int k, const __half* a, const __half* b);

}  // namespace gpubench::gemm
