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

// Tensor-core HGEMM through mma.sync m16n8k16 with ldmatrix, a multi-stage cp.async pipeline and
// a swizzled shared-memory layout. FP16 inputs and output; accumulation in FP32, or in FP16 when
// fp16_accumulate (where GeForce cards reach twice the FP32-accumulate rate). Needs sm_80+
// (cp.async); returns false without launching on older devices.
bool launch_own_hgemm(bool fp16_accumulate, int m, int n, int k, const __half* a, const __half* b,
                      __half* c, cudaStream_t stream);

}  // namespace gpubench::gemm
