// gpubench's own tensor-core HGEMM: mma.sync m16n8k16 fed by ldmatrix from XOR-swizzled shared
// memory, filled by a multi-stage cp.async pipeline. FP16 in and out; the accumulators are FP32
// or FP16 (a template parameter). A block computes a bm x bn tile of C; each warp a 64 x 64 tile
// as 4 x 8 mma tiles (gemm_tiling.hpp holds all of the index math, which the CPU tests check).
//
// Tails: out-of-range chunks are zero-filled (cp.async with src-size 0; a k or n tail is whole
// chunks because the cp.async path needs k and n to be multiples of 8) and out-of-range outputs
// are never stored. Operands whose rows are not 16-byte aligned (k or n not a multiple of 8, or a
// misaligned pointer) take the same kernel with predicated scalar loads instead of cp.async.
// sm_75 has no cp.async: the kernels are empty there and the launcher declines.

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/mma_sm80.cuh"
#include "kernels/gemm/own_gemm.hpp"
#include "kernels/gemm/own_gemm_detail.hpp"
#include "kernels/gemm/own_hgemm_ptx.cuh"

namespace gpubench::gemm {
namespace {

enum class Loads : int { kCpAsync, kScalar };

// One m16 x n8 accumulator tile of a lane: 4 floats, or 2 words of 2 halves (elements 0,1 and
// 2,3 of mma_layout.hpp's c_coord, the lower-numbered element in the low half).
template <bool Fp16Accumulate>
struct Accumulator {
  float v[4];
};
template <>
struct Accumulator<true> {
  std::uint32_t v[2];
};

#if GPUBENCH_HGEMM_DEVICE

// Plain asm (Issue::kSchedulable), a deliberate choice: an mma.sync here is a pure function of its
// registers, and the compiler is free to interleave them with the ldmatrix loads and address
// arithmetic of the k loop; nothing times a single instruction.
__device__ __forceinline__ void mma(Accumulator<false>& d, const std::uint32_t (&a)[4],
                                    const std::uint32_t (&b)[2]) {
  mma_sync::m16n8k16_f32_f16<mma_sync::Issue::kSchedulable>(d.v, a, b);
}
__device__ __forceinline__ void mma(Accumulator<true>& d, const std::uint32_t (&a)[4],
                                    const std::uint32_t (&b)[2]) {
  mma_sync::m16n8k16_f16_f16<mma_sync::Issue::kSchedulable>(d.v, a, b);
}

__device__ __forceinline__ void zero(Accumulator<false>& d) {
  d.v[0] = d.v[1] = d.v[2] = d.v[3] = 0.f;
}
__device__ __forceinline__ void zero(Accumulator<true>& d) {
  d.v[0] = d.v[1] = 0u;
}

// Elements (2 * pair, 2 * pair + 1) of an accumulator tile as a half2 (row-adjacent columns).
__device__ __forceinline__ __half2 output_pair(const Accumulator<false>& d, int pair) {
  return __floats2half2_rn(d.v[2 * pair], d.v[2 * pair + 1]);
}
__device__ __forceinline__ __half2 output_pair(const Accumulator<true>& d, int pair) {
  const std::uint32_t bits = d.v[pair];
  return *reinterpret_cast<const __half2*>(&bits);
}

#endif  // GPUBENCH_HGEMM_DEVICE

// A block's view of the problem: the operands, where its tile of C starts, and which thread this
// is.
struct HgemmBlock {
  const __half* a;
  const __half* b;
  int m, n, k;
  int row0, col0;
  int thread;
};

#if GPUBENCH_HGEMM_DEVICE

// Shared-memory addresses of one pipeline stage's A tile and B tile.
template <HgemmConfig Config>
__device__ __forceinline__ std::uint32_t a_stage_address(std::uint32_t smem0, int stage) {
  constexpr HgemmTile kTile = hgemm_tile(Config);
  return smem0 + static_cast<std::uint32_t>(stage * kTile.stage_bytes());
}
template <HgemmConfig Config>
__device__ __forceinline__ std::uint32_t b_stage_address(std::uint32_t smem0, int stage) {
  constexpr HgemmTile kTile = hgemm_tile(Config);
  return smem0 + static_cast<std::uint32_t>(stage * kTile.stage_bytes() + kTile.a_stage_bytes());
}

// The scalar fallback: elements (row, col..col+7) of a rows x cols row-major matrix to 16 bytes
// of shared memory, zeros where outside, through predicated 2-byte loads.
__device__ __forceinline__ void copy_chunk_scalar(std::uint32_t dst,
                                                  const __half* __restrict__ matrix, int rows,
                                                  int cols, int row, int col) {
  const int valid = valid_elements(row, col, rows, cols, kHalvesPerChunk);
  const std::size_t offset =
      valid > 0 ? static_cast<std::size_t>(row) * static_cast<std::size_t>(cols) + col : 0;
  const unsigned short* p = reinterpret_cast<const unsigned short*>(matrix) + offset;
  std::uint32_t words[4] = {0u, 0u, 0u, 0u};
#pragma unroll
  for (int e = 0; e < kHalvesPerChunk; ++e) {
    if (e < valid) words[e / 2] |= static_cast<std::uint32_t>(__ldg(p + e)) << (16 * (e % 2));
  }
  store_shared_16(dst, words);
}

// The cp.async path, with k and n multiples of 8: a chunk is wholly inside or outside (then
// zero-filled), so valid_elements(...) is 8 exactly when its row and its first column are in
// range. A thread's copies share one chunk column and step down the tile by kRowStep rows
// (copy_row_step), so the row tests of A and the column test of B are fixed for the whole loop
// and each copy's source is a fixed offset plus k0 (A) or k0 * n (B).
struct CpAsyncPlan {
  ChunkCoord a_first;
  ChunkCoord b_first;
  int a_col;  // + k0
  int b_col;  // fixed
  std::size_t a_base;
  std::size_t b_base;
  unsigned a_rows_in;  // bit i: copy i's row of A is inside
  bool b_col_in;
};

template <HgemmConfig Config>
__device__ __forceinline__ CpAsyncPlan cp_async_plan(const HgemmBlock& block) {
  constexpr HgemmTile kTile = hgemm_tile(Config);
  CpAsyncPlan plan;
  plan.a_first = copy_chunk(block.thread, 0, kTile.threads(), kTile.a_chunks_per_row());
  plan.b_first = copy_chunk(block.thread, 0, kTile.threads(), kTile.b_chunks_per_row());
  constexpr int kARowStep = copy_row_step(kTile.threads(), kTile.a_chunks_per_row());
  plan.a_col = plan.a_first.chunk * kHalvesPerChunk;
  plan.b_col = block.col0 + plan.b_first.chunk * kHalvesPerChunk;
  plan.a_base = static_cast<std::size_t>(block.row0 + plan.a_first.row) * block.k + plan.a_col;
  plan.b_base = static_cast<std::size_t>(plan.b_first.row) * block.n + plan.b_col;
  plan.a_rows_in = 0;
#pragma unroll
  for (int i = 0; i < kTile.a_copies_per_thread(); ++i) {
    if (block.row0 + plan.a_first.row + i * kARowStep < block.m) plan.a_rows_in |= 1u << i;
  }
  plan.b_col_in = plan.b_col < block.n;
  return plan;
}

// Tile k0 of A and B into a stage by cp.async, out-of-range chunks zero-filled.
template <HgemmConfig Config>
__device__ __forceinline__ void load_stage_cp_async(std::uint32_t smem0, int stage, int k0,
                                                    const HgemmBlock& block,
                                                    const CpAsyncPlan& plan) {
  constexpr HgemmTile kTile = hgemm_tile(Config);
  constexpr int kACpr = kTile.a_chunks_per_row();
  constexpr int kBCpr = kTile.b_chunks_per_row();
  constexpr int kARowStep = copy_row_step(kTile.threads(), kACpr);
  constexpr int kBRowStep = copy_row_step(kTile.threads(), kBCpr);
  const bool a_col_in = k0 + plan.a_col < block.k;
#pragma unroll
  for (int i = 0; i < kTile.a_copies_per_thread(); ++i) {
    const bool in = a_col_in && ((plan.a_rows_in >> i) & 1u) != 0;
    const std::size_t offset =
        plan.a_base + static_cast<std::size_t>(i * kARowStep) * static_cast<std::size_t>(block.k) +
        k0;
    const std::uint32_t dst =
        a_stage_address<Config>(smem0, stage) +
        swizzled_chunk_index(plan.a_first.row + i * kARowStep, plan.a_first.chunk, kACpr) *
            kChunkBytes;
    cp_async_16(dst, in ? block.a + offset : block.a, in ? kChunkBytes : 0);
  }
#pragma unroll
  for (int i = 0; i < kTile.b_copies_per_thread(); ++i) {
    const int row = k0 + plan.b_first.row + i * kBRowStep;
    const bool in = plan.b_col_in && row < block.k;
    const std::size_t offset = plan.b_base + static_cast<std::size_t>(k0 + i * kBRowStep) *
                                                 static_cast<std::size_t>(block.n);
    const std::uint32_t dst =
        b_stage_address<Config>(smem0, stage) +
        swizzled_chunk_index(plan.b_first.row + i * kBRowStep, plan.b_first.chunk, kBCpr) *
            kChunkBytes;
    cp_async_16(dst, in ? block.b + offset : block.b, in ? kChunkBytes : 0);
  }
}

// Tile k0 of A and B into a stage through predicated scalar loads.
template <HgemmConfig Config>
__device__ __forceinline__ void load_stage_scalar(std::uint32_t smem0, int stage, int k0,
                                                  const HgemmBlock& block) {
  constexpr HgemmTile kTile = hgemm_tile(Config);
  constexpr int kACpr = kTile.a_chunks_per_row();
  constexpr int kBCpr = kTile.b_chunks_per_row();
#pragma unroll
  for (int i = 0; i < kTile.a_copies_per_thread(); ++i) {
    const ChunkCoord at = copy_chunk(block.thread, i, kTile.threads(), kACpr);
    copy_chunk_scalar(a_stage_address<Config>(smem0, stage) +
                          swizzled_chunk_index(at.row, at.chunk, kACpr) * kChunkBytes,
                      block.a, block.m, block.k, block.row0 + at.row,
                      k0 + at.chunk * kHalvesPerChunk);
  }
#pragma unroll
  for (int i = 0; i < kTile.b_copies_per_thread(); ++i) {
    const ChunkCoord at = copy_chunk(block.thread, i, kTile.threads(), kBCpr);
    copy_chunk_scalar(b_stage_address<Config>(smem0, stage) +
                          swizzled_chunk_index(at.row, at.chunk, kBCpr) * kChunkBytes,
                      block.b, block.k, block.n, k0 + at.row,
                      block.col0 + at.chunk * kHalvesPerChunk);
  }
}

template <HgemmConfig Config, Loads kLoads>
__device__ __forceinline__ void load_stage(std::uint32_t smem0, int stage, int k_tile,
                                           const HgemmBlock& block, const CpAsyncPlan& plan) {
  const int k0 = k_tile * hgemm_tile(Config).bk;
  if constexpr (kLoads == Loads::kCpAsync) {
    load_stage_cp_async<Config>(smem0, stage, k0, block, plan);
  } else {
    load_stage_scalar<Config>(smem0, stage, k0, block);
  }
}

// One stage into the warp's accumulators: per k16 step, A fragments and transposed B fragments by
// ldmatrix from the swizzled tiles, then kMmaM x kMmaN mma.sync.
template <HgemmConfig Config, bool Fp16Accumulate, int kMmaM, int kMmaN>
__device__ __forceinline__ void multiply_stage(Accumulator<Fp16Accumulate> (&acc)[kMmaM][kMmaN],
                                               std::uint32_t a_tile, std::uint32_t b_tile,
                                               MatrixCoord warp_origin, ChunkCoord a_source,
                                               ChunkCoord b_source) {
  constexpr HgemmTile kTile = hgemm_tile(Config);
  constexpr int kACpr = kTile.a_chunks_per_row();
  constexpr int kBCpr = kTile.b_chunks_per_row();
#pragma unroll
  for (int ks = 0; ks < kTile.k_steps(); ++ks) {
    std::uint32_t a_frag[kMmaM][4];
    std::uint32_t b_frag[kMmaN][2];
#pragma unroll
    for (int mi = 0; mi < kMmaM; ++mi) {
      const int row = warp_origin.row + mi * 16 + a_source.row;
      const int chunk = ks * 2 + a_source.chunk;
      ldmatrix_x4(a_frag[mi], a_tile + swizzled_chunk_index(row, chunk, kACpr) * 16);
    }
#pragma unroll
    for (int nj = 0; nj < kMmaN / 2; ++nj) {
      const int row = ks * 16 + b_source.row;
      const int chunk = (warp_origin.col + nj * 16) / kHalvesPerChunk + b_source.chunk;
      std::uint32_t r[4];
      ldmatrix_x4_trans(r, b_tile + swizzled_chunk_index(row, chunk, kBCpr) * 16);
      b_frag[2 * nj][0] = r[0];
      b_frag[2 * nj][1] = r[1];
      b_frag[2 * nj + 1][0] = r[2];
      b_frag[2 * nj + 1][1] = r[3];
    }
#pragma unroll
    for (int mi = 0; mi < kMmaM; ++mi) {
#pragma unroll
      for (int ni = 0; ni < kMmaN; ++ni)
        mma(acc[mi][ni], a_frag[mi], b_frag[ni]);
    }
  }
}

template <bool Fp16Accumulate, int kMmaM, int kMmaN>
__device__ __forceinline__ void zero_accumulators(
    Accumulator<Fp16Accumulate> (&acc)[kMmaM][kMmaN]) {
#pragma unroll
  for (int mi = 0; mi < kMmaM; ++mi) {
#pragma unroll
    for (int ni = 0; ni < kMmaN; ++ni)
      zero(acc[mi][ni]);
  }
}

// The epilogue: the warp's accumulators to C as half2 pairs where both are inside and C allows
// it, else element by element; nothing outside m x n is written.
template <HgemmConfig Config, bool Fp16Accumulate, int kMmaM, int kMmaN>
__device__ __forceinline__ void store_c_tile(const Accumulator<Fp16Accumulate> (&acc)[kMmaM][kMmaN],
                                             __half* __restrict__ c, const HgemmBlock& block,
                                             int warp, int lane, bool pair_store) {
  constexpr HgemmTile kTile = hgemm_tile(Config);
#pragma unroll
  for (int mi = 0; mi < kMmaM; ++mi) {
#pragma unroll
    for (int ni = 0; ni < kMmaN; ++ni) {
#pragma unroll
      for (int pair = 0; pair < 2; ++pair) {
        const MatrixCoord at = hgemm_output(kTile, warp, lane, mi, ni, 2 * pair);
        const int row = block.row0 + at.row;
        const int col = block.col0 + at.col;
        const int valid = valid_elements(row, col, block.m, block.n, 2);
        if (valid == 0) continue;
        const __half2 value = output_pair(acc[mi][ni], pair);
        __half* out = c + static_cast<std::size_t>(row) * static_cast<std::size_t>(block.n) + col;
        if (pair_store && valid == 2) {
          *reinterpret_cast<__half2*>(out) = value;
        } else {
          out[0] = __low2half(value);
          if (valid == 2) out[1] = __high2half(value);
        }
      }
    }
  }
}

#endif  // GPUBENCH_HGEMM_DEVICE

template <HgemmConfig Config, bool Fp16Accumulate, Loads kLoads>
__global__ void __launch_bounds__(hgemm_tile(Config).threads(),
                                  hgemm_tile(Config).min_blocks_per_sm)
    own_hgemm_kernel(int m, int n, int k, const __half* __restrict__ a,
                     const __half* __restrict__ b, __half* __restrict__ c, bool pair_store) {
#if GPUBENCH_HGEMM_DEVICE
  constexpr HgemmTile kTile = hgemm_tile(Config);
  static_assert(kTile.valid(), "HGEMM tile parameters do not divide evenly");
  extern __shared__ uint4 hgemm_smem[];  // uint4: 16-byte aligned, as ldmatrix and cp.async need

  const int thread = static_cast<int>(threadIdx.x);
  const int warp = thread / 32;
  const int lane = thread % 32;
  const MatrixCoord tile = block_tile(static_cast<int>(blockIdx.x), ceil_div(m, kTile.bm),
                                      ceil_div(n, kTile.bn), kBlockGroupM);
  const HgemmBlock block{a, b, m, n, k, tile.row * kTile.bm, tile.col * kTile.bn, thread};
  const std::uint32_t smem0 = smem_address(hgemm_smem);
  const CpAsyncPlan plan = cp_async_plan<Config>(block);

  Accumulator<Fp16Accumulate> acc[kTile.mma_tiles_m()][kTile.mma_tiles_n()];
  zero_accumulators(acc);
  const MatrixCoord warp_origin = hgemm_warp_origin(kTile, warp);
  const ChunkCoord a_source = ldmatrix_a_source(lane);
  const ChunkCoord b_source = ldmatrix_b_trans_source(lane);

  // The pipeline: stages - 1 tiles in flight ahead of the one being multiplied. Every iteration
  // commits one group (empty past the last tile), so "all but stages - 2 groups complete" always
  // means "tile kt has landed". The barrier after the wait also tells every warp that all of
  // them finished multiplying tile kt - 1, whose stage the next copy then overwrites.
  const int k_tiles = ceil_div(k, kTile.bk);
#pragma unroll
  for (int s = 0; s < kTile.stages - 1; ++s) {
    if (s < k_tiles) load_stage<Config, kLoads>(smem0, s, s, block, plan);
    if constexpr (kLoads == Loads::kCpAsync) cp_async_commit();
  }
  for (int kt = 0; kt < k_tiles; ++kt) {
    if constexpr (kLoads == Loads::kCpAsync) cp_async_wait<kTile.stages - 2>();
    __syncthreads();
    const int next = kt + kTile.stages - 1;
    if (next < k_tiles) load_stage<Config, kLoads>(smem0, next % kTile.stages, next, block, plan);
    if constexpr (kLoads == Loads::kCpAsync) cp_async_commit();
    const int stage = kt % kTile.stages;
    multiply_stage<Config>(acc, a_stage_address<Config>(smem0, stage),
                           b_stage_address<Config>(smem0, stage), warp_origin, a_source, b_source);
  }
  if constexpr (kLoads == Loads::kCpAsync) cp_async_wait<0>();  // only empty groups are left
  store_c_tile<Config>(acc, c, block, warp, lane, pair_store);
#else
  (void)m;
  (void)n;
  (void)k;
  (void)a;
  (void)b;
  (void)c;
  (void)pair_store;
#endif
}

bool aligned16(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 16 == 0;
}

template <HgemmConfig Config, bool Fp16Accumulate, Loads kLoads>
void launch(int device, int m, int n, int k, const __half* a, const __half* b, __half* c,
            cudaStream_t stream) {
  constexpr HgemmTile kTile = hgemm_tile(Config);
  const long long blocks = static_cast<long long>(ceil_div(m, kTile.bm)) * ceil_div(n, kTile.bn);
  if (blocks > 0x7fffffffLL) throw std::invalid_argument("own HGEMM: matrix too large");
  const auto kernel = own_hgemm_kernel<Config, Fp16Accumulate, kLoads>;
  // Once per kernel and device: allow more than 48 KiB of dynamic shared memory, and make sure the
  // code the device runs was compiled for sm_80 or newer. (A binary whose newest code for this
  // device is PTX for an older architecture would JIT the empty sm_75 body and leave C as it
  // was.)
  static std::atomic<std::uint64_t> ready{0};
  const std::uint64_t bit = device < 64 ? std::uint64_t{1} << device : 0;
  if (bit == 0 || (ready.load() & bit) == 0) {
    cudaFuncAttributes attributes{};
    GPUBENCH_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
    if (!hgemm_supported(attributes.ptxVersion)) {
      throw std::runtime_error("own HGEMM: this binary's code for the device is compiled for sm_" +
                               std::to_string(attributes.ptxVersion) +
                               ", which has no cp.async; build for sm_80 or newer "
                               "(GPUBENCH_CUDA_ARCHS)");
    }
    GPUBENCH_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                             kTile.smem_bytes()));
    ready.fetch_or(bit);
  }
  const bool pair_store = n % 2 == 0 && reinterpret_cast<std::uintptr_t>(c) % 4 == 0;
  kernel<<<static_cast<unsigned>(blocks), kTile.threads(), kTile.smem_bytes(), stream>>>(
      m, n, k, a, b, c, pair_store);
  GPUBENCH_CHECK_LAUNCH();
}

