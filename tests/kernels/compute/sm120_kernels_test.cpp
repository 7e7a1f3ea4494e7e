// The sm_120 tensor peak kernels (kernels/compute/sm120_kernels.cu) on a compute capability 12.0 or
// 12.1 device: every warp of every row checked bit for bit against the CPU model (sm120_math.hpp).
// Without such a device they skip; elsewhere the launchers must decline.
#include "kernels/compute/sm120_kernels.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness/device_buffer.hpp"
#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/compute/sm120_reference.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using compute::Sm120Op;

TEST(Sm120KernelsGpu, EveryWarpMatchesTheCpuModelBitForBit) {
  GPUBENCH_REQUIRE_GPU();
  const int sm = current_device_sm();
  if (sm / 10 != 12) {
    GPUBENCH_SKIP_OTHER_HARDWARE("the sm_120 rows run on compute capability 12.x only");
  }
  if (!compute::sm120_mma_supported(sm)) {
    GPUBENCH_SKIP_UNLESS_GPU_REQUIRED(std::string(compute::sm120_unsupported_reason(sm)));
  }
  constexpr std::uint32_t kSeed = 0x510e527fu;
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  for (const Sm120Op op : compute::kSm120Ops) {
    const int full_wave = compute::sm120_full_wave_blocks(op, device);
    ASSERT_GT(full_wave, 0) << static_cast<int>(op);
    // A few blocks of a short chain, and a whole wave of a longer one (every warp checked).
    for (const auto& [blocks, iterations] : {std::pair{3, 8LL}, std::pair{full_wave, 64LL}}) {
      const std::size_t threads = static_cast<std::size_t>(blocks) * compute::kSm120BlockThreads;
      const std::size_t count = threads * compute::kSm120WordsPerThread;
      DeviceBuffer<std::uint32_t> out(count);
      DeviceBuffer<common::ClockSample> clock(1);
      GPUBENCH_CUDA_CHECK(cudaMemset(out.get(), 0xff, count * sizeof(std::uint32_t)));
      compute::launch_sm120_throughput(op, blocks, iterations, kSeed, out.get(), clock.get(),
                                       nullptr);
      GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize());
      std::vector<std::uint32_t> got(count);
      GPUBENCH_CUDA_CHECK(
          cudaMemcpy(got.data(), out.get(), count * sizeof(std::uint32_t), cudaMemcpyDeviceToHost));
      int wrong = 0;
      for (std::size_t warp = 0; warp < threads / 32 && wrong < 5; ++warp) {
        const auto expected =
            compute::sm120_expected_words(op, kSeed, static_cast<std::uint32_t>(warp));
        for (std::size_t i = 0; i < expected.size(); ++i) {
          const std::uint32_t value = got[warp * expected.size() + i];
          if (value != expected[i] && ++wrong <= 5) {
            const auto per_lane = static_cast<std::size_t>(compute::kSm120WordsPerThread);
            ADD_FAILURE() << "op " << static_cast<int>(op) << " warp " << warp << " lane "
                          << i / per_lane << " word " << i % per_lane << ": " << std::hex << value
                          << ", expected " << expected[i];
          }
        }
      }
    }
  }
}

TEST(Sm120KernelsGpu, DeclineWhereTheyDoNotRun) {
  GPUBENCH_REQUIRE_GPU();
  if (compute::sm120_mma_supported(current_device_sm())) {
    GPUBENCH_SKIP_OTHER_HARDWARE("this device runs the sm_120 rows");
  }
  EXPECT_THROW(
      compute::launch_sm120_throughput(Sm120Op::kMxf4E2m1Ue8m0, 1, 8, 1, nullptr, nullptr, nullptr),
      std::invalid_argument);
}

}  // namespace
}  // namespace gpubench
