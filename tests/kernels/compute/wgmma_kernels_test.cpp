// The wgmma peak chain's CPU model, and -- on a compute capability 9.0 device -- the peak kernels
// (kernels/compute/wgmma_kernels.cu) checked bit for bit against that model.
#include "kernels/compute/wgmma_kernels.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "harness/device_buffer.hpp"
#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/wgmma_layout.hpp"
#include "kernels/compute/compute_reference.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using compute::ComputeOp;

// --- the peak chain's model

constexpr ComputeOp kWgmmaOps[] = {
    ComputeOp::kMmaF16F16,  ComputeOp::kMmaF16F32,  ComputeOp::kMmaBf16F32,
    ComputeOp::kMmaTf32F32, ComputeOp::kMmaS8S32,   ComputeOp::kMmaE4m3F32,
    ComputeOp::kMmaE5m2F32, ComputeOp::kMmaE4m3F16, ComputeOp::kMmaE5m2F16};

TEST(WgmmaMath, ShapesAndWork) {
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaF16F32), 16);
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaBf16F32), 16);
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaTf32F32), 8);
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaE4m3F16), 32);
  EXPECT_EQ(compute::wgmma_k(ComputeOp::kMmaS8S32), 32);
  EXPECT_EQ(compute::wgmma_tile_k(ComputeOp::kMmaF16F16), 64);
  EXPECT_EQ(compute::wgmma_tile_k(ComputeOp::kMmaTf32F32), 32);
  EXPECT_EQ(compute::wgmma_tile_k(ComputeOp::kMmaE5m2F32), 128);
  EXPECT_EQ(compute::wgmma_output_words(ComputeOp::kMmaF16F16), 64);
  EXPECT_EQ(compute::wgmma_output_words(ComputeOp::kMmaF16F32), 128);
  EXPECT_EQ(compute::wgmma_output_words(ComputeOp::kMmaS8S32), 128);
  EXPECT_EQ(compute::wgmma_smem_bytes(), 72 * 1024);
  EXPECT_FALSE(compute::has_wgmma(ComputeOp::kMmaS4S32));
  EXPECT_FALSE(compute::has_wgmma(ComputeOp::kFfma));
  // 2 blocks, 8 pairs: (16 + 4) wgmma of 64 x 256 x 16 each.
  EXPECT_DOUBLE_EQ(compute::wgmma_launch_flops(ComputeOp::kMmaF16F32, 2, 8),
                   2.0 * 20 * 2 * 64 * 256 * 16);
}

TEST(WgmmaMath, TableModelEqualsThePerWordModelAndStaysExact) {
  for (const ComputeOp op : kWgmmaOps) {
    const std::uint32_t seed = 0x1234u;
    for (const std::uint32_t block : {0u, 7u}) {
      const auto expected = compute::wgmma_expected_words(op, seed, block);
      const int words = compute::wgmma_output_words(op);
      ASSERT_EQ(expected.size(), static_cast<std::size_t>(128 * words));
      for (const int thread : {0, 37, 127}) {
        for (int w = 0; w < words; w += 13) {
          EXPECT_EQ(expected[static_cast<std::size_t>(thread * words + w)],
                    compute::wgmma_accumulator_word(op, seed, block, thread, w, true))
              << "op " << static_cast<int>(op) << " thread " << thread << " word " << w;
        }
      }
      // The product must change the accumulator somewhere, or the check would prove nothing.
      int changed = 0;
      for (int w = 0; w < words; ++w) {
        changed += expected[static_cast<std::size_t>(w)] !=
                   compute::wgmma_accumulator_word(op, seed, block, 0, w, false);
      }
      EXPECT_GT(changed, words / 2) << static_cast<int>(op);
    }
  }
}

// --- the kernels, on a compute capability 9.0 device

TEST(WgmmaKernels, OnlyHopperRunsThem) {
  EXPECT_FALSE(compute::wgmma_runs_on(ComputeOp::kMmaF16F32, 89));
  EXPECT_FALSE(compute::wgmma_runs_on(ComputeOp::kMmaF16F32, 100));
  EXPECT_FALSE(compute::wgmma_runs_on(ComputeOp::kMmaS4S32, 90));
  EXPECT_EQ(compute::wgmma_runs_on(ComputeOp::kMmaF16F32, 90), compute::wgmma_kernels_built());
}

TEST(WgmmaKernelsGpu, EveryBlockMatchesTheCpuModelBitForBit) {
  GPUBENCH_REQUIRE_GPU();
  if (current_device_sm() != 90) {
    GPUBENCH_SKIP_OTHER_HARDWARE("wgmma kernels run on compute capability 9.0 only");
  }
  if (!compute::wgmma_kernels_built()) {
    GPUBENCH_SKIP_UNLESS_GPU_REQUIRED("a Hopper, but this build has no sm_90a kernels");
  }
  constexpr std::uint32_t kSeed = 0x9e3779b9u;
  for (const ComputeOp op : kWgmmaOps) {
    int device = 0;
    GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
    const int full_wave = compute::wgmma_full_wave_blocks(op, device);
    ASSERT_GT(full_wave, 0) << static_cast<int>(op);
    // A few blocks of a short chain, and a whole wave of a longer one (every block checked).
    for (const auto& [blocks, iterations] : {std::pair{3, 8LL}, std::pair{full_wave, 64LL}}) {
      const int words = compute::wgmma_output_words(op);
      const std::size_t count = static_cast<std::size_t>(blocks) * 128 * words;
      DeviceBuffer<std::uint32_t> out(count);
      DeviceBuffer<common::ClockSample> clock(1);
      GPUBENCH_CUDA_CHECK(cudaMemset(out.get(), 0xff, count * sizeof(std::uint32_t)));
      compute::launch_wgmma_throughput(op, blocks, iterations, kSeed, out.get(), clock.get(),
                                       nullptr);
      GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize());
      std::vector<std::uint32_t> got(count);
      common::ClockSample sample{};
      GPUBENCH_CUDA_CHECK(
          cudaMemcpy(got.data(), out.get(), count * sizeof(std::uint32_t), cudaMemcpyDeviceToHost));
      GPUBENCH_CUDA_CHECK(cudaMemcpy(&sample, clock.get(), sizeof sample, cudaMemcpyDeviceToHost));
      EXPECT_GT(sample.cycles, 0u);
      int wrong = 0;
      for (int block = 0; block < blocks && wrong < 5; ++block) {
        const auto expected =
            compute::wgmma_expected_words(op, kSeed, static_cast<std::uint32_t>(block));
        for (std::size_t i = 0; i < expected.size() && wrong < 5; ++i) {
          const std::uint32_t value = got[static_cast<std::size_t>(block) * expected.size() + i];
          if (value != expected[i]) {
            ++wrong;
            ADD_FAILURE() << "op " << static_cast<int>(op) << " block " << block << " thread "
                          << i / static_cast<std::size_t>(words) << " word "
                          << i % static_cast<std::size_t>(words) << ": " << std::hex << value
                          << ", expected " << expected[i];
          }
        }
      }
    }
  }
}

TEST(WgmmaKernelsGpu, DeclineOffHopper) {
  GPUBENCH_REQUIRE_GPU();
  if (current_device_sm() == 90) GPUBENCH_SKIP_OTHER_HARDWARE("this is a Hopper device");
  EXPECT_THROW(
      compute::launch_wgmma_throughput(ComputeOp::kMmaF16F32, 1, 4, 1, nullptr, nullptr, nullptr),
      std::invalid_argument);
}

}  // namespace
}  // namespace gpubench
