// gpubench's own HGEMM for Hopper (sm_90a): TMA loads into 128B-swizzled shared memory, a
// kStages-deep mbarrier pipeline, one producer warpgroup and two wgmma consumer warpgroups per
// block (wgmma_hgemm_tiling.hpp holds the geometry, which the CPU tests check; the pipeline's PTX
// is in kernels/common/mbarrier_sm90.cuh and tma_sm90.cuh, the kernel's own in
// wgmma_hgemm_ptx.cuh). FP16 in and out; FP32 or FP16 accumulators (m64n256k16 wgmma, B read
// N-major through the transpose bit).
//
// Persistent blocks, one per SM, each loop over output tiles; the pipeline runs on across tiles.
// Optionally (GPUBENCH_HOPPER_HGEMM_CLUSTER=2) blocks run in clusters of two on vertically adjacent
// tiles and multicast B to each other, as cuBLAS's Hopper kernels do (wgmma_hgemm_tiling.hpp).
// Pipeline (stage_of, full_parity, empty_parity in wgmma_hgemm_tiling.hpp): for each k tile the
// producer waits until its stage is free (the stage's "empty" barrier: one arrival per consumer
// warp of every block in the cluster), arms the stage's "full" barrier with the bytes that will
// land in this block and issues the TMA loads (the A box, the B panels); each consumer waits on
// "full", runs four wgmma over the stage and, once the previous k tile's wgmma have finished,
// releases that k tile's stage (one wgmma group stays in flight across k tiles). After a tile's
// last k tile, each consumer stages its share of C through its own shared-memory buffer (outside
// the stages, so the producer loads the next tile meanwhile) and writes it with 16-byte stores.
//
// The host side builds the two tensor maps with cuTensorMapEncodeTiled, fetched from the driver at
// run time through the CUDA runtime (the binary does not link libcuda), once per operand address
// and shape; the shared-memory attribute and the resident cluster count once per device and kernel.

#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/mbarrier_sm90.cuh"
#include "kernels/common/once_per_key.hpp"
#include "kernels/common/tma_sm90.cuh"
#include "kernels/common/wgmma.cuh"
#include "kernels/gemm/gemm_tiling.hpp"
#include "kernels/gemm/own_gemm_detail.hpp"
#include "kernels/gemm/wgmma_hgemm_ptx.cuh"
#include "kernels/gemm/wgmma_hgemm_tiling.hpp"

#ifndef GPUBENCH_SM90A_KERNELS
#define GPUBENCH_SM90A_KERNELS 0
#endif

