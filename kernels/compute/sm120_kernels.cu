// Tensor peaks of compute capability 12.x on mma.sync (compiled for sm_120a and sm_121a only;
// elsewhere the kernels are empty and the host never launches them). Each warp keeps
// kSm120Accumulators independent chains of sm120_math.hpp in a fully unrolled body, so the
// instruction under test dominates the loop (the SASS audit,
// tests/kernels/sass_audit_sm120a_test.cpp, checks which opcode it is and that it is >= 90% of the
// loop).

#include <cuda_runtime.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/device_timer.cuh"
#include "kernels/compute/sm120_kernels.hpp"

#ifndef GPUBENCH_SM120A_KERNELS
#define GPUBENCH_SM120A_KERNELS 0
#endif
#ifndef GPUBENCH_SM121A_KERNELS
#define GPUBENCH_SM121A_KERNELS 0
#endif

// Device code only where nvcc compiles for sm_120a or sm_121a (the "a" feature sets hold these mma
// kinds).
#if defined(__CUDA_ARCH__) && \
    (defined(__CUDA_ARCH_FEAT_SM120_ALL) || defined(__CUDA_ARCH_FEAT_SM121_ALL))
#define GPUBENCH_SM120_DEVICE 1
#else
#define GPUBENCH_SM120_DEVICE 0
#endif

