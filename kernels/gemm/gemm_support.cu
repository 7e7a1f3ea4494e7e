#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <stdexcept>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/hash.hpp"
#include "kernels/gemm/gemm_support.hpp"

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

// One warp per sampled element: lanes split k, then the warp sums.
template <typename In, typename Out>
__global__ void sampled_error_kernel(bool b_transposed, int m, int n, int k, const void* a,
                                     const void* b, const void* c, int samples, std::uint32_t seed,
                                     double* sums) {
  const int warp = static_cast<int>((blockIdx.x * blockDim.x + threadIdx.x) / 32);
  const int lane = static_cast<int>(threadIdx.x % 32);
  if (warp >= samples) return;
  const long long positions = static_cast<long long>(m) * n;
  long long position = 0;
  if (positions <= samples) {
    position = warp;
    if (position >= positions) return;
  } else if (warp == 0) {
    position = 0;
  } else if (warp == 1) {
    position = positions - 1;
  } else {
    const unsigned long long h =
        (static_cast<unsigned long long>(common::mix(seed ^ static_cast<std::uint32_t>(warp)))
         << 32) |
        common::mix(~seed ^ static_cast<std::uint32_t>(warp) * 0x9e3779b9u);
    position = static_cast<long long>(h % static_cast<unsigned long long>(positions));
  }
  const long long row = position / n;
  const long long col = position % n;
  double sum = 0;
  for (int kk = lane; kk < k; kk += 32) {
    const std::size_t b_index = b_transposed ? static_cast<std::size_t>(col * k + kk)
                                             : static_cast<std::size_t>(kk) * n + col;
    sum += as_double<In>(a, static_cast<std::size_t>(row * k + kk)) * as_double<In>(b, b_index);
  }
  for (int offset = 16; offset > 0; offset /= 2)
    sum += __shfl_down_sync(0xffffffffu, sum, offset);
  if (lane == 0) {
    const double got = as_double<Out>(c, static_cast<std::size_t>(position));
    if (!isfinite(got)) {
      atomicAdd(&sums[2], 1.0);
      return;
    }
    atomicAdd(&sums[0], (got - sum) * (got - sum));
    atomicAdd(&sums[1], sum * sum);
  }
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

}  // namespace gpubench::gemm
