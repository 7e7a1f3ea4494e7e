// harness/device_buffer.hpp: a failed allocation throws, and leaves no error behind for the next
// launch's check to report as its own (the GEMM suite falls back to one operand copy on it).
#include "harness/device_buffer.hpp"

#include <gtest/gtest.h>

#include <cstddef>

#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(DeviceBufferGpu, AFailedAllocationThrowsAndLeavesNoErrorBehind) {
  GPUBENCH_REQUIRE_GPU();
  std::size_t free_bytes = 0, total_bytes = 0;
  GPUBENCH_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  try {
    const DeviceBuffer<unsigned char> too_large(2 * total_bytes);
    FAIL() << "twice the device's memory was allocated";
  } catch (const CudaError& error) {
    EXPECT_EQ(error.status(), cudaErrorMemoryAllocation) << error.what();
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess) << "the failed allocation's error was left behind";
}

}  // namespace
}  // namespace gpubench