namespace gpubench::compute {
namespace {

#if GPUBENCH_SM120_DEVICE

// PTX ISA 9.7.14 (warp-level "mma", 9.7.14.3 for block scaling): the .kind::f8f6f4 form (no scales)
// and the block-scaled forms, whose scale registers come with {byte-id, thread-id} selectors, here
// {0, 0} (sm120_math.hpp).
#define GPUBENCH_F8F6F4(type)                                         \
  "mma.sync.aligned.kind::f8f6f4.m16n8k32.row.col.f32." type "." type \
  ".f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
#define GPUBENCH_BLOCK_SCALED(kind_vec_shape, type, scale)                       \
  "mma.sync.aligned." kind_vec_shape ".row.col.f32." type "." type ".f32." scale \
  " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3}, {%10}, {0, 0}, {%11}, {0, 0};"

template <Sm120Op Op>
__device__ __forceinline__ void mma_step(float (&d)[4], const std::uint32_t (&a)[4],
                                         const std::uint32_t (&b)[2], std::uint32_t scale_a,
                                         std::uint32_t scale_b) {
#define GPUBENCH_OPERANDS             \
  "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), \
      "+f"(d[3]) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1])
  if constexpr (Op == Sm120Op::kF8f6f4E4m3) {
    asm volatile(GPUBENCH_F8F6F4("e4m3") : GPUBENCH_OPERANDS);
  } else if constexpr (Op == Sm120Op::kF8f6f4E5m2) {
    asm volatile(GPUBENCH_F8F6F4("e5m2") : GPUBENCH_OPERANDS);
  } else if constexpr (Op == Sm120Op::kF8f6f4E3m2) {
    asm volatile(GPUBENCH_F8F6F4("e3m2") : GPUBENCH_OPERANDS);
  } else if constexpr (Op == Sm120Op::kF8f6f4E2m3) {
    asm volatile(GPUBENCH_F8F6F4("e2m3") : GPUBENCH_OPERANDS);
  } else if constexpr (Op == Sm120Op::kF8f6f4E2m1) {
    asm volatile(GPUBENCH_F8F6F4("e2m1") : GPUBENCH_OPERANDS);
  } else if constexpr (Op == Sm120Op::kMxf8f6f4E4m3Ue8m0) {
    asm volatile(
        GPUBENCH_BLOCK_SCALED("kind::mxf8f6f4.block_scale.scale_vec::1X.m16n8k32", "e4m3", "ue8m0")
        : GPUBENCH_OPERANDS, "r"(scale_a), "r"(scale_b));
  } else if constexpr (Op == Sm120Op::kMxf4E2m1Ue8m0) {
    asm volatile(
        GPUBENCH_BLOCK_SCALED("kind::mxf4.block_scale.scale_vec::2X.m16n8k64", "e2m1", "ue8m0")
        : GPUBENCH_OPERANDS, "r"(scale_a), "r"(scale_b));
  } else if constexpr (Op == Sm120Op::kMxf4nvf4E2m1Ue8m0) {
    asm volatile(
        GPUBENCH_BLOCK_SCALED("kind::mxf4nvf4.block_scale.scale_vec::2X.m16n8k64", "e2m1", "ue8m0")
        : GPUBENCH_OPERANDS, "r"(scale_a), "r"(scale_b));
  } else {
    static_assert(Op == Sm120Op::kMxf4nvf4E2m1Ue4m3);
    asm volatile(
        GPUBENCH_BLOCK_SCALED("kind::mxf4nvf4.block_scale.scale_vec::4X.m16n8k64", "e2m1", "ue4m3")
        : GPUBENCH_OPERANDS, "r"(scale_a), "r"(scale_b));
  }
#undef GPUBENCH_OPERANDS
}

#undef GPUBENCH_F8F6F4
#undef GPUBENCH_BLOCK_SCALED

// kSm120Accumulators chains per warp share A, B and the scales: D = C; (D += A*B; D += A*(-B)) x
// iterations; D += A*B.
template <Sm120Op Op>
__device__ void sm120_chains(long long iterations, std::uint32_t seed, std::uint32_t warp,
                             std::uint32_t* out) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  std::uint32_t a[4], b[2], negative_b[2];
#pragma unroll
  for (int r = 0; r < 4; ++r)
    a[r] = sm120_pack_a(Op, seed, warp, lane, r);
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    b[r] = sm120_pack_b(Op, seed, warp, lane, r, false);
    negative_b[r] = sm120_pack_b(Op, seed, warp, lane, r, true);
  }
  const std::uint32_t scale_a = sm120_scale_word(Op, seed, warp, false);
  const std::uint32_t scale_b = sm120_scale_word(Op, seed, warp, true);
  float d[kSm120Accumulators][4];
#pragma unroll
  for (int k = 0; k < kSm120Accumulators; ++k) {
#pragma unroll
    for (int w = 0; w < 4; ++w)
      d[k][w] = __uint_as_float(sm120_accumulator_word(Op, seed, warp, lane, k, w, false));
  }
  // Not unrolled further: the body already holds 2 * kSm120Unroll * kSm120Accumulators mma, >= 90%
  // of the loop, and nvcc's own unrolling would multiply the code (and the build) ~25 times.
#pragma unroll 1
  for (long long i = 0; i < iterations; i += kSm120Unroll) {
#pragma unroll
    for (int u = 0; u < kSm120Unroll; ++u) {
#pragma unroll
      for (int k = 0; k < kSm120Accumulators; ++k)
        mma_step<Op>(d[k], a, b, scale_a, scale_b);
#pragma unroll
      for (int k = 0; k < kSm120Accumulators; ++k)
        mma_step<Op>(d[k], a, negative_b, scale_a, scale_b);
    }
  }
#pragma unroll
  for (int k = 0; k < kSm120Accumulators; ++k)
    mma_step<Op>(d[k], a, b, scale_a, scale_b);
#pragma unroll
  for (int k = 0; k < kSm120Accumulators; ++k) {
#pragma unroll
    for (int w = 0; w < 4; ++w)
      out[k * 4 + w] = __float_as_uint(d[k][w]);
  }
}

#endif  // GPUBENCH_SM120_DEVICE

