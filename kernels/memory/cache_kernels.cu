// The L2 working-set sweep (repeated 16-byte reads of a buffer that may fit in L2) and the
// single-thread pointer chase that measures load latency per cache level.

#include <cuda_runtime.h>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/device_timer.cuh"
#include "kernels/memory/memory_kernels.hpp"

namespace gpubench::memory {
namespace {

__global__ void l2_sweep_init_kernel(float* buffer, std::size_t n) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    buffer[i] = l2_sweep_value(i);
  }
}

// Every thread issues the same number of 16-byte loads whatever the working set, walking
// (thread + k * threads) mod vectors: together the threads visit 0, 1, 2, ... mod vectors, so the
// sum is known in closed form. Loads go through L2 only (ld.global.cg): L1 would flatter the
// small working sets. The buffer holds small integers, so the float sums stay exact.
__global__ void __launch_bounds__(kStreamBlockThreads)
    l2_read_kernel(const float4* __restrict__ buffer, std::uint32_t vector_mask,
                   int loads_per_thread, double* partials) {
  const std::uint32_t stride = gridDim.x * blockDim.x;
  std::uint32_t index = (blockIdx.x * blockDim.x + threadIdx.x) & vector_mask;
  float sum = 0.0f;
#pragma unroll 8
  for (int k = 0; k < loads_per_thread; ++k) {
    const float4 x = __ldcg(buffer + index);
    sum += (x.x + x.y) + (x.z + x.w);
    index = (index + stride) & vector_mask;
  }
  __shared__ double warp_sums[kStreamBlockThreads / 32];
  double value = sum;
  for (int offset = 16; offset > 0; offset /= 2) {
    value += __shfl_down_sync(0xffffffffu, value, offset);
  }
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = value;
  __syncthreads();
  if (threadIdx.x == 0) {
    double block_total = 0.0;
    for (int w = 0; w < kStreamBlockThreads / 32; ++w)
      block_total += warp_sums[w];
    partials[blockIdx.x] = block_total;
  }
}

__global__ void chase_build_kernel(std::uint32_t* next, const std::uint32_t* order,
                                   std::size_t slots, std::uint32_t stride_elements) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t k = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < slots;
       k += stride) {
    const std::size_t successor = k + 1 == slots ? 0 : k + 1;
    next[static_cast<std::size_t>(order[k]) * stride_elements] = order[successor] * stride_elements;
  }
}

using common::global_timer_ns;

// One thread, one dependency chain: each load's address is the previous load's value.
__global__ void pointer_chase_kernel(const std::uint32_t* next, std::uint32_t start,
                                     std::uint64_t warm_steps, std::uint64_t timed_steps,
                                     ChaseResult* result) {
  std::uint32_t p = start;
  for (std::uint64_t s = 0; s < warm_steps; ++s)
    p = next[p];
  const unsigned long long ns_start = global_timer_ns();
  const long long cycles_start = clock64();
  for (std::uint64_t s = 0; s < timed_steps; ++s)
    p = next[p];
  // The stores depend on p, so the clock reads below cannot move above the last load.
  const long long cycles_end = clock64();
  const unsigned long long ns_end = global_timer_ns();
  result->final_index = p;
  result->cycles = static_cast<unsigned long long>(cycles_end - cycles_start);
  result->nanoseconds = ns_end - ns_start;
}

__global__ void transfer_fill_kernel(std::uint32_t* words, std::size_t count) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    words[i] = transfer_word(i);
  }
}

__global__ void transfer_verify_kernel(const std::uint32_t* words, std::size_t count,
                                       unsigned long long* result) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    if (words[i] != transfer_word(i)) {
      atomicAdd(&result[0], 1ull);
      atomicMin(&result[1], static_cast<unsigned long long>(i));
    }
  }
}

}  // namespace

void launch_l2_sweep_init(float* buffer, std::size_t n, cudaStream_t stream) {
  l2_sweep_init_kernel<<<1024, 256, 0, stream>>>(buffer, n);
  GPUBENCH_CHECK_LAUNCH();
}

void launch_l2_sweep_read(const float* buffer, std::size_t n, int loads_per_thread,
                          double* partials, int blocks, cudaStream_t stream) {
  l2_read_kernel<<<blocks, kStreamBlockThreads, 0, stream>>>(
      reinterpret_cast<const float4*>(buffer), static_cast<std::uint32_t>(n / 4 - 1),
      loads_per_thread, partials);
  GPUBENCH_CHECK_LAUNCH();
}

void launch_chase_build(std::uint32_t* next, const std::uint32_t* order, std::size_t slots,
                        std::uint32_t stride_elements, cudaStream_t stream) {
  chase_build_kernel<<<1024, 256, 0, stream>>>(next, order, slots, stride_elements);
  GPUBENCH_CHECK_LAUNCH();
}

void launch_chase(const std::uint32_t* next, std::uint32_t start, std::uint64_t warm_steps,
                  std::uint64_t timed_steps, ChaseResult* result, cudaStream_t stream) {
  pointer_chase_kernel<<<1, 1, 0, stream>>>(next, start, warm_steps, timed_steps, result);
  GPUBENCH_CHECK_LAUNCH();
}

void launch_transfer_fill(std::uint32_t* words, std::size_t count, cudaStream_t stream) {
  transfer_fill_kernel<<<1024, 256, 0, stream>>>(words, count);
  GPUBENCH_CHECK_LAUNCH();
}

void launch_transfer_verify(const std::uint32_t* words, std::size_t count,
                            unsigned long long* result, cudaStream_t stream) {
  const unsigned long long initial[2] = {0ull, ~0ull};
  GPUBENCH_CUDA_CHECK(
      cudaMemcpyAsync(result, initial, sizeof initial, cudaMemcpyHostToDevice, stream));
  transfer_verify_kernel<<<1024, 256, 0, stream>>>(words, count, result);
  GPUBENCH_CHECK_LAUNCH();
}

}  // namespace gpubench::memory
