// Tensor-core peak kernels for Hopper on wgmma.mma_async (compiled for sm_90a only; everywhere
// else the kernels are empty and the host never launches them). One warpgroup per block runs the
// chain of wgmma_math.hpp on m64n256 tiles read from 128B-swizzled shared memory; the loop issues
// kWgmmaUnroll (B, -B) pairs per committed group. Several blocks share an SM, so one warpgroup's
// wgmma keep the tensor cores busy while another waits for its group to finish.

#include <cuda_runtime.h>

#include <stdexcept>
#include <type_traits>
#include <utility>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/device_timer.cuh"
#include "kernels/common/once_per_key.hpp"
#include "kernels/common/wgmma.cuh"
#include "kernels/compute/compute_dispatch.hpp"
#include "kernels/compute/wgmma_kernels.hpp"

#ifndef GPUBENCH_SM90A_KERNELS
#define GPUBENCH_SM90A_KERNELS 0
#endif

namespace gpubench::compute {
namespace {

template <ComputeOp Op>
struct WgmmaAccumulator {
  static constexpr int kWords = wgmma_output_words(Op);
  using T = std::conditional_t<accumulator(Op) == Accumulator::kF32, float, std::uint32_t>;
};

template <ComputeOp Op>
__device__ __forceinline__ void wgmma_step(
    typename WgmmaAccumulator<Op>::T (&d)[WgmmaAccumulator<Op>::kWords], std::uint64_t a,
    std::uint64_t b) {
  if constexpr (Op == ComputeOp::kMmaF16F16) {
    wgmma::mma_m64n256_f16_f16<0>(d, a, b, 1);
  } else if constexpr (Op == ComputeOp::kMmaF16F32) {
    wgmma::mma_m64n256_f32_f16<0>(d, a, b, 1);
  } else if constexpr (Op == ComputeOp::kMmaBf16F32) {
    wgmma::mma_m64n256_f32_bf16<0>(d, a, b, 1);
  } else if constexpr (Op == ComputeOp::kMmaTf32F32) {
    wgmma::mma_m64n256_f32_tf32(d, a, b, 1);
  } else if constexpr (Op == ComputeOp::kMmaS8S32) {
    wgmma::mma_m64n256_s32_s8(d, a, b, 1);
  } else if constexpr (Op == ComputeOp::kMmaE4m3F32) {
    wgmma::mma_m64n256_f32_e4m3(d, a, b, 1);
  } else if constexpr (Op == ComputeOp::kMmaE5m2F32) {
    wgmma::mma_m64n256_f32_e5m2(d, a, b, 1);
  } else if constexpr (Op == ComputeOp::kMmaE4m3F16) {
    wgmma::mma_m64n256_f16_e4m3(d, a, b, 1);
  } else if constexpr (Op == ComputeOp::kMmaE5m2F16) {
    wgmma::mma_m64n256_f16_e5m2(d, a, b, 1);
  }
}

// Only the sm_90a kernel body uses the two helpers below (with GPUBENCH_SM90A_KERNELS=OFF an
// unused function is an error under --Werror=all-warnings).
#if GPUBENCH_WGMMA_DEVICE
// Writes one encoded element of `bytes` bytes at `offset` of the tile.
__device__ __forceinline__ void store_element(unsigned char* tile, std::uint32_t offset,
                                              std::uint32_t bits, int bytes) {
  if (bytes == 1) {
    tile[offset] = static_cast<unsigned char>(bits);
  } else if (bytes == 2) {
    *reinterpret_cast<unsigned short*>(tile + offset) = static_cast<unsigned short>(bits);
  } else {
    *reinterpret_cast<std::uint32_t*>(tile + offset) = bits;
  }
}

// A (64 x Kt), B and -B (256 x Kt), K-major and swizzled, from the block's operand hashes.
template <ComputeOp Op>
__device__ void fill_tiles(unsigned char* smem, std::uint32_t seed, std::uint32_t block) {
  constexpr int kBytes = wgmma_element_bytes(Op);
  constexpr int kTileK = wgmma_tile_k(Op);
  constexpr Element kElement = input_element(Op);
  for (int i = static_cast<int>(threadIdx.x); i < wgmma::kWgmmaM * kTileK; i += blockDim.x) {
    const int row = i / kTileK, k = i % kTileK;
    store_element(smem, wgmma::k_major_offset(row, k, kBytes),
                  encode_element(kElement, wgmma_a_value(seed, block, row, k)), kBytes);
  }
  unsigned char* b = smem + wgmma_b_offset(false);
  unsigned char* negative_b = smem + wgmma_b_offset(true);
  for (int i = static_cast<int>(threadIdx.x); i < kWgmmaN * kTileK; i += blockDim.x) {
    const int n = i / kTileK, k = i % kTileK;
    const int value = wgmma_b_value(seed, block, k, n);
    const std::uint32_t offset = wgmma::k_major_offset(n, k, kBytes);
    store_element(b, offset, encode_element(kElement, value), kBytes);
    store_element(negative_b, offset, encode_element(kElement, -value), kBytes);
  }
}
#endif  // GPUBENCH_WGMMA_DEVICE

// The chain's starting accumulators C, as the CPU model has them.
template <ComputeOp Op>
__device__ __forceinline__ void set_accumulators(
    typename WgmmaAccumulator<Op>::T (&d)[WgmmaAccumulator<Op>::kWords], std::uint32_t seed,
    std::uint32_t block, int thread) {
#pragma unroll
  for (int w = 0; w < WgmmaAccumulator<Op>::kWords; ++w) {
    const std::uint32_t bits = wgmma_accumulator_word(Op, seed, block, thread, w, false);
    if constexpr (std::is_same_v<typename WgmmaAccumulator<Op>::T, float>) {
      d[w] = __uint_as_float(bits);
    } else {
      d[w] = bits;
    }
  }
}

template <ComputeOp Op>
__global__ void __launch_bounds__(wgmma::kWarpgroupThreads, kWgmmaBlocksPerSm)
    wgmma_throughput_kernel(long long iterations, std::uint32_t seed, std::uint32_t* out,
                            common::ClockSample* clock) {
#if GPUBENCH_WGMMA_DEVICE
  using Acc = WgmmaAccumulator<Op>;
  extern __shared__ __align__(1024) unsigned char wgmma_smem[];
  const int thread = static_cast<int>(threadIdx.x);
  const std::uint32_t block = blockIdx.x;
  // The swizzle needs 1024-byte-aligned atoms, whatever the dynamic shared-memory base is.
  const auto raw = static_cast<std::uint32_t>(__cvta_generic_to_shared(wgmma_smem));
  const std::uint32_t base = (raw + 1023u) & ~1023u;
  fill_tiles<Op>(wgmma_smem + (base - raw), seed, block);
  wgmma::fence_proxy_async_shared();
  __syncthreads();

  typename Acc::T d[Acc::kWords];
  set_accumulators<Op>(d, seed, block, thread);
  // The accumulators are set before the clock starts: the timer reads are volatile asm, which keeps
  // them after this fence, and the fence reads every accumulator.
  wgmma::fence_operands(d);
  const common::KernelClockStart clock_start = common::kernel_clock_start();
  const std::uint64_t a0 = wgmma::k_major_descriptor(base, 0);
  const std::uint64_t b0 = wgmma::k_major_descriptor(base + wgmma_b_offset(false), 0);
  const std::uint64_t negative_b0 = wgmma::k_major_descriptor(base + wgmma_b_offset(true), 0);
  // Not unrolled, and drained at the end of every group: any copy of the accumulators that a
  // rotated or unrolled loop introduces, or a group still in flight at the back edge, makes ptxas
  // serialize every wgmma (warnings C7511 / C7514). Other warpgroups on the SM cover the drain.
#pragma unroll 1
  for (long long i = 0; i < iterations; i += kWgmmaUnroll) {
    wgmma::fence();
#pragma unroll
    for (int u = 0; u < kWgmmaUnroll; ++u) {
      wgmma_step<Op>(d, a0, b0);
      wgmma_step<Op>(d, a0, negative_b0);
    }
    wgmma::commit_group();
    wgmma::wait_group<0>();
  }
  wgmma::fence();
#pragma unroll
  for (int s = 0; s < kWgmmaSlices; ++s) {
    wgmma_step<Op>(d, wgmma::k_major_descriptor(base, s),
                   wgmma::k_major_descriptor(base + wgmma_b_offset(false), s));
  }
  wgmma::commit_group();
  wgmma::wait_group<0>();
  // The accumulators leave the chain as they entered it, in the registers wgmma wrote.
  wgmma::fence_operands(d);
  std::uint32_t* mine = out + (static_cast<std::size_t>(block) * wgmma::kWarpgroupThreads +
                               static_cast<std::size_t>(thread)) *
                                  Acc::kWords;
#pragma unroll
  for (int w = 0; w < Acc::kWords; ++w) {
    if constexpr (std::is_same_v<typename Acc::T, float>) {
      mine[w] = __float_as_uint(d[w]);
    } else {
      mine[w] = d[w];
    }
  }
  common::kernel_clock_record(clock_start, clock);
#else
  (void)iterations;
  (void)seed;
  (void)out;
  (void)clock;
#endif
}

// Calls f(std::integral_constant<ComputeOp, op>{}) for an op with a wgmma kernel.
template <typename F>
void dispatch(ComputeOp op, F&& f) {
  if (!has_wgmma(op)) throw std::invalid_argument("no wgmma kernel for this compute op");
  dispatch_compute_op(op, [&](auto tag) {
    if constexpr (has_wgmma(decltype(tag)::value)) f(tag);
  });
}

// The tiles plus the slack that aligning them to 1024 bytes may take.
constexpr int kDynamicSmemBytes = wgmma_smem_bytes() + wgmma::kSwizzleAtomBytes;
// Compute capability 9.0 (CUDA C++ Programming Guide, "Technical Specifications per Compute
// Capability"): 228 KB of shared memory per SM, of which the system reserves 1 KB per block.
static_assert(kWgmmaBlocksPerSm * (kDynamicSmemBytes + 1024) <= 228 * 1024,
              "the peak kernels' blocks per SM must fit Hopper's shared memory");

// Which kernels have been allowed their dynamic shared memory, by device and kernel: the
// attribute stays set, so it is set once rather than on every timed launch.
common::OncePerKey<std::pair<int, const void*>, bool>& prepared_kernels() {
  static common::OncePerKey<std::pair<int, const void*>, bool> prepared(64);
  return prepared;
}

// The kernel for `op`, allowed its dynamic shared memory on the current device.
template <ComputeOp Op>
auto prepared_kernel() {
  const auto kernel = wgmma_throughput_kernel<Op>;
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  prepared_kernels().get({device, reinterpret_cast<const void*>(kernel)}, [&] {
    GPUBENCH_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                             kDynamicSmemBytes));
    return true;
  });
  return kernel;
}

