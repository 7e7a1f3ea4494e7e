// gpubench's own FP32 SIMT SGEMM. A block computes a bm x bn tile of C, each thread an 8x8
// register tile (sgemm_output in gemm_tiling.hpp); the tile configurations (kSgemmConfigs) differ
// in block tile, depth and warps, and sgemm_autotune.cpp picks one per shape by timing them. A and
// B tiles of depth bk go global -> registers (float4 when rows are 16-byte aligned, else predicated
// scalars) -> shared memory, A transposed and swizzled so a thread reads 4 rows of A as one float4.
// Two shared-memory stages: the next tile's global loads are in flight while the current one is
// multiplied, and one barrier per tile separates the two. Out-of-range elements are loaded as zeros
// and never stored.

#include <cuda_runtime.h>

#include <cstdint>
#include <stdexcept>

#include "kernels/common/cuda_check.hpp"
#include "kernels/gemm/own_gemm.hpp"
#include "kernels/gemm/own_gemm_detail.hpp"

namespace gpubench::gemm {
namespace {

// Loads 4 consecutive elements (row, col..col+3) of a rows x cols row-major matrix, zero where
// outside. Vectorized: the 4 are all inside or all outside, and 16-byte aligned.
template <bool Vectorized>
__device__ __forceinline__ float4 load4(const float* __restrict__ matrix, int rows, int cols,
                                        int row, int col) {
  const int valid = valid_elements(row, col, rows, cols, 4);
  float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
  if (valid == 0) return v;
  const float* p = matrix + static_cast<std::size_t>(row) * static_cast<std::size_t>(cols) + col;
  if constexpr (Vectorized) {
    v = __ldg(reinterpret_cast<const float4*>(p));
  } else {
    v.x = __ldg(p);
    if (valid > 1) v.y = __ldg(p + 1);
    if (valid > 2) v.z = __ldg(p + 2);
    if (valid > 3) v.w = __ldg(p + 3);
  }
  return v;
}

// Global -> registers: this thread's float4 chunks of the A tile whose first column is k0 (A and
// B go separately: each is in registers for half a tile of FMAs only, so the 128x128x8 tile fits
// 128 registers, 2 blocks per SM, without spilling).
template <SgemmConfig Config, bool Vectorized, int kCopies>
__device__ __forceinline__ void load_a_tile(float4 (&a_prefetch)[kCopies],
                                            const float* __restrict__ a, int m, int k, int thread,
                                            int row0, int k0) {
  constexpr SgemmTile kTile = sgemm_tile(Config);
#pragma unroll
  for (int i = 0; i < kCopies; ++i) {
    const ChunkCoord at = copy_chunk(thread, i, kTile.threads(), kTile.a_chunks_per_row());
    a_prefetch[i] = load4<Vectorized>(a, m, k, row0 + at.row, k0 + at.chunk * 4);
  }
}

// Global -> registers: this thread's float4 chunks of the B tile whose first row is k0.
template <SgemmConfig Config, bool Vectorized, int kCopies>
__device__ __forceinline__ void load_b_tile(float4 (&b_prefetch)[kCopies],
                                            const float* __restrict__ b, int k, int n, int thread,
                                            int col0, int k0) {
  constexpr SgemmTile kTile = sgemm_tile(Config);
#pragma unroll
  for (int i = 0; i < kCopies; ++i) {
    const ChunkCoord at = copy_chunk(thread, i, kTile.threads(), kTile.b_chunks_per_row());
    b_prefetch[i] = load4<Vectorized>(b, k, n, k0 + at.row, col0 + at.chunk * 4);
  }
}

// Registers -> one shared stage of A, transposed and swizzled (sgemm_a_smem_index).
template <SgemmConfig Config, int kCopies>
__device__ __forceinline__ void store_a_tile(float* a_stage, const float4 (&a_prefetch)[kCopies],
                                             int thread) {
  constexpr SgemmTile kTile = sgemm_tile(Config);
#pragma unroll
  for (int i = 0; i < kCopies; ++i) {
    const ChunkCoord at = copy_chunk(thread, i, kTile.threads(), kTile.a_chunks_per_row());
    const int k_first = at.chunk * 4;
    a_stage[sgemm_a_smem_index(kTile, k_first + 0, at.row)] = a_prefetch[i].x;
    a_stage[sgemm_a_smem_index(kTile, k_first + 1, at.row)] = a_prefetch[i].y;
    a_stage[sgemm_a_smem_index(kTile, k_first + 2, at.row)] = a_prefetch[i].z;
    a_stage[sgemm_a_smem_index(kTile, k_first + 3, at.row)] = a_prefetch[i].w;
  }
}

// Registers -> one shared stage of B, as loaded.
template <SgemmConfig Config, int kCopies>
__device__ __forceinline__ void store_b_tile(float* b_stage, const float4 (&b_prefetch)[kCopies],
                                             int thread) {
  constexpr SgemmTile kTile = sgemm_tile(Config);
#pragma unroll
  for (int i = 0; i < kCopies; ++i) {
    const ChunkCoord at = copy_chunk(thread, i, kTile.threads(), kTile.b_chunks_per_row());
    *reinterpret_cast<float4*>(&b_stage[sgemm_b_smem_index(kTile, at.row, at.chunk * 4)]) =
        b_prefetch[i];
  }
}

// One k of a shared stage into the thread's 8x8 accumulators: 8 values of A and 8 of B as four
// float4 reads, then 64 FMAs. `origin` is the first row and column of the thread's 4x4 sub-tiles:
// sub-tile (h, g) starts at sgemm_output(.., 4h, 4g); within one, rows and columns are consecutive.
template <SgemmConfig Config>
__device__ __forceinline__ void multiply_k_step(float (&acc)[8][8], const float* a_stage,
                                                const float* b_stage, int kk, MatrixCoord origin) {
  constexpr SgemmTile kTile = sgemm_tile(Config);
  constexpr int kHalfM = kTile.warp_m() / 2;
  constexpr int kHalfN = kTile.warp_n() / 2;
  float a_frag[8];
  float b_frag[8];
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const float4 va = *reinterpret_cast<const float4*>(
        &a_stage[sgemm_a_smem_index(kTile, kk, origin.row + h * kHalfM)]);
    a_frag[4 * h + 0] = va.x;
    a_frag[4 * h + 1] = va.y;
    a_frag[4 * h + 2] = va.z;
    a_frag[4 * h + 3] = va.w;
    const float4 vb = *reinterpret_cast<const float4*>(
        &b_stage[sgemm_b_smem_index(kTile, kk, origin.col + h * kHalfN)]);
    b_frag[4 * h + 0] = vb.x;
    b_frag[4 * h + 1] = vb.y;
    b_frag[4 * h + 2] = vb.z;
    b_frag[4 * h + 3] = vb.w;
  }
#pragma unroll
  for (int i = 0; i < 8; ++i) {
#pragma unroll
    for (int j = 0; j < 8; ++j)
      acc[i][j] = fmaf(a_frag[i], b_frag[j], acc[i][j]);
  }
}

__device__ __forceinline__ void zero_accumulators(float (&acc)[8][8]) {
#pragma unroll
  for (int i = 0; i < 8; ++i) {
#pragma unroll
    for (int j = 0; j < 8; ++j)
      acc[i][j] = 0.f;
  }
}

// The epilogue: the thread's 8x8 accumulators to C, as float4 where a row's 4 are inside and
// aligned, else element by element; nothing outside m x n is written.
template <SgemmConfig Config>
__device__ __forceinline__ void store_c_tile(const float (&acc)[8][8], float* __restrict__ c, int m,
                                             int n, int row0, int col0, MatrixCoord origin,
                                             bool vector_store) {
  constexpr SgemmTile kTile = sgemm_tile(Config);
  constexpr int kHalfM = kTile.warp_m() / 2;
  constexpr int kHalfN = kTile.warp_n() / 2;
#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const int row = row0 + origin.row + (i / 4) * kHalfM + i % 4;
    if (row >= m) continue;
    float* c_row = c + static_cast<std::size_t>(row) * static_cast<std::size_t>(n);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int col = col0 + origin.col + h * kHalfN;
      const int valid = valid_elements(row, col, m, n, 4);
      if (vector_store && valid == 4) {
        *reinterpret_cast<float4*>(c_row + col) =
            make_float4(acc[i][4 * h], acc[i][4 * h + 1], acc[i][4 * h + 2], acc[i][4 * h + 3]);
      } else {
#pragma unroll
        for (int j = 0; j < 4; ++j) {
          if (j < valid) c_row[col + j] = acc[i][4 * h + j];
        }
      }
    }
  }
}

