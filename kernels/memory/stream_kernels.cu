// STREAM-style DRAM kernels (read, write, copy, scale, add, triad, dot) on 16-byte vectors, and the
// kernel that verifies their output. Array ops: one vector per thread; reductions: a few per
// thread.

#include <cuda_runtime.h>

#include <stdexcept>

#include "kernels/common/cuda_check.hpp"
#include "kernels/memory/memory_kernels.hpp"

namespace gpubench::memory {
namespace {

// Sums a block's per-thread values into partials[blockIdx.x]; doubles keep the float partial
// sums exact enough for verification.
__device__ void block_sum_to(double* partials, double value) {
  __shared__ double warp_sums[kStreamBlockThreads / 32];
  for (int offset = 16; offset > 0; offset /= 2) {
    value += __shfl_down_sync(0xffffffffu, value, offset);
  }
  const int lane = threadIdx.x % 32;
  const int warp = threadIdx.x / 32;
  if (lane == 0) warp_sums[warp] = value;
  __syncthreads();
  if (warp == 0) {
    value = lane < kStreamBlockThreads / 32 ? warp_sums[lane] : 0.0;
    for (int offset = 16; offset > 0; offset /= 2) {
      value += __shfl_down_sync(0xffffffffu, value, offset);
    }
    if (lane == 0) partials[blockIdx.x] = value;
  }
}

__device__ std::size_t thread_index() {
  return static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ std::size_t thread_count() {
  return static_cast<std::size_t>(gridDim.x) * blockDim.x;
}

__global__ void stream_init_kernel(float4* a, float4* b, float4* c, std::size_t vectors) {
  for (std::size_t v = thread_index(); v < vectors; v += thread_count()) {
    const std::size_t i = v * 4;
    a[v] = make_float4(initial_a(i), initial_a(i + 1), initial_a(i + 2), initial_a(i + 3));
    b[v] = make_float4(initial_b(i), initial_b(i + 1), initial_b(i + 2), initial_b(i + 3));
    c[v] = make_float4(initial_c(i), initial_c(i + 1), initial_c(i + 2), initial_c(i + 3));
  }
}

// The k-th vector of this thread in a reduction: consecutive threads read consecutive vectors.
__device__ std::size_t reduction_vector(int k) {
  return (static_cast<std::size_t>(blockIdx.x) * kReductionVectorsPerThread + k) *
             kStreamBlockThreads +
         threadIdx.x;
}

__global__ void __launch_bounds__(kStreamBlockThreads)
    stream_read_kernel(const float4* __restrict__ a, std::size_t vectors, double* partials) {
  float sum = 0.0f;
#pragma unroll
  for (int k = 0; k < static_cast<int>(kReductionVectorsPerThread); ++k) {
    const std::size_t v = reduction_vector(k);
    if (v < vectors) {
      const float4 x = a[v];
      sum += (x.x + x.y) + (x.z + x.w);
    }
  }
  block_sum_to(partials, sum);
}

__global__ void __launch_bounds__(kStreamBlockThreads)
    stream_write_kernel(float4* __restrict__ a, std::size_t vectors) {
  const std::size_t v = thread_index();
  if (v < vectors) {
    const std::size_t i = v * 4;
    a[v] = make_float4(written_value(i), written_value(i + 1), written_value(i + 2),
                       written_value(i + 3));
  }
}

__global__ void __launch_bounds__(kStreamBlockThreads)
    stream_copy_kernel(const float4* __restrict__ a, float4* __restrict__ c, std::size_t vectors) {
  const std::size_t v = thread_index();
  if (v < vectors) c[v] = a[v];
}

__global__ void __launch_bounds__(kStreamBlockThreads)
    stream_scale_kernel(float4* __restrict__ b, const float4* __restrict__ c, std::size_t vectors) {
  const std::size_t v = thread_index();
  if (v < vectors) {
    const float4 x = c[v];
    b[v] = make_float4(kStreamScalar * x.x, kStreamScalar * x.y, kStreamScalar * x.z,
                       kStreamScalar * x.w);
  }
}

__global__ void __launch_bounds__(kStreamBlockThreads)
    stream_add_kernel(const float4* __restrict__ a, const float4* __restrict__ b,
                      float4* __restrict__ c, std::size_t vectors) {
  const std::size_t v = thread_index();
  if (v < vectors) {
    const float4 x = a[v];
    const float4 y = b[v];
    c[v] = make_float4(x.x + y.x, x.y + y.y, x.z + y.z, x.w + y.w);
  }
}

__global__ void __launch_bounds__(kStreamBlockThreads)
    stream_triad_kernel(float4* __restrict__ a, const float4* __restrict__ b,
                        const float4* __restrict__ c, std::size_t vectors) {
  const std::size_t v = thread_index();
  if (v < vectors) {
    const float4 y = b[v];
    const float4 z = c[v];
    a[v] = make_float4(y.x + kStreamScalar * z.x, y.y + kStreamScalar * z.y,
                       y.z + kStreamScalar * z.z, y.w + kStreamScalar * z.w);
  }
}

__global__ void __launch_bounds__(kStreamBlockThreads)
    stream_dot_kernel(const float4* __restrict__ a, const float4* __restrict__ b,
                      std::size_t vectors, double* partials) {
  float sum = 0.0f;
#pragma unroll
  for (int k = 0; k < static_cast<int>(kReductionVectorsPerThread); ++k) {
    const std::size_t v = reduction_vector(k);
    if (v < vectors) {
      const float4 x = a[v];
      const float4 y = b[v];
      sum += (x.x * y.x + x.y * y.y) + (x.z * y.z + x.w * y.w);
    }
  }
  block_sum_to(partials, sum);
}

__global__ void verify_stream_output_kernel(StreamOp op, const float* x, std::size_t n,
                                            unsigned long long* result) {
  for (std::size_t i = thread_index(); i < n; i += thread_count()) {
    if (x[i] != expected_output(op, i)) {
      atomicAdd(&result[0], 1ull);
      atomicMin(&result[1], static_cast<unsigned long long>(i));
    }
  }
}

}  // namespace

int full_wave_blocks(int device) {
  int sms = 0;
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  int per_sm = 0;
  GPUBENCH_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, stream_read_kernel,
                                                                    kStreamBlockThreads, 0));
  return sms * per_sm;
}