namespace gpubench::gemm {
namespace {

using namespace hopper;
using namespace sm90;

template <bool Fp16Accumulate>
struct Accumulators {
  float v[128];  // m64n256 FP32: 128 registers
};
template <>
struct Accumulators<true> {
  std::uint32_t v[64];  // m64n256 FP16: 64 registers of half2
};

#if GPUBENCH_WGMMA_DEVICE

__device__ __forceinline__ void mma_stage(Accumulators<false>& d, std::uint64_t a,
                                          std::uint64_t b) {
  wgmma::mma_m64n256_f32_f16<1>(d.v, a, b, 1);
}
__device__ __forceinline__ void mma_stage(Accumulators<true>& d, std::uint64_t a, std::uint64_t b) {
  wgmma::mma_m64n256_f16_f16<1>(d.v, a, b, 1);
}

// Elements i and i + 1 (adjacent columns of one row) as the bits of a half2.
__device__ __forceinline__ std::uint32_t output_pair(const Accumulators<false>& d, int i) {
  const __half2 pair = __floats2half2_rn(d.v[i], d.v[i + 1]);
  std::uint32_t bits = 0;
  memcpy(&bits, &pair, sizeof bits);
  return bits;
}
__device__ __forceinline__ std::uint32_t output_pair(const Accumulators<true>& d, int i) {
  return d.v[i / 2];
}

// The first `valid` halves of a 16-byte chunk, one by one (C not 16-byte aligned).
__device__ __forceinline__ void store_halves(__half* out, uint4 chunk, int valid) {
  const std::uint32_t words[4] = {chunk.x, chunk.y, chunk.z, chunk.w};
#pragma unroll
  for (int e = 0; e < 8; ++e) {
    if (e < valid)
      out[e] = __ushort_as_half(static_cast<unsigned short>(words[e / 2] >> (e % 2 * 16)));
  }
}

// The consumer's 64 x 256 share of the block tile to C, in-range elements only, through its
// staging buffer at shared address `staging` (wgmma_hgemm_tiling.hpp: staging_offset), 128 columns
// a pass: the accumulators into the buffer, then 16-byte chunks of whole rows out to C.
template <bool Fp16Accumulate>
__device__ void store_tile(const Accumulators<Fp16Accumulate>& d, std::uint32_t staging,
                           int consumer, MatrixCoord origin, int m, int n, __half* c,
                           bool vector_store) {
  const int thread = static_cast<int>(threadIdx.x % wgmma::kWarpgroupThreads);
#pragma unroll
  for (int pass = 0; pass < kStagingPasses; ++pass) {
    // Every thread has read the buffer (the previous pass's, or the previous tile's, chunks)
    // before any overwrites it.
    consumer_barrier(consumer);
#pragma unroll
    for (int e = 0; e < kPassElements; e += 2) {
      const int i = pass * kPassElements + e;
      store_shared_b32(staging + fragment_staging_offset(thread, i), output_pair(d, i));
    }
    consumer_barrier(consumer);  // the whole pass is in the buffer
#pragma unroll
    for (int step = 0; step < kReadoutSteps; ++step) {
      const MatrixCoord at = readout_coord(thread, step);
      const int row = origin.row + at.row;
      const int col = origin.col + pass * kStagingColumns + at.col;
      const int valid = valid_elements(row, col, m, n, 8);
      if (valid == 0) continue;
      const uint4 chunk = load_shared_v4(staging + staging_offset(at.row, at.col));
      __half* out = c + static_cast<std::size_t>(row) * static_cast<std::size_t>(n) + col;
      if (vector_store && valid == 8) {
        *reinterpret_cast<uint4*>(out) = chunk;
      } else {
        store_halves(out, chunk, valid);
      }
    }
  }
}

#endif  // GPUBENCH_WGMMA_DEVICE

#if GPUBENCH_WGMMA_DEVICE

// The block's shared memory: 1024-aligned stages, then the "full" and "empty" barriers (at the
// same offsets in every block of a cluster: the kernel and its shared memory are the same).
struct Stages {
  std::uint32_t base;
  __device__ Mbarrier full(int s) const { return {base + barrier_offset(s)}; }
  __device__ Mbarrier empty(int s) const { return {base + barrier_offset(kStages + s)}; }
};

// Where a block of a cluster of ClusterM blocks is in the persistent schedule: clusters take work
// units (cluster_tiles) unit, unit + clusters, ...; the block computes the tile of its rank.
template <int ClusterM>
struct Schedule {
  int rank;
  int tiles_m;
  int tiles_n;
  __device__ int first_unit() const { return static_cast<int>(blockIdx.x) / ClusterM; }
  __device__ int unit_stride() const { return static_cast<int>(gridDim.x) / ClusterM; }
  __device__ int units() const { return cluster_tiles(tiles_m, tiles_n, ClusterM); }
  __device__ MatrixCoord tile(int unit) const {
    return cluster_block_tile(unit, rank, tiles_m, tiles_n, ClusterM);
  }
};

// Gives stage `s` back to the producers of every block of the cluster (they write into all of
// them): one arrival per consumer warp on each block's "empty" barrier.
template <int ClusterM>
__device__ __forceinline__ void release_stage(const Stages& st, int s) {
  if constexpr (ClusterM == 1) {
    barrier_arrive(st.empty(s));
  } else {
#pragma unroll
    for (int rank = 0; rank < ClusterM; ++rank) {
      barrier_arrive_in_block(st.empty(s), static_cast<std::uint32_t>(rank));
    }
  }
}

// One stage's loads for this block's tile: its A box (unless the tile lies below the matrix) and
// the B panels: all four, or with a cluster the ones this block multicasts to every block.
template <int ClusterM>
__device__ __forceinline__ void load_stage(const Stages& st, int s, const CUtensorMap* a_map,
                                           const CUtensorMap* b_map, MatrixCoord tile, int kt,
                                           int rank, bool loads_a) {
  barrier_arrive_expect_tx(st.full(s), stage_transaction_bytes(loads_a));
  if (loads_a) tma_load_2d(st.base + a_stage_offset(s), a_map, a_box(tile.row, kt), st.full(s));
#pragma unroll
  for (int p = 0; p < kPanels; ++p) {
    if constexpr (ClusterM == 1) {
      tma_load_2d(st.base + b_panel_offset(s, p), b_map, b_box(tile.col, kt, p), st.full(s));
    } else if (panel_loader(p, ClusterM) == rank) {
      tma_load_2d_multicast(st.base + b_panel_offset(s, p), b_map, b_box(tile.col, kt, p),
                            st.full(s), static_cast<std::uint16_t>((1u << ClusterM) - 1u));
    }
  }
}

// The producer's one thread: every k tile of every tile this block owns, in the consumers' order.
// `load` counts k tiles across tiles, so stage and phase carry on from one tile to the next and the
// next tile's first stages load while the consumers store the last one.
template <int ClusterM>
__device__ void produce(const Stages& st, const Schedule<ClusterM>& schedule,
                        const CUtensorMap* a_map, const CUtensorMap* b_map, int k_tiles) {
  tma_prefetch_descriptor(a_map);
  tma_prefetch_descriptor(b_map);
  int load = 0;
  for (int unit = schedule.first_unit(); unit < schedule.units(); unit += schedule.unit_stride()) {
    const MatrixCoord tile = schedule.tile(unit);
    for (int kt = 0; kt < k_tiles; ++kt, ++load) {
      const int s = stage_of(load);
      if (waits_for_empty(load)) barrier_wait(st.empty(s), empty_parity(load));
      load_stage<ClusterM>(st, s, a_map, b_map, tile, kt, schedule.rank,
                           tile.row < schedule.tiles_m);
    }
  }
}

// A consumer warpgroup: 64 rows of each of the block's tiles.
template <bool Fp16Accumulate, int ClusterM>
__device__ void consume(const Stages& st, const Schedule<ClusterM>& schedule, int consumer, int m,
                        int n, int k_tiles, __half* c, bool vector_store) {
  const bool leader = threadIdx.x % 32 == 0;  // arrives on "empty" for its warp
  int load = 0;
  for (int unit = schedule.first_unit(); unit < schedule.units(); unit += schedule.unit_stride()) {
    const MatrixCoord tile = schedule.tile(unit);
    // Below the matrix (the second block of a cluster on an odd last tile row), the block only
    // passes its stages on: its A was not loaded and nothing is stored.
    const bool computes = ClusterM == 1 || tile.row < schedule.tiles_m;
    Accumulators<Fp16Accumulate> d;
#pragma unroll
    for (auto& v : d.v)
      v = 0;
#pragma unroll 1
    for (int kt = 0; kt < k_tiles; ++kt, ++load) {
      const int s = stage_of(load);
      barrier_wait(st.full(s), full_parity(load));
      if (computes) {
        wgmma::fence();
#pragma unroll
        for (int slice = 0; slice < kKSlices; ++slice) {
          mma_stage(d, a_descriptor(st.base, s, consumer, slice), b_descriptor(st.base, s, slice));
        }
        wgmma::commit_group();
      }
      // One group stays in flight: k tile kt - 1's wgmma are done, so its stage goes back to the
      // producer while k tile kt's run.
      wgmma::wait_group<1>();
      if (kt > 0 && leader) release_stage<ClusterM>(st, stage_of(load - 1));
    }
    wgmma::wait_group<0>();
    if (leader) release_stage<ClusterM>(st, stage_of(load - 1));
    if (!computes) continue;
    store_tile(d, st.base + staging_buffer_offset(consumer), consumer,
               output_origin(tile, consumer), m, n, c, vector_store);
  }
}

#endif  // GPUBENCH_WGMMA_DEVICE

// Persistent: a cluster of ClusterM blocks (1: a lone block) runs work units first_unit(),
// first_unit() + unit_stride(), ... of the rasterized grid.
template <bool Fp16Accumulate, int ClusterM>
__global__ void __launch_bounds__(kThreads, 1)
    wgmma_hgemm_kernel(const __grid_constant__ CUtensorMap a_map,
                       const __grid_constant__ CUtensorMap b_map, int m, int n, int k,
                       __half* __restrict__ c, bool vector_store) {
#if GPUBENCH_WGMMA_DEVICE
  extern __shared__ __align__(1024) unsigned char hopper_smem[];
  const auto raw = static_cast<std::uint32_t>(__cvta_generic_to_shared(hopper_smem));
  const Stages st{(raw + 1023u) & ~1023u};  // swizzle atoms are 1024-byte aligned
  const int warpgroup = static_cast<int>(threadIdx.x) / wgmma::kWarpgroupThreads;
  if (threadIdx.x == 0) {
    for (int s = 0; s < kStages; ++s) {
      barrier_init(st.full(s), 1);
      barrier_init(st.empty(s), empty_arrivals(ClusterM));
    }
    barrier_init_fence();
  }
  // Every block's barriers are initialized before any block's loads or arrivals reach them.
  if constexpr (ClusterM == 1) {
    __syncthreads();
  } else {
    cluster_sync();
  }
  const Schedule<ClusterM> schedule{ClusterM == 1 ? 0 : static_cast<int>(cluster_rank()),
                                    ceil_div(m, kBlockM), ceil_div(n, kBlockN)};
  const int k_tiles = ceil_div(k, kBlockK);
  if (warpgroup == 0) {  // the producer: one thread issues every load
    if (threadIdx.x == 0) produce<ClusterM>(st, schedule, &a_map, &b_map, k_tiles);
  } else {
    consume<Fp16Accumulate, ClusterM>(st, schedule, warpgroup - 1, m, n, k_tiles, c, vector_store);
  }
  // No block leaves while another block of its cluster may still arrive on its barriers.
  if constexpr (ClusterM > 1) cluster_sync();
#else
  (void)a_map;
  (void)b_map;
  (void)m;
  (void)n;
  (void)k;
  (void)c;
  (void)vector_store;
#endif
}

using EncodeTiled = PFN_cuTensorMapEncodeTiled_v12000;

// cuTensorMapEncodeTiled from the driver, through the runtime (no libcuda at link time).
EncodeTiled encode_tiled() {
  static const EncodeTiled function = [] {
    void* entry = nullptr;
    cudaDriverEntryPointQueryResult found{};
#if CUDART_VERSION >= 12050
    GPUBENCH_CUDA_CHECK(cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &entry, 12000,
                                                         cudaEnableDefault, &found));
#else
    GPUBENCH_CUDA_CHECK(
        cudaGetDriverEntryPoint("cuTensorMapEncodeTiled", &entry, cudaEnableDefault, &found));
#endif
    if (found != cudaDriverEntryPointSuccess || entry == nullptr) {
      throw std::runtime_error(
          "own HGEMM (Hopper): the driver has no cuTensorMapEncodeTiled; update the NVIDIA driver");
    }
    return reinterpret_cast<EncodeTiled>(entry);
  }();
  return function;
}

// A row-major rows x cols FP16 matrix as a 2D tensor map with {box_cols, box_rows} boxes in 128B
// swizzle; out-of-range box elements read as zeros.
CUtensorMap encode_tensor_map(const __half* base, int rows, int cols, int box_rows, int box_cols) {
  CUtensorMap map{};
  const cuuint64_t dims[2] = {static_cast<cuuint64_t>(cols), static_cast<cuuint64_t>(rows)};
  const cuuint64_t strides[1] = {static_cast<cuuint64_t>(cols) * sizeof(__half)};
  const cuuint32_t box[2] = {static_cast<cuuint32_t>(box_cols), static_cast<cuuint32_t>(box_rows)};
  const cuuint32_t element_strides[2] = {1, 1};
  const CUresult result = encode_tiled()(
      &map, CU_TENSOR_MAP_DATA_TYPE_FLOAT16, 2, const_cast<__half*>(base), dims, strides, box,
      element_strides, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
      CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (result != CUDA_SUCCESS) {
    throw std::runtime_error("own HGEMM (Hopper): cuTensorMapEncodeTiled failed with CUresult " +
                             std::to_string(static_cast<int>(result)));
  }
  return map;
}

// The same, encoded once per address and shape. The map is a function of these arguments alone
// (it holds the address, sizes, strides and box; nothing of the device or of the data), so a
// stored map is exactly what encoding again would give, also for a buffer freed and allocated
// again at the same address.
CUtensorMap tensor_map(const __half* base, int rows, int cols, int box_rows, int box_cols) {
  using Key = std::tuple<const void*, int, int, int, int>;
  static common::OncePerKey<Key, CUtensorMap> encoded(64);
  return encoded.get({base, rows, cols, box_rows, box_cols},
                     [&] { return encode_tensor_map(base, rows, cols, box_rows, box_cols); });
}

bool aligned16(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 16 == 0;
}

// How many clusters of the kernel's launch `config` fit on the device at once (one block per SM:
// its shared memory allows no second), with the kernel allowed its dynamic shared memory. Once per
// device and kernel: the occupancy query would otherwise add its cost to every timed launch.
template <typename Kernel>
long long prepared_resident_clusters(Kernel kernel, cudaLaunchConfig_t config, int cluster_m) {
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  static common::OncePerKey<std::pair<int, const void*>, long long> known(16);
  return known.get({device, reinterpret_cast<const void*>(kernel)}, [&] {
    GPUBENCH_CUDA_CHECK(
        cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
    int clusters = 0;
    if (cluster_m == 1) {
      GPUBENCH_CUDA_CHECK(
          cudaDeviceGetAttribute(&clusters, cudaDevAttrMultiProcessorCount, device));
    } else {
      config.gridDim = dim3(static_cast<unsigned>(cluster_m));
      GPUBENCH_CUDA_CHECK(cudaOccupancyMaxActiveClusters(&clusters, kernel, &config));
    }
    if (clusters < 1) {
      throw std::runtime_error(
          "own HGEMM (Hopper): a cluster of " + std::to_string(cluster_m) +
          " blocks does not fit this GPU; unset GPUBENCH_HOPPER_HGEMM_CLUSTER");
    }
    return static_cast<long long>(clusters);
  });
}

template <bool Fp16Accumulate, int ClusterM>
void launch(int m, int n, int k, const __half* a, const __half* b, __half* c, int max_blocks,
            cudaStream_t stream) {
  // cluster_tiles over one tile column, times the columns: in 64 bits, before the size check.
  const long long units = static_cast<long long>(cluster_tiles(ceil_div(m, kBlockM), 1, ClusterM)) *
                          ceil_div(n, kBlockN);
  if (units * ClusterM > 0x7fffffffLL) throw std::invalid_argument("own HGEMM: matrix too large");
  const auto kernel = wgmma_hgemm_kernel<Fp16Accumulate, ClusterM>;
  cudaLaunchAttribute cluster{};
  cluster.id = cudaLaunchAttributeClusterDimension;
  cluster.val.clusterDim.x = ClusterM;
  cluster.val.clusterDim.y = 1;
  cluster.val.clusterDim.z = 1;
  cudaLaunchConfig_t config{};
  config.blockDim = dim3(kThreads);
  config.dynamicSmemBytes = kSmemBytes;
  config.stream = stream;
  config.attrs = &cluster;
  config.numAttrs = ClusterM > 1 ? 1 : 0;
  // Persistent: as many clusters as are resident at once, each looping over work units.
  long long clusters = std::min(units, prepared_resident_clusters(kernel, config, ClusterM));
  if (max_blocks > 0) clusters = std::min<long long>(clusters, std::max(1, max_blocks / ClusterM));
  config.gridDim = dim3(static_cast<unsigned>(clusters * ClusterM));
  const CUtensorMap a_map = tensor_map(a, m, k, kBlockM, kBlockK);
  const CUtensorMap b_map = tensor_map(b, k, n, kBlockK, kPanelN);
  // 16-byte stores need a 16-byte-aligned C; its rows then are too (n is a multiple of 8).
  const bool vector_store = aligned16(c);
  GPUBENCH_CUDA_CHECK(cudaLaunchKernelEx(&config, kernel, a_map, b_map, m, n, k, c, vector_store));
  GPUBENCH_CHECK_LAUNCH();
}

template <bool Fp16Accumulate>
void launch_clustered(int cluster_m, int m, int n, int k, const __half* a, const __half* b,
                      __half* c, int max_blocks, cudaStream_t stream) {
  if (cluster_m == 2) {
    launch<Fp16Accumulate, 2>(m, n, k, a, b, c, max_blocks, stream);
  } else {
    launch<Fp16Accumulate, 1>(m, n, k, a, b, c, max_blocks, stream);
  }
}

}  // namespace

bool wgmma_hgemm_applies(int sm, int n, int k, const __half* a, const __half* b) {
  return GPUBENCH_SM90A_KERNELS != 0 && sm == 90 && tma_shape_ok(n, k) && aligned16(a) &&
         aligned16(b);
}

void launch_wgmma_hgemm(bool fp16_accumulate, int m, int n, int k, const __half* a, const __half* b,
                        __half* c, cudaStream_t stream, int max_blocks, int cluster_m) {
  if (m < 1 || n < 1 || k < 1) throw std::invalid_argument("own HGEMM: m, n and k must be >= 1");
  if (a == nullptr || b == nullptr || c == nullptr) {
    throw std::invalid_argument("own HGEMM: null matrix pointer");
  }
  if (!wgmma_hgemm_applies(current_device_sm(), n, k, a, b)) {
    throw std::invalid_argument(
        "own HGEMM (wgmma + TMA) needs compute capability 9.0, a build with sm_90a kernels, n and "
        "k multiples of 8 and 16-byte-aligned A and B");
  }
  if (cluster_m == 0) cluster_m = hopper_hgemm_cluster_m();
  if (cluster_m < 1 || cluster_m > kMaxClusterM) {
    throw std::invalid_argument("own HGEMM (Hopper): clusters of 1 or 2 blocks only");
  }
  if (fp16_accumulate) {
    launch_clustered<true>(cluster_m, m, n, k, a, b, c, max_blocks, stream);
  } else {
    launch_clustered<false>(cluster_m, m, n, k, a, b, c, max_blocks, stream);
  }
}

int hopper_hgemm_cluster_m() {
  const char* chosen = std::getenv(kHopperClusterVariable);
  if (chosen == nullptr || *chosen == '\0' || std::string_view(chosen) == "1") return 1;
  if (std::string_view(chosen) == "2") return 2;
  throw std::invalid_argument(std::string(kHopperClusterVariable) +
                              " must be 1 or 2 (or unset, for 1)");
}

}  // namespace gpubench::gemm