template <Sm120Op Op>
__global__ void __launch_bounds__(kSm120BlockThreads)
    sm120_mma_throughput_kernel(long long iterations, std::uint32_t seed, std::uint32_t* out,
                                common::ClockSample* clock) {
#if GPUBENCH_SM120_DEVICE
  const common::KernelClockStart clock_start = common::kernel_clock_start();
  const std::uint32_t thread = blockIdx.x * blockDim.x + threadIdx.x;
  sm120_chains<Op>(iterations, seed, thread / 32,
                   out + static_cast<std::size_t>(thread) * kSm120WordsPerThread);
  common::kernel_clock_record(clock_start, clock);
#else
  (void)iterations;
  (void)seed;
  (void)out;
  (void)clock;
#endif
}

// Calls f(std::integral_constant<Sm120Op, op>{}).
template <typename F>
void dispatch(Sm120Op op, F&& f) {
  switch (op) {
#define GPUBENCH_SM120_OP(name)                          \
  case Sm120Op::name:                                    \
    f(std::integral_constant<Sm120Op, Sm120Op::name>{}); \
    break;
    GPUBENCH_SM120_OP(kF8f6f4E4m3)
    GPUBENCH_SM120_OP(kF8f6f4E5m2)
    GPUBENCH_SM120_OP(kF8f6f4E3m2)
    GPUBENCH_SM120_OP(kF8f6f4E2m3)
    GPUBENCH_SM120_OP(kF8f6f4E2m1)
    GPUBENCH_SM120_OP(kMxf8f6f4E4m3Ue8m0)
    GPUBENCH_SM120_OP(kMxf4E2m1Ue8m0)
    GPUBENCH_SM120_OP(kMxf4nvf4E2m1Ue8m0)
    GPUBENCH_SM120_OP(kMxf4nvf4E2m1Ue4m3)
#undef GPUBENCH_SM120_OP
  }
}

}  // namespace

bool sm120_kernels_built() {
  return GPUBENCH_SM120A_KERNELS != 0;
}

bool sm120_mma_supported(int sm) {
  return sm120_unsupported_reason(sm).empty();
}

std::string_view sm120_unsupported_reason(int sm) {
  if (sm / 10 != 12) {
    return "FP4/FP6 and block-scaled mma.sync rows need a compute capability 12.x GPU (GeForce or "
           "RTX PRO Blackwell)";
  }
  if (!sm120_kernels_built()) {
    return "this build has no sm_120a kernels (CUDA 12.8 or newer with "
           "GPUBENCH_SM120A_KERNELS=ON builds them)";
  }
  if (sm == 121 && GPUBENCH_SM121A_KERNELS == 0) {
    return "this build has no sm_121a kernels for compute capability 12.1 (CUDA 12.9 or newer "
           "builds them)";
  }
  if (sm != 120 && sm != 121) {
    return "no arch-specific kernels for this compute capability 12.x (sm_120a and sm_121a only)";
  }
  return {};
}

int sm120_full_wave_blocks(Sm120Op op, int device) {
  int sms = 0;
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  int per_sm = 0;
  dispatch(op, [&](auto tag) {
    GPUBENCH_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
        &per_sm, sm120_mma_throughput_kernel<decltype(tag)::value>, kSm120BlockThreads, 0));
  });
  return sms * per_sm;
}

void launch_sm120_throughput(Sm120Op op, int blocks, long long iterations, std::uint32_t seed,
                             std::uint32_t* out, common::ClockSample* clock, cudaStream_t stream) {
  const std::string_view reason = sm120_unsupported_reason(current_device_sm());
  if (!reason.empty()) throw std::invalid_argument(std::string(reason));
  if (iterations % kSm120Unroll != 0 || iterations < 0) {
    throw std::invalid_argument("sm_120 chain iterations must be a multiple of kSm120Unroll");
  }
  dispatch(op, [&](auto tag) {
    sm120_mma_throughput_kernel<decltype(tag)::value>
        <<<blocks, kSm120BlockThreads, 0, stream>>>(iterations, seed, out, clock);
  });
  GPUBENCH_CHECK_LAUNCH();
}

}  // namespace gpubench::compute