int current_sm() {
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  int major = 0, minor = 0;
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
  return major * 10 + minor;
}

}  // namespace

bool wgmma_kernels_built() {
  return GPUBENCH_SM90A_KERNELS != 0;
}

bool wgmma_runs_on(ComputeOp op, int sm) {
  return wgmma_kernels_built() && has_wgmma(op) && sm == 90;
}

int wgmma_full_wave_blocks(ComputeOp op, int device) {
  int sms = 0;
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  int per_sm = 0;
  dispatch(op, [&](auto tag) {
    GPUBENCH_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
        &per_sm, prepared_kernel<decltype(tag)::value>(), wgmma::kWarpgroupThreads,
        kDynamicSmemBytes));
  });
  return sms * per_sm;
}

void launch_wgmma_throughput(ComputeOp op, int blocks, long long iterations, std::uint32_t seed,
                             std::uint32_t* out, common::ClockSample* clock, cudaStream_t stream) {
  if (!wgmma_runs_on(op, current_sm())) {
    throw std::invalid_argument("wgmma peak kernels run only on compute capability 9.0 (sm_90a)");
  }
  if (iterations % kWgmmaUnroll != 0 || iterations < 0) {
    throw std::invalid_argument("wgmma chain iterations must be a multiple of kWgmmaUnroll");
  }
  dispatch(op, [&](auto tag) {
    prepared_kernel<
        decltype(tag)::value>()<<<blocks, wgmma::kWarpgroupThreads, kDynamicSmemBytes, stream>>>(
        iterations, seed, out, clock);
  });
  GPUBENCH_CHECK_LAUNCH();
}

}  // namespace gpubench::compute