// The scalar fallback needs more registers for its per-element predicates and addresses: one
// block per SM rather than spills.
template <SgemmConfig Config, bool Vectorized>
__global__ void __launch_bounds__(sgemm_tile(Config).threads(),
                                  Vectorized ? sgemm_tile(Config).min_blocks_per_sm : 1)
    own_sgemm_kernel(int m, int n, int k, const float* __restrict__ a, const float* __restrict__ b,
                     float* __restrict__ c, bool vector_store) {
  constexpr SgemmTile kTile = sgemm_tile(Config);
  static_assert(kTile.valid(), "SGEMM tile parameters do not divide evenly");
  __shared__ __align__(16) float a_smem[2][kTile.a_stage_floats()];
  __shared__ __align__(16) float b_smem[2][kTile.b_stage_floats()];

  const int thread = static_cast<int>(threadIdx.x);
  const MatrixCoord tile = block_tile(static_cast<int>(blockIdx.x), ceil_div(m, kTile.bm),
                                      ceil_div(n, kTile.bn), kBlockGroupM);
  const int row0 = tile.row * kTile.bm;
  const int col0 = tile.col * kTile.bn;
  float4 a_prefetch[kTile.a_copies_per_thread()];
  float4 b_prefetch[kTile.b_copies_per_thread()];
  const MatrixCoord origin = sgemm_output(kTile, thread, 0, 0);
  float acc[8][8];
  zero_accumulators(acc);

  const int k_tiles = ceil_div(k, kTile.bk);
  load_a_tile<Config, Vectorized>(a_prefetch, a, m, k, thread, row0, 0);
  load_b_tile<Config, Vectorized>(b_prefetch, b, k, n, thread, col0, 0);
  store_a_tile<Config>(a_smem[0], a_prefetch, thread);
  store_b_tile<Config>(b_smem[0], b_prefetch, thread);
  __syncthreads();
  for (int kt = 0; kt < k_tiles; ++kt) {
    const int stage = kt & 1;
    const bool more = kt + 1 < k_tiles;
    const int k_next = (kt + 1) * kTile.bk;
    // The other stage was last read in iteration kt - 1, which every thread finished before the
    // barrier that ended it: the next tile goes there while this one is multiplied, A's loads in
    // flight during the first half of the FMAs and B's during the second.
#pragma unroll
    for (int kk = 0; kk < kTile.bk; ++kk) {
      if (kk == 0 && more)
        load_a_tile<Config, Vectorized>(a_prefetch, a, m, k, thread, row0, k_next);
      if (kk == kTile.bk / 2 && more) {
        store_a_tile<Config>(a_smem[stage ^ 1], a_prefetch, thread);
        load_b_tile<Config, Vectorized>(b_prefetch, b, k, n, thread, col0, k_next);
      }
      multiply_k_step<Config>(acc, a_smem[stage], b_smem[stage], kk, origin);
    }
    if (more) store_b_tile<Config>(b_smem[stage ^ 1], b_prefetch, thread);
    __syncthreads();
  }
  store_c_tile<Config>(acc, c, m, n, row0, col0, origin, vector_store);
}

