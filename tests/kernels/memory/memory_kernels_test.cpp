// The memory kernels on a real device, on small sizes, against the reference arithmetic.
#include "kernels/memory/memory_kernels.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "harness/device_buffer.hpp"
#include "model/memory_plan.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using memory::StreamOp;

constexpr std::size_t kElements = (std::size_t{1} << 20) + 4096;  // not a multiple of the grid

// The sum of a kernel's per-block partial sums, added on the host.
double sum_of_partials(const DeviceBuffer<double>& partials, int blocks) {
  std::vector<double> host(static_cast<std::size_t>(blocks));
  GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), partials.get(), host.size() * sizeof(double),
                                 cudaMemcpyDeviceToHost));
  double sum = 0;
  for (double value : host)
    sum += value;
  return sum;
}

struct SmallStream {
  int blocks = static_cast<int>(memory::stream_blocks(StreamOp::kRead, kElements));
  DeviceBuffer<float> a{kElements}, b{kElements}, c{kElements};
  DeviceBuffer<double> partials;
  DeviceBuffer<unsigned long long> check{2};
  memory::StreamArrays arrays;
  SmallStream() : partials(static_cast<std::size_t>(blocks)) {
    arrays = {a.get(), b.get(), c.get(), kElements, partials.get(), blocks};
    memory::launch_stream_init(arrays, nullptr);
  }
  std::vector<float> copy_out(const DeviceBuffer<float>& buffer) {
    std::vector<float> host(kElements);
    GPUBENCH_CUDA_CHECK(
        cudaMemcpy(host.data(), buffer.get(), kElements * sizeof(float), cudaMemcpyDeviceToHost));
    return host;
  }
  double reduction() { return sum_of_partials(partials, blocks); }
  unsigned long long mismatches(StreamOp op, const DeviceBuffer<float>& output) {
    memory::launch_verify_stream_output(op, output.get(), kElements, check.get(), nullptr);
    unsigned long long host[2];
    GPUBENCH_CUDA_CHECK(cudaMemcpy(host, check.get(), sizeof host, cudaMemcpyDeviceToHost));
    return host[0];
  }
};

TEST(MemoryKernelsGpu, ArrayOpsMatchTheReferenceElementByElement) {
  GPUBENCH_REQUIRE_GPU();
  for (const StreamOp op :
       {StreamOp::kWrite, StreamOp::kCopy, StreamOp::kScale, StreamOp::kAdd, StreamOp::kTriad}) {
    SmallStream stream;
    memory::launch_stream_op(op, stream.arrays, nullptr);
    memory::launch_stream_op(op, stream.arrays, nullptr);  // idempotent
    const int which = memory::output_array(op);
    const DeviceBuffer<float>& output = which == 0 ? stream.a : which == 1 ? stream.b : stream.c;
    const auto host = stream.copy_out(output);
    EXPECT_EQ(memory::first_mismatch(op, host.data(), host.size()), host.size())
        << static_cast<int>(op);
    EXPECT_EQ(stream.mismatches(op, output), 0u);
  }
}

TEST(MemoryKernelsGpu, VerificationKernelCatchesAPlantedWrongElement) {
  GPUBENCH_REQUIRE_GPU();
  SmallStream stream;
  memory::launch_stream_op(StreamOp::kTriad, stream.arrays, nullptr);
  const float wrong = 123.0f;
  GPUBENCH_CUDA_CHECK(
      cudaMemcpy(stream.a.get() + 777777, &wrong, sizeof wrong, cudaMemcpyHostToDevice));
  memory::launch_verify_stream_output(StreamOp::kTriad, stream.a.get(), kElements,
                                      stream.check.get(), nullptr);
  unsigned long long host[2];
  GPUBENCH_CUDA_CHECK(cudaMemcpy(host, stream.check.get(), sizeof host, cudaMemcpyDeviceToHost));
  EXPECT_EQ(host[0], 1u);
  EXPECT_EQ(host[1], 777777u);
}