template <bool Fp16Accumulate>
void dispatch(HgemmConfig config, int device, int m, int n, int k, const __half* a, const __half* b,
              __half* c, cudaStream_t stream) {
  if (config == HgemmConfig::kFallback128x128x32 || !own_hgemm_vectorized(n, k, a, b)) {
    launch<HgemmConfig::kFallback128x128x32, Fp16Accumulate, Loads::kScalar>(device, m, n, k, a, b,
                                                                             c, stream);
  } else if (config == HgemmConfig::k128x256x32Stages4) {
    launch<HgemmConfig::k128x256x32Stages4, Fp16Accumulate, Loads::kCpAsync>(device, m, n, k, a, b,
                                                                             c, stream);
  } else {
    launch<HgemmConfig::k128x128x32Stages3, Fp16Accumulate, Loads::kCpAsync>(device, m, n, k, a, b,
                                                                             c, stream);
  }
}

void check_arguments(int m, int n, int k, const __half* a, const __half* b, const __half* c) {
  if (m < 1 || n < 1 || k < 1) throw std::invalid_argument("own HGEMM: m, n and k must be >= 1");
  if (a == nullptr || b == nullptr || c == nullptr) {
    throw std::invalid_argument("own HGEMM: null matrix pointer");
  }
}

void run(HgemmConfig config, bool fp16_accumulate, int device, int m, int n, int k, const __half* a,
         const __half* b, __half* c, cudaStream_t stream) {
  if (fp16_accumulate) {
    dispatch<true>(config, device, m, n, k, a, b, c, stream);
  } else {
    dispatch<false>(config, device, m, n, k, a, b, c, stream);
  }
}

}  // namespace