void launch_stream_init(const StreamArrays& arrays, cudaStream_t stream) {
  stream_init_kernel<<<1024, kStreamBlockThreads, 0, stream>>>(
      reinterpret_cast<float4*>(arrays.a), reinterpret_cast<float4*>(arrays.b),
      reinterpret_cast<float4*>(arrays.c), arrays.n / 4);
  GPUBENCH_CHECK_LAUNCH();
}

void launch_stream_op(StreamOp op, const StreamArrays& arrays, cudaStream_t stream) {
  auto* a = reinterpret_cast<float4*>(arrays.a);
  auto* b = reinterpret_cast<float4*>(arrays.b);
  auto* c = reinterpret_cast<float4*>(arrays.c);
  const std::size_t vectors = arrays.n / 4;
  const std::size_t blocks = stream_blocks(op, arrays.n);
  if (output_array(op) < 0 && blocks > static_cast<std::size_t>(arrays.reduction_slots)) {
    throw std::invalid_argument("StreamArrays.reduction_slots is smaller than stream_blocks()");
  }
  const dim3 grid(static_cast<unsigned>(blocks)), block(kStreamBlockThreads);
  switch (op) {
    case StreamOp::kRead:
      stream_read_kernel<<<grid, block, 0, stream>>>(a, vectors, arrays.partials);
      break;
    case StreamOp::kWrite:
      stream_write_kernel<<<grid, block, 0, stream>>>(a, vectors);
      break;
    case StreamOp::kCopy:
      stream_copy_kernel<<<grid, block, 0, stream>>>(a, c, vectors);
      break;
    case StreamOp::kScale:
      stream_scale_kernel<<<grid, block, 0, stream>>>(b, c, vectors);
      break;
    case StreamOp::kAdd:
      stream_add_kernel<<<grid, block, 0, stream>>>(a, b, c, vectors);
      break;
    case StreamOp::kTriad:
      stream_triad_kernel<<<grid, block, 0, stream>>>(a, b, c, vectors);
      break;
    case StreamOp::kDot:
      stream_dot_kernel<<<grid, block, 0, stream>>>(a, b, vectors, arrays.partials);
      break;
  }
  GPUBENCH_CHECK_LAUNCH();
}

void launch_verify_stream_output(StreamOp op, const float* x, std::size_t n,
                                 unsigned long long* result, cudaStream_t stream) {
  const unsigned long long initial[2] = {0ull, ~0ull};
  GPUBENCH_CUDA_CHECK(
      cudaMemcpyAsync(result, initial, sizeof initial, cudaMemcpyHostToDevice, stream));
  verify_stream_output_kernel<<<1024, 256, 0, stream>>>(op, x, n, result);
  GPUBENCH_CHECK_LAUNCH();
}

}  // namespace gpubench::memory
