#pragma once
// Launchers that name the tile configuration, so tests can run every configuration on whatever
// card they have (launch_own_sgemm / launch_own_hgemm pick one by architecture). Same contract as
// own_gemm.hpp. Inputs whose rows are not 16-byte aligned (k or n not a multiple of 4 floats / 8
// halves, or a misaligned pointer) take the scalar-load fallback whatever the configuration named:
// SgemmConfig::k128x128x8 with scalar loads, HgemmConfig::kFallback128x128x32 (which always loads
// through scalars, so naming it runs the fallback on aligned inputs too).

#include <cuda_fp16.h>
#include <cuda_runtime_api.h>

#include "kernels/gemm/gemm_tiling.hpp"

namespace gpubench::gemm {

// Throws std::invalid_argument for m, n or k < 1 or a null pointer.
void launch_own_sgemm_with(SgemmConfig config, int m, int n, int k, const float* a, const float* b,
                           float* c, cudaStream_t stream);

// Also throws std::invalid_argument on a device without cp.async (sm < 80).
void launch_own_hgemm_with(HgemmConfig config, bool fp16_accumulate, int m, int n, int k,
                           const __half* a, const __half* b, __half* c, cudaStream_t stream);

// The SGEMM configuration of the scalar-load fallback, whatever configuration is named.
inline constexpr SgemmConfig kSgemmFallbackConfig = SgemmConfig::k128x128x8;

// Throws std::invalid_argument for m, n or k < 1 or a null pointer (before any CUDA call).
void check_own_sgemm_arguments(int m, int n, int k, const float* a, const float* b, const float* c);

// Whether these operands take the 16-byte (float4 / cp.async) path or the scalar fallback.
bool own_sgemm_vectorized(int n, int k, const float* a, const float* b);
bool own_hgemm_vectorized(int n, int k, const __half* a, const __half* b);

// The Hopper HGEMM (wgmma + TMA, wgmma_hgemm.cu): whether it takes these operands on a device of
// architecture `sm` (90 only, in a build with the sm_90a kernels; n and k multiples of 8; A and B
// 16-byte aligned), and its launcher, which runs it whatever launch_own_hgemm would pick and
// throws std::invalid_argument where it does not apply. Its blocks are persistent (one per SM,
// each looping over output tiles); max_blocks > 0 caps them, so tests can make every block run
// several tiles on small shapes (rounded down to whole clusters, at least one). cluster_m: blocks
// per cluster, 1 or 2 (wgmma_hgemm_tiling.hpp); 0 takes hopper_hgemm_cluster_m().
bool wgmma_hgemm_applies(int sm, int n, int k, const __half* a, const __half* b);
void launch_wgmma_hgemm(bool fp16_accumulate, int m, int n, int k, const __half* a, const __half* b,
                        __half* c, cudaStream_t stream, int max_blocks = 0, int cluster_m = 0);

// The Hopper HGEMM's cluster size where the caller names none: 1 (lone blocks), or 2 (pairs that
// share B through TMA multicast) when GPUBENCH_HOPPER_HGEMM_CLUSTER=2. An experiment until a card
// has timed both; throws std::invalid_argument for any other value of the variable.
inline constexpr const char* kHopperClusterVariable = "GPUBENCH_HOPPER_HGEMM_CLUSTER";
int hopper_hgemm_cluster_m();

}  // namespace gpubench::gemm