bool own_hgemm_vectorized(int n, int k, const __half* a, const __half* b) {
  return n % kHalvesPerChunk == 0 && k % kHalvesPerChunk == 0 && aligned16(a) && aligned16(b);
}

void launch_own_hgemm_with(HgemmConfig config, bool fp16_accumulate, int m, int n, int k,
                           const __half* a, const __half* b, __half* c, cudaStream_t stream) {
  check_arguments(m, n, k, a, b, c);
  int device = 0;
  const int sm = current_device_sm(&device);
  if (!hgemm_supported(sm)) {
    throw std::invalid_argument("own HGEMM needs cp.async (sm_80 or newer)");
  }
  run(config, fp16_accumulate, device, m, n, k, a, b, c, stream);
}

const char* own_hgemm_kernel_name(int sm, int n, int k, const __half* a, const __half* b) {
  if (wgmma_hgemm_applies(sm, n, k, a, b)) {
    return hopper_hgemm_cluster_m() == 2 ? "wgmma+tma cluster 2x1" : "wgmma+tma";
  }
  return hgemm_supported(sm) ? "mma.sync" : "";
}

bool launch_own_hgemm(bool fp16_accumulate, int m, int n, int k, const __half* a, const __half* b,
                      __half* c, cudaStream_t stream) {
  check_arguments(m, n, k, a, b, c);
  int device = 0;
  const int sm = current_device_sm(&device);
  if (wgmma_hgemm_applies(sm, n, k, a, b)) {
    launch_wgmma_hgemm(fp16_accumulate, m, n, k, a, b, c, stream);
    return true;
  }
  if (!hgemm_supported(sm)) return false;
  run(hgemm_config_for_sm(sm), fp16_accumulate, device, m, n, k, a, b, c, stream);
  return true;
}

}  // namespace gpubench::gemm
