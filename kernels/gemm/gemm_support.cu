#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <stdexcept>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/hash.hpp"
#include "kernels/gemm/gemm_support.hpp"
#include "kernels/gemm/nvfp4_layout.hpp"

namespace gpubench::gemm {
namespace {

__device__ float uniform(std::uint32_t seed, std::size_t i) {
  const std::uint32_t h =
      common::mix(seed ^ common::mix(static_cast<std::uint32_t>(i) ^
                                     common::mix(static_cast<std::uint32_t>(
                                         static_cast<unsigned long long>(i) >> 32))));
  return static_cast<float>(h >> 8) / 8388608.0f - 1.0f;  // [-1, 1) in steps of 2^-23
}

template <typename T>
__global__ void fill_kernel(T* data, std::size_t count, std::uint32_t seed) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    const float u = uniform(seed, i);
    if constexpr (std::is_same_v<T, float>) {
      data[i] = u;
    } else if constexpr (std::is_same_v<T, __half>) {
      data[i] = __float2half_rn(u);
    } else if constexpr (std::is_same_v<T, __nv_bfloat16>) {
      data[i] = __float2bfloat16_rn(u);
    } else if constexpr (std::is_same_v<T, __nv_fp8_e4m3>) {
      data[i] = __nv_fp8_e4m3(u);
    } else {
      const int v = static_cast<int>((u + 1.0f) * 8.5f) - 8;  // -8..8
      data[i] = static_cast<T>(v == 0 ? 1 : v);
    }
  }
}

template <typename T>
__device__ double as_double(const void* data, std::size_t i) {
  const T value = static_cast<const T*>(data)[i];
  if constexpr (std::is_same_v<T, __half>) {
    return static_cast<double>(__half2float(value));
  } else if constexpr (std::is_same_v<T, __nv_bfloat16>) {
    return static_cast<double>(__bfloat162float(value));
  } else if constexpr (std::is_same_v<T, __nv_fp8_e4m3>) {
    return static_cast<double>(static_cast<float>(value));
  } else {
    return static_cast<double>(value);
  }
}

// Which position of C (m x n = `positions`) warp `warp` checks: every one when they number at most
// `samples`, else the two corners and hashed ones; -1 for a warp with none.
__device__ long long sample_position(int warp, int samples, long long positions,
                                     std::uint32_t seed) {
  if (warp >= samples) return -1;
  if (positions <= samples) return warp < positions ? warp : -1;
  if (warp == 0) return 0;
  if (warp == 1) return positions - 1;
  const unsigned long long h =
      (static_cast<unsigned long long>(common::mix(seed ^ static_cast<std::uint32_t>(warp)))
       << 32) |
      common::mix(~seed ^ static_cast<std::uint32_t>(warp) * 0x9e3779b9u);
  return static_cast<long long>(h % static_cast<unsigned long long>(positions));
}

// Lane 0's part: a warp's reference `sum` against C's `got`, into sums[0..2].
__device__ void add_sample(double got, double sum, double* sums) {
  if (!isfinite(got)) {
    atomicAdd(&sums[2], 1.0);
    return;
  }
  atomicAdd(&sums[0], (got - sum) * (got - sum));
  atomicAdd(&sums[1], sum * sum);
}

// One warp per sampled element of C (m x n): lanes split k, each adding term(row, col, kk), then
// the warp sums and lane 0 records the sample against got(position), C's value there.
template <typename Term, typename Got>
__device__ void check_warp_sample(int m, int n, int k, int samples, std::uint32_t seed,
                                  double* sums, Term term, Got got) {
  const int warp = static_cast<int>((blockIdx.x * blockDim.x + threadIdx.x) / 32);
  const int lane = static_cast<int>(threadIdx.x % 32);
  const long long position = sample_position(warp, samples, static_cast<long long>(m) * n, seed);
  if (position < 0) return;
  const long long row = position / n;
  const long long col = position % n;
  double sum = 0;
  for (int kk = lane; kk < k; kk += 32)
    sum += term(row, col, kk);
  for (int offset = 16; offset > 0; offset /= 2)
    sum += __shfl_down_sync(0xffffffffu, sum, offset);
  if (lane == 0) add_sample(got(position), sum, sums);
}

template <typename In, typename Out>
__global__ void sampled_error_kernel(bool b_transposed, int m, int n, int k, const void* a,
                                     const void* b, const void* c, int samples, std::uint32_t seed,
                                     double* sums) {
  check_warp_sample(
      m, n, k, samples, seed, sums,
      [=](long long row, long long col, int kk) {
        const std::size_t b_index = b_transposed ? static_cast<std::size_t>(col * k + kk)
                                                 : static_cast<std::size_t>(kk) * n + col;
        return as_double<In>(a, static_cast<std::size_t>(row * k + kk)) * as_double<In>(b, b_index);
      },
      [=](long long position) { return as_double<Out>(c, static_cast<std::size_t>(position)); });
}