TEST(MemoryKernelsGpu, ReductionsSumToTheReference) {
  GPUBENCH_REQUIRE_GPU();
  for (const StreamOp op : {StreamOp::kRead, StreamOp::kDot}) {
    SmallStream stream;
    memory::launch_stream_op(op, stream.arrays, nullptr);
    const double expected = memory::periodic_sum(
        kElements, [op](std::size_t i) { return memory::reduced_term(op, i); });
    EXPECT_NEAR(stream.reduction(), expected, expected * memory::kReductionRelativeTolerance);
  }
}

TEST(MemoryKernelsGpu, L2SweepSumsExactly) {
  GPUBENCH_REQUIRE_GPU();
  const std::size_t floats = 256 * 1024 / 4;
  DeviceBuffer<float> buffer(floats);
  const int blocks = memory::full_wave_blocks(0);
  DeviceBuffer<double> partials(static_cast<std::size_t>(blocks));
  memory::launch_l2_sweep_init(buffer.get(), floats, nullptr);
  memory::launch_l2_sweep_read(buffer.get(), floats, 5, partials.get(), blocks, nullptr);
  const double sum = sum_of_partials(partials, blocks);
  const std::size_t total = static_cast<std::size_t>(blocks) * memory::kStreamBlockThreads * 5;
  EXPECT_EQ(sum, memory::l2_sweep_expected_sum(floats / 4, total));
}

TEST(MemoryKernelsGpu, PointerChaseFollowsTheCycle) {
  GPUBENCH_REQUIRE_GPU();
  const std::uint32_t slots = 1000;
  const std::uint32_t stride = kChaseStrideBytes / 4;
  const auto order = chase_order(slots, 7);
  DeviceBuffer<std::uint32_t> next(std::size_t{slots} * stride);
  DeviceBuffer<std::uint32_t> device_order(slots);
  GPUBENCH_CUDA_CHECK(
      cudaMemcpy(device_order.get(), order.data(), slots * 4, cudaMemcpyHostToDevice));
  memory::launch_chase_build(next.get(), device_order.get(), slots, stride, nullptr);
  DeviceBuffer<memory::ChaseResult> result(1);
  memory::launch_chase(next.get(), order[0] * stride, 10, 12345, result.get(), nullptr);
  memory::ChaseResult host{};
  GPUBENCH_CUDA_CHECK(cudaMemcpy(&host, result.get(), sizeof host, cudaMemcpyDeviceToHost));
  EXPECT_EQ(host.final_index, order[(10 + 12345) % slots] * stride);
  EXPECT_GT(host.cycles, 12345u);
  EXPECT_GT(host.nanoseconds, 0u);
}

TEST(MemoryKernelsGpu, TransferPatternRoundTrips) {
  GPUBENCH_REQUIRE_GPU();
  const std::size_t words = 100003;
  DeviceBuffer<std::uint32_t> buffer(words);
  DeviceBuffer<unsigned long long> check(2);
  memory::launch_transfer_fill(buffer.get(), words, nullptr);
  memory::launch_transfer_verify(buffer.get(), words, check.get(), nullptr);
  unsigned long long host[2];
  GPUBENCH_CUDA_CHECK(cudaMemcpy(host, check.get(), sizeof host, cudaMemcpyDeviceToHost));
  EXPECT_EQ(host[0], 0u);
  GPUBENCH_CUDA_CHECK(cudaMemset(buffer.get() + 5, 0, 4));
  memory::launch_transfer_verify(buffer.get(), words, check.get(), nullptr);
  GPUBENCH_CUDA_CHECK(cudaMemcpy(host, check.get(), sizeof host, cudaMemcpyDeviceToHost));
  EXPECT_EQ(host[0], 1u);
  EXPECT_EQ(host[1], 5u);
}

}  // namespace
}  // namespace gpubench
