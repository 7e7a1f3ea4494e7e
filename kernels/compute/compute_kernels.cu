// Peak-throughput and latency kernels: scalar FMA chains and mma.sync chains. Each throughput
// kernel keeps many independent chains per thread (ILP) in a fully unrolled loop body, so the
// instruction under test dominates the loop (the SASS audit checks >= 90%).

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <type_traits>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/device_timer.cuh"
#include "kernels/common/mma_sm80.cuh"
#include "kernels/compute/compute_dispatch.hpp"
#include "kernels/compute/compute_kernels.hpp"

#define GPUBENCH_CUDA_AT_LEAST(major, minor) \
  (__CUDACC_VER_MAJOR__ > (major) ||         \
   (__CUDACC_VER_MAJOR__ == (major) && __CUDACC_VER_MINOR__ >= (minor)))

namespace gpubench::compute {
namespace {

// --- Which ops this translation unit builds, per architecture (host and device agree).

constexpr bool fp8_f32_built = GPUBENCH_CUDA_AT_LEAST(12, 4);
constexpr bool fp8_f16_built = GPUBENCH_CUDA_AT_LEAST(12, 8);

GPUBENCH_HD constexpr bool built_for(ComputeOp op, int sm) {
  switch (op) {
    case ComputeOp::kFfma:
    case ComputeOp::kHfma2:
    case ComputeOp::kDfma:
    case ComputeOp::kImad:
      return sm >= 75;
    case ComputeOp::kBf16Fma2:
      return sm >= 80;
    case ComputeOp::kMmaF16F16:
    case ComputeOp::kMmaF16F32:
    case ComputeOp::kMmaS8S32:
    case ComputeOp::kMmaS4S32:
      return sm >= 75;
    case ComputeOp::kMmaBf16F32:
    case ComputeOp::kMmaTf32F32:
      return sm >= 80;
    case ComputeOp::kMmaE4m3F32:
    case ComputeOp::kMmaE5m2F32:
      return sm >= 89 && fp8_f32_built;
    case ComputeOp::kMmaE4m3F16:
    case ComputeOp::kMmaE5m2F16:
      return sm >= 89 && fp8_f16_built;
  }
  return false;
}

#if defined(__CUDA_ARCH__)
constexpr int kDeviceSm = __CUDA_ARCH__ / 10;
#else
constexpr int kDeviceSm = 0;
#endif

// --- Scalar chains.

template <ComputeOp Op>
struct ScalarType;
template <>
struct ScalarType<ComputeOp::kFfma> {
  using T = float;
  __device__ static T from(double v) { return static_cast<float>(v); }
  __device__ static T step(T x, T a, T b) { return fmaf(x, a, b); }
  __device__ static void store(std::uint32_t* out, T x) { out[0] = __float_as_uint(x); }
};
template <>
struct ScalarType<ComputeOp::kDfma> {
  using T = double;
  __device__ static T from(double v) { return v; }
  __device__ static T step(T x, T a, T b) { return fma(x, a, b); }
  __device__ static void store(std::uint32_t* out, T x) {
    const unsigned long long bits = static_cast<unsigned long long>(__double_as_longlong(x));
    out[0] = static_cast<std::uint32_t>(bits);
    out[1] = static_cast<std::uint32_t>(bits >> 32);
  }
};
template <>
struct ScalarType<ComputeOp::kHfma2> {
  using T = __half2;
  __device__ static T from(double v) { return __float2half2_rn(static_cast<float>(v)); }
  __device__ static T step(T x, T a, T b) { return __hfma2(x, a, b); }
  __device__ static void store(std::uint32_t* out, T x) {
    out[0] = *reinterpret_cast<const std::uint32_t*>(&x);
  }
};
template <>
struct ScalarType<ComputeOp::kBf16Fma2> {
  using T = __nv_bfloat162;
  __device__ static T from(double v) { return __float2bfloat162_rn(static_cast<float>(v)); }
  __device__ static T step(T x, T a, T b) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    return __hfma2(x, a, b);
#else
    __trap();
    return x;
#endif
  }
  __device__ static void store(std::uint32_t* out, T x) {
    out[0] = *reinterpret_cast<const std::uint32_t*>(&x);
  }
};
template <>
struct ScalarType<ComputeOp::kImad> {
  using T = std::uint32_t;
  __device__ static T step(T x, T a, T b) { return x * a + b; }
  __device__ static void store(std::uint32_t* out, T x) { out[0] = x; }
};

template <ComputeOp Op, int Chains>
__device__ void scalar_chains(long long iterations, std::uint32_t seed, std::uint32_t thread,
                              std::uint32_t* out) {
  using S = ScalarType<Op>;
  // Every chain shares a and b (chain 0's), so consecutive instructions take them from the
  // operand reuse cache and only x comes from the register file: with three distinct registers
  // per FMA an H100 ran FFMA, HFMA2 and DFMA at about two thirds of their peak.
  typename S::T x[Chains], a, b;
  if constexpr (Op == ComputeOp::kImad) {
    a = integer_operands(seed, thread, 0).a;
    b = integer_operands(seed, thread, 0).b;
  } else {
    a = S::from(scalar_operands(Op, seed, thread, 0).a);
    b = S::from(scalar_operands(Op, seed, thread, 0).b);
  }
#pragma unroll
  for (int c = 0; c < Chains; ++c) {
    if constexpr (Op == ComputeOp::kImad) {
      x[c] = integer_operands(seed, thread, c).x0;
    } else {
      x[c] = S::from(scalar_operands(Op, seed, thread, c).x0);
    }
  }
  for (long long i = 0; i < iterations; i += kScalarUnroll) {
#pragma unroll
    for (int u = 0; u < kScalarUnroll; ++u) {
#pragma unroll
      for (int c = 0; c < Chains; ++c)
        x[c] = S::step(x[c], a, b);
    }
  }
  constexpr int words = Op == ComputeOp::kDfma ? 2 : 1;
#pragma unroll
  for (int c = 0; c < Chains; ++c)
    S::store(out + c * words, x[c]);
}

template <ComputeOp Op>
__global__ void __launch_bounds__(kComputeBlockThreads)
    scalar_throughput_kernel(long long iterations, std::uint32_t seed, std::uint32_t* out,
                             common::ClockSample* clock) {
  const common::KernelClockStart clock_start = common::kernel_clock_start();
  const std::uint32_t thread = blockIdx.x * blockDim.x + threadIdx.x;
  scalar_chains<Op, kScalarChains>(
      iterations, seed, thread,
      out + static_cast<std::size_t>(thread) * output_words_per_thread(Op, kDeviceSm));
  common::kernel_clock_record(clock_start, clock);
}

template <ComputeOp Op>
__global__ void scalar_latency_kernel(long long iterations, std::uint32_t seed, std::uint32_t* out,
                                      unsigned long long* cycles) {
  const long long start = clock64();
  scalar_chains<Op, 1>(iterations, seed, 0, out);
  *cycles = static_cast<unsigned long long>(clock64() - start);
}

// --- mma.sync chains. Accumulators are 32-bit words: f16x2 and s32 as "r", f32 as "f".

template <ComputeOp Op>
struct Mma {
  static constexpr MmaShape shape = mma_shape(Op, kDeviceSm);
  static constexpr int kA = shape.a_registers();
  static constexpr int kB = shape.b_registers();
  static constexpr int kWords = accumulator_words(Op, kDeviceSm);
  using Acc = std::conditional_t<accumulator(Op) == Accumulator::kF32, float, std::uint32_t>;
};

#if defined(__CUDA_ARCH__)

// The mma.sync of each operation (kernels/common/mma_sm80.cuh), grouped by input type. Turing
// (sm_75) has only the narrower k shapes (m16n8k8 for f16, m8n8k16/k32 for s8/s4).
constexpr bool kTuring = kDeviceSm < 80;

// asm volatile (Issue::kAsWritten), a deliberate choice: the chains are the timed work between the
// clock reads, which are volatile asm too, so every mma.sync stays between them and in the order
// written, and none is merged or dropped however the compiler judges the chains' results.
constexpr auto kIssue = mma_sync::Issue::kAsWritten;

template <ComputeOp Op>
__device__ __forceinline__ void mma_f16_inputs(typename Mma<Op>::Acc* d, const std::uint32_t* a,
                                               const std::uint32_t* b) {
  if constexpr (Op == ComputeOp::kMmaF16F16 && kTuring) {
    mma_sync::m16n8k8_f16_f16<kIssue>(d, a, b);
  } else if constexpr (Op == ComputeOp::kMmaF16F16) {
    mma_sync::m16n8k16_f16_f16<kIssue>(d, a, b);
  } else if constexpr (Op == ComputeOp::kMmaF16F32 && kTuring) {
    mma_sync::m16n8k8_f32_f16<kIssue>(d, a, b);
  } else {
    static_assert(Op == ComputeOp::kMmaF16F32);
    mma_sync::m16n8k16_f32_f16<kIssue>(d, a, b);
  }
}

// bf16 and tf32 inputs (sm_80 and newer).
template <ComputeOp Op>
__device__ __forceinline__ void mma_bf16_tf32_inputs(float* d, const std::uint32_t* a,
                                                     const std::uint32_t* b) {
  if constexpr (Op == ComputeOp::kMmaBf16F32) {
    mma_sync::m16n8k16_f32_bf16<kIssue>(d, a, b);
  } else {
    static_assert(Op == ComputeOp::kMmaTf32F32);
    mma_sync::m16n8k8_f32_tf32<kIssue>(d, a, b);
  }
}

template <ComputeOp Op>
__device__ __forceinline__ void mma_integer_inputs(std::uint32_t* d, const std::uint32_t* a,
                                                   const std::uint32_t* b) {
  if constexpr (Op == ComputeOp::kMmaS8S32 && kTuring) {
    mma_sync::m8n8k16_s32_s8<kIssue>(d, a, b);
  } else if constexpr (Op == ComputeOp::kMmaS8S32) {
    mma_sync::m16n8k32_s32_s8<kIssue>(d, a, b);
  } else if constexpr (Op == ComputeOp::kMmaS4S32 && kTuring) {
    mma_sync::m8n8k32_s32_s4<kIssue>(d, a, b);
  } else {
    static_assert(Op == ComputeOp::kMmaS4S32);
    mma_sync::m16n8k64_s32_s4<kIssue>(d, a, b);
  }
}

// FP8 inputs (sm_89 and newer): f32 accumulators from CUDA 12.4, f16 from 12.8. Only instantiated
// where mma() below has checked both.
template <ComputeOp Op>
__device__ __forceinline__ void mma_fp8_inputs(typename Mma<Op>::Acc* d, const std::uint32_t* a,
                                               const std::uint32_t* b) {
#if __CUDA_ARCH__ >= 890 && GPUBENCH_CUDA_AT_LEAST(12, 4)
  if constexpr (Op == ComputeOp::kMmaE4m3F32) {
    mma_sync::m16n8k32_f32_e4m3<kIssue>(d, a, b);
  } else if constexpr (Op == ComputeOp::kMmaE5m2F32) {
    mma_sync::m16n8k32_f32_e5m2<kIssue>(d, a, b);
  }
#endif
#if __CUDA_ARCH__ >= 890 && GPUBENCH_CUDA_AT_LEAST(12, 8)
  if constexpr (Op == ComputeOp::kMmaE4m3F16) {
    mma_sync::m16n8k32_f16_e4m3<kIssue>(d, a, b);
  } else if constexpr (Op == ComputeOp::kMmaE5m2F16) {
    mma_sync::m16n8k32_f16_e5m2<kIssue>(d, a, b);
  }
#endif
}

constexpr bool kFp8F32Device = __CUDA_ARCH__ >= 890 && GPUBENCH_CUDA_AT_LEAST(12, 4);
constexpr bool kFp8F16Device = __CUDA_ARCH__ >= 890 && GPUBENCH_CUDA_AT_LEAST(12, 8);

#endif  // __CUDA_ARCH__

// One mma.sync of operation Op on this architecture; an operation it lacks traps (the host never
// launches those: built_for).
template <ComputeOp Op>
__device__ __forceinline__ void mma(typename Mma<Op>::Acc* d, const std::uint32_t* a,
                                    const std::uint32_t* b) {
#if defined(__CUDA_ARCH__)
  if constexpr (Op == ComputeOp::kMmaF16F16 || Op == ComputeOp::kMmaF16F32) {
    mma_f16_inputs<Op>(d, a, b);
  } else if constexpr ((Op == ComputeOp::kMmaBf16F32 || Op == ComputeOp::kMmaTf32F32) && !kTuring) {
    mma_bf16_tf32_inputs<Op>(d, a, b);
  } else if constexpr (Op == ComputeOp::kMmaS8S32 || Op == ComputeOp::kMmaS4S32) {
    mma_integer_inputs<Op>(d, a, b);
  } else if constexpr (((Op == ComputeOp::kMmaE4m3F32 || Op == ComputeOp::kMmaE5m2F32) &&
                        kFp8F32Device) ||
                       ((Op == ComputeOp::kMmaE4m3F16 || Op == ComputeOp::kMmaE5m2F16) &&
                        kFp8F16Device)) {
    mma_fp8_inputs<Op>(d, a, b);
  } else {
    __trap();  // not built for this architecture; the host never launches it
  }
#endif
}

template <typename Acc>
__device__ __forceinline__ Acc from_bits(std::uint32_t bits) {
  if constexpr (std::is_same_v<Acc, float>) {
    return __uint_as_float(bits);
  } else {
    return bits;
  }
}
template <typename Acc>
__device__ __forceinline__ std::uint32_t to_bits(Acc value) {
  if constexpr (std::is_same_v<Acc, float>) {
    return __float_as_uint(value);
  } else {
    return value;
  }
}

// `Accumulators` chains per warp share A and B: D = C; (D += A*B; D += A*(-B)) x iterations;
// D += A*B.
template <ComputeOp Op, int Accumulators>
__device__ void mma_chains(long long iterations, std::uint32_t seed, std::uint32_t warp,
                           std::uint32_t* out) {
  using M = Mma<Op>;
  const int lane = static_cast<int>(threadIdx.x % 32);
  std::uint32_t a[M::kA], b[M::kB], negative_b[M::kB];
  typename M::Acc d[Accumulators][M::kWords];
#pragma unroll
  for (int r = 0; r < M::kA; ++r)
    a[r] = pack_a(Op, kDeviceSm, seed, warp, lane, r);
#pragma unroll
  for (int r = 0; r < M::kB; ++r) {
    b[r] = pack_b(Op, kDeviceSm, seed, warp, lane, r, false);
    negative_b[r] = pack_b(Op, kDeviceSm, seed, warp, lane, r, true);
  }
#pragma unroll
  for (int k = 0; k < Accumulators; ++k) {
#pragma unroll
    for (int w = 0; w < M::kWords; ++w) {
      d[k][w] = from_bits<typename M::Acc>(
          accumulator_word(Op, kDeviceSm, seed, warp, lane, k, w, false));
    }
  }
  for (long long i = 0; i < iterations; i += kMmaUnroll) {
#pragma unroll
    for (int u = 0; u < kMmaUnroll; ++u) {
#pragma unroll
      for (int k = 0; k < Accumulators; ++k)
        mma<Op>(d[k], a, b);
#pragma unroll
      for (int k = 0; k < Accumulators; ++k)
        mma<Op>(d[k], a, negative_b);
    }
  }
#pragma unroll
  for (int k = 0; k < Accumulators; ++k)
    mma<Op>(d[k], a, b);
#pragma unroll
  for (int k = 0; k < Accumulators; ++k) {
#pragma unroll
    for (int w = 0; w < M::kWords; ++w)
      out[k * M::kWords + w] = to_bits(d[k][w]);
  }
}

template <ComputeOp Op>
__global__ void __launch_bounds__(kComputeBlockThreads)
    mma_throughput_kernel(long long iterations, std::uint32_t seed, std::uint32_t* out,
                          common::ClockSample* clock) {
  if constexpr (built_for(Op, kDeviceSm)) {
    const common::KernelClockStart clock_start = common::kernel_clock_start();
    const std::uint32_t thread = blockIdx.x * blockDim.x + threadIdx.x;
    mma_chains<Op, kMmaAccumulators>(
        iterations, seed, thread / 32,
        out + static_cast<std::size_t>(thread) * output_words_per_thread(Op, kDeviceSm));
    common::kernel_clock_record(clock_start, clock);
  }
}

template <ComputeOp Op>
__global__ void mma_latency_kernel(long long iterations, std::uint32_t seed, std::uint32_t* out,
                                   unsigned long long* cycles) {
  if constexpr (built_for(Op, kDeviceSm)) {
    const long long start = clock64();
    mma_chains<Op, 1>(iterations, seed, 0, out + (threadIdx.x % 32) * Mma<Op>::kWords);
    if (threadIdx.x == 0) *cycles = static_cast<unsigned long long>(clock64() - start);
  }
}

}  // namespace