__global__ void fill_nvfp4_kernel(std::uint8_t* data, std::int64_t bytes, std::uint8_t* scales,
                                  std::int64_t scale_bytes, std::uint32_t seed) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  for (std::int64_t i = first; i < bytes; i += stride)
    data[i] = nvfp4_fill_byte(seed, i);
  for (std::int64_t i = first; i < scale_bytes; i += stride)
    scales[i] = nvfp4_fill_scale(seed, i);
}

// As sampled_error_kernel, for C (FP32) = A B^T with NVFP4 A (m x k) and B (n x k).
__global__ void sampled_error_nvfp4_kernel(int m, int n, int k, const std::uint8_t* a,
                                           const std::uint8_t* a_scales, const std::uint8_t* b,
                                           const std::uint8_t* b_scales, const float* c,
                                           int samples, std::uint32_t seed, double* sums) {
  check_warp_sample(
      m, n, k, samples, seed, sums,
      [=](long long row, long long col, int kk) {
        return nvfp4_value(a, a_scales, row, kk, k) * nvfp4_value(b, b_scales, col, kk, k);
      },
      [=](long long position) { return static_cast<double>(c[position]); });
}

template <typename F>
void with_type(ElementType type, F&& f) {
  switch (type) {
    case ElementType::kF32:
      f(float{});
      break;
    case ElementType::kF16:
      f(__half{});
      break;
    case ElementType::kBf16:
      f(__nv_bfloat16{});
      break;
    case ElementType::kE4m3:
      f(__nv_fp8_e4m3{});
      break;
    case ElementType::kS8:
      f(std::int8_t{});
      break;
    case ElementType::kS32:
      f(std::int32_t{});
      break;
  }
}

}  // namespace

std::size_t element_bytes(ElementType type) {
  switch (type) {
    case ElementType::kF32:
    case ElementType::kS32:
      return 4;
    case ElementType::kF16:
    case ElementType::kBf16:
      return 2;
    case ElementType::kE4m3:
    case ElementType::kS8:
      return 1;
  }
  return 0;
}

void launch_fill_random(ElementType type, void* data, std::size_t count, std::uint32_t seed,
                        cudaStream_t stream) {
  with_type(type, [&](auto tag) {
    using T = decltype(tag);
    fill_kernel<T><<<1024, 256, 0, stream>>>(static_cast<T*>(data), count, seed);
  });
  GPUBENCH_CHECK_LAUNCH();
}

void launch_sampled_error(ElementType input, ElementType output, bool b_transposed, int m, int n,
                          int k, const void* a, const void* b, const void* c, int samples,
                          std::uint32_t seed, double* sums, cudaStream_t stream) {
  const int blocks = (samples * 32 + 255) / 256;
  with_type(input, [&](auto in_tag) {
    with_type(output, [&](auto out_tag) {
      using In = decltype(in_tag);
      using Out = decltype(out_tag);
      if constexpr (std::is_same_v<Out, __nv_fp8_e4m3> || std::is_same_v<Out, std::int8_t>) {
        throw std::invalid_argument("GEMM outputs are never FP8 or INT8");
      } else {
        sampled_error_kernel<In, Out>
            <<<blocks, 256, 0, stream>>>(b_transposed, m, n, k, a, b, c, samples, seed, sums);
      }
    });
  });
  GPUBENCH_CHECK_LAUNCH();
}

void launch_fill_nvfp4(void* data, std::int64_t rows, std::int64_t k, void* scales,
                       std::uint32_t seed, cudaStream_t stream) {
  fill_nvfp4_kernel<<<1024, 256, 0, stream>>>(
      static_cast<std::uint8_t*>(data), nvfp4_data_bytes(rows, k),
      static_cast<std::uint8_t*>(scales), nvfp4_scale_bytes(rows, k), seed);
  GPUBENCH_CHECK_LAUNCH();
}

void launch_sampled_error_nvfp4(int m, int n, int k, const Nvfp4Operands& operands, const void* c,
                                int samples, std::uint32_t seed, double* sums,
                                cudaStream_t stream) {
  const int blocks = (samples * 32 + 255) / 256;
  sampled_error_nvfp4_kernel<<<blocks, 256, 0, stream>>>(
      m, n, k, static_cast<const std::uint8_t*>(operands.a),
      static_cast<const std::uint8_t*>(operands.a_scales),
      static_cast<const std::uint8_t*>(operands.b),
      static_cast<const std::uint8_t*>(operands.b_scales), static_cast<const float*>(c), samples,
      seed, sums);
  GPUBENCH_CHECK_LAUNCH();
}

}  // namespace gpubench::gemm
