// Every compute kernel on a real device, small grids, checked word for word against the CPU
// models. Skipped without a GPU.
#include "kernels/compute/compute_kernels.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "harness/device_buffer.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/compute/compute_reference.hpp"
#include "kernels/compute/wgmma_kernels.hpp"
#include "support/test_support.hpp"

namespace gpubench::compute {
namespace {

constexpr ComputeOp kAllOps[] = {
    ComputeOp::kFfma,       ComputeOp::kHfma2,      ComputeOp::kBf16Fma2,  ComputeOp::kDfma,
    ComputeOp::kImad,       ComputeOp::kMmaF16F16,  ComputeOp::kMmaF16F32, ComputeOp::kMmaBf16F32,
    ComputeOp::kMmaTf32F32, ComputeOp::kMmaS8S32,   ComputeOp::kMmaS4S32,  ComputeOp::kMmaE4m3F32,
    ComputeOp::kMmaE5m2F32, ComputeOp::kMmaE4m3F16, ComputeOp::kMmaE5m2F16};

TEST(ComputeKernelsGpu, EveryThreadMatchesTheCpuModel) {
  GPUBENCH_REQUIRE_GPU();
  const int sm = current_device_sm();
  const std::uint32_t seed = 12345;
  const int blocks = 3;
  for (const ComputeOp op : kAllOps) {
    if (!compute_op_built(op, sm)) continue;
    const long long iterations = is_tensor(op) ? 8 * kMmaUnroll : 64 * kScalarUnroll;
    const int words = output_words_per_thread(op, sm);
    const std::size_t threads = static_cast<std::size_t>(blocks) * kComputeBlockThreads;
    DeviceBuffer<std::uint32_t> out(threads * static_cast<std::size_t>(words));
    DeviceBuffer<common::ClockSample> clock(1);
    launch_compute_throughput(op, sm, blocks, iterations, seed, out.get(), clock.get(), nullptr);
    std::vector<std::uint32_t> host(out.size());
    GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), out.get(), out.bytes(), cudaMemcpyDeviceToHost));
    int wrong = 0;
    for (std::size_t t = 0; t < threads; ++t) {
      const std::uint32_t* got = host.data() + t * static_cast<std::size_t>(words);
      if (is_tensor(op)) {
        const int per = accumulator_words(op, sm);
        for (int k = 0; k < kMmaAccumulators; ++k) {
          for (int w = 0; w < per; ++w) {
            wrong += got[k * per + w] != accumulator_word(op, sm, seed,
                                                          static_cast<std::uint32_t>(t / 32),
                                                          static_cast<int>(t % 32), k, w, true);
          }
        }
      } else {
        for (int c = 0; c < kScalarChains; ++c) {
          const std::uint64_t expected =
              scalar_chain_result(op, seed, static_cast<std::uint32_t>(t), c, iterations);
          const std::uint64_t value =
              op == ComputeOp::kDfma
                  ? (static_cast<std::uint64_t>(got[2 * c + 1]) << 32) | got[2 * c]
                  : got[c];
          wrong += value != expected;
        }
      }
    }
    EXPECT_EQ(wrong, 0) << "op " << static_cast<int>(op) << " on sm_" << sm;
  }
}

TEST(ComputeKernelsGpu, LatencyChainsMatchTheCpuModel) {
  GPUBENCH_REQUIRE_GPU();
  const int sm = current_device_sm();
  for (const ComputeOp op : kAllOps) {
    if (!compute_op_built(op, sm)) continue;
    // Exactly the words the kernel writes: copying back more read memory it never wrote
    // (compute-sanitizer initcheck counted 105 such reads).
    DeviceBuffer<std::uint32_t> out(static_cast<std::size_t>(latency_output_words(op, sm)));
    DeviceBuffer<unsigned long long> cycles(1);
    launch_compute_latency(op, sm, 256, 99, out.get(), cycles.get(), nullptr);
    std::vector<std::uint32_t> host(out.size());
    unsigned long long ticks = 0;
    GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), out.get(), out.bytes(), cudaMemcpyDeviceToHost));
    GPUBENCH_CUDA_CHECK(cudaMemcpy(&ticks, cycles.get(), sizeof ticks, cudaMemcpyDeviceToHost));
    EXPECT_GT(ticks, 256u) << static_cast<int>(op);
    if (is_tensor(op)) {
      const int per = accumulator_words(op, sm);
      for (int lane = 0; lane < 32; ++lane) {
        for (int w = 0; w < per; ++w) {
          EXPECT_EQ(host[static_cast<std::size_t>(lane * per + w)],
                    accumulator_word(op, sm, 99, 0, lane, 0, w, true))
              << static_cast<int>(op) << " lane " << lane;
        }
      }
    } else {
      const std::uint64_t value =
          op == ComputeOp::kDfma ? (static_cast<std::uint64_t>(host[1]) << 32) | host[0] : host[0];
      EXPECT_EQ(value, scalar_chain_result(op, 99, 0, 0, 256)) << static_cast<int>(op);
    }
  }
}

}  // namespace
}  // namespace gpubench::compute