bool compute_op_built(ComputeOp op, int sm) {
  return built_for(op, sm);
}

bool compute_op_emulated(ComputeOp op, int sm) {
  if (!is_tensor(op)) return false;
  return mma_sync_emulated(input_element(op), sm);
}

int compute_full_wave_blocks(ComputeOp op, int sm, int device) {
  (void)sm;
  int sms = 0;
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  int per_sm = 0;
  dispatch_compute_op(op, [&](auto tag) {
    constexpr ComputeOp kOp = decltype(tag)::value;
    if constexpr (is_tensor(kOp)) {
      GPUBENCH_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
          &per_sm, mma_throughput_kernel<kOp>, kComputeBlockThreads, 0));
    } else {
      GPUBENCH_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
          &per_sm, scalar_throughput_kernel<kOp>, kComputeBlockThreads, 0));
    }
  });
  return sms * per_sm;
}

void launch_compute_throughput(ComputeOp op, int sm, int blocks, long long iterations,
                               std::uint32_t seed, std::uint32_t* out, common::ClockSample* clock,
                               cudaStream_t stream) {
  if (!built_for(op, sm)) throw std::invalid_argument("compute op not built for this GPU");
  dispatch_compute_op(op, [&](auto tag) {
    constexpr ComputeOp kOp = decltype(tag)::value;
    if constexpr (is_tensor(kOp)) {
      mma_throughput_kernel<kOp>
          <<<blocks, kComputeBlockThreads, 0, stream>>>(iterations, seed, out, clock);
    } else {
      scalar_throughput_kernel<kOp>
          <<<blocks, kComputeBlockThreads, 0, stream>>>(iterations, seed, out, clock);
    }
  });
  GPUBENCH_CHECK_LAUNCH();
}

void launch_compute_latency(ComputeOp op, int sm, long long iterations, std::uint32_t seed,
                            std::uint32_t* out, unsigned long long* cycles, cudaStream_t stream) {
  if (!built_for(op, sm)) throw std::invalid_argument("compute op not built for this GPU");
  dispatch_compute_op(op, [&](auto tag) {
    constexpr ComputeOp kOp = decltype(tag)::value;
    if constexpr (is_tensor(kOp)) {
      mma_latency_kernel<kOp><<<1, 32, 0, stream>>>(iterations, seed, out, cycles);
    } else {
      scalar_latency_kernel<kOp><<<1, 1, 0, stream>>>(iterations, seed, out, cycles);
    }
  });
  GPUBENCH_CHECK_LAUNCH();
}

}  // namespace gpubench::compute