bool aligned16(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 16 == 0;
}

template <SgemmConfig Config, bool Vectorized>
void launch(int m, int n, int k, const float* a, const float* b, float* c, cudaStream_t stream) {
  constexpr SgemmTile kTile = sgemm_tile(Config);
  const long long blocks = static_cast<long long>(ceil_div(m, kTile.bm)) * ceil_div(n, kTile.bn);
  if (blocks > 0x7fffffffLL) throw std::invalid_argument("own SGEMM: matrix too large");
  const bool vector_store = n % 4 == 0 && aligned16(c);
  own_sgemm_kernel<Config, Vectorized>
      <<<static_cast<unsigned>(blocks), kTile.threads(), 0, stream>>>(m, n, k, a, b, c,
                                                                      vector_store);
  GPUBENCH_CHECK_LAUNCH();
}

}  // namespace

void check_own_sgemm_arguments(int m, int n, int k, const float* a, const float* b,
                               const float* c) {
  if (m < 1 || n < 1 || k < 1) throw std::invalid_argument("own SGEMM: m, n and k must be >= 1");
  if (a == nullptr || b == nullptr || c == nullptr) {
    throw std::invalid_argument("own SGEMM: null matrix pointer");
  }
}

bool own_sgemm_vectorized(int n, int k, const float* a, const float* b) {
  return n % 4 == 0 && k % 4 == 0 && aligned16(a) && aligned16(b);
}

// launch_own_sgemm (which picks the configuration by autotuning) is in sgemm_autotune.cpp.
void launch_own_sgemm_with(SgemmConfig config, int m, int n, int k, const float* a, const float* b,
                           float* c, cudaStream_t stream) {
  check_own_sgemm_arguments(m, n, k, a, b, c);
  if (!own_sgemm_vectorized(n, k, a, b)) {
    launch<kSgemmFallbackConfig, false>(m, n, k, a, b, c, stream);
    return;
  }
  switch (config) {
    case SgemmConfig::k128x128x8:
      return launch<SgemmConfig::k128x128x8, true>(m, n, k, a, b, c, stream);
    case SgemmConfig::k128x128x16:
      return launch<SgemmConfig::k128x128x16, true>(m, n, k, a, b, c, stream);
    case SgemmConfig::k128x64x8:
      return launch<SgemmConfig::k128x64x8, true>(m, n, k, a, b, c, stream);
    case SgemmConfig::k64x64x8:
      return launch<SgemmConfig::k64x64x8, true>(m, n, k, a, b, c, stream);
  }
  throw std::invalid_argument("own SGEMM: unknown tile configuration");
}

}  // namespace gpubench::gemm
