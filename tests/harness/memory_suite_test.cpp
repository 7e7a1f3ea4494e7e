// The memory kernels on a real device, on small sizes, against the reference arithmetic; and
// `gpubench run --suite memory` end to end. Without a GPU: the refusal paths only.
#include <gtest/gtest.h>

#include <vector>

#include "harness/device_buffer.hpp"
#include "kernels/memory/memory_kernels.hpp"
#include "kernels/probe/clock_probe.hpp"
#include "model/memory_plan.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using memory::StreamOp;

constexpr std::size_t kElements = (std::size_t{1} << 20) + 4096;  // not a multiple of the grid

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
  double reduction() {
    std::vector<double> host(static_cast<std::size_t>(blocks));
    GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), partials.get(), host.size() * sizeof(double),
                                   cudaMemcpyDeviceToHost));
    double sum = 0;
    for (double value : host)
      sum += value;
    return sum;
  }
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
  std::vector<double> host(static_cast<std::size_t>(blocks));
  GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), partials.get(), host.size() * sizeof(double),
                                 cudaMemcpyDeviceToHost));
  double sum = 0;
  for (double value : host)
    sum += value;
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

TEST(ClockProbeGpu, MeasuresAPlausibleSmClock) {
  GPUBENCH_REQUIRE_GPU();
  DeviceBuffer<probe::ClockSample> sample(1);
  probe::launch_clock_probe(sample.get(), 2'000'000, nullptr);
  probe::ClockSample host{};
  GPUBENCH_CUDA_CHECK(cudaMemcpy(&host, sample.get(), sizeof host, cudaMemcpyDeviceToHost));
  const double mhz = probe::clock_mhz(host);
  EXPECT_GT(mhz, 100.0);
  EXPECT_LT(mhz, 4000.0);
}

// --- `gpubench run`

TEST(RunCommand, WithoutAGpuExits2AndWritesNothing) {
  testing::TempDir dir;
  const auto out = dir.path() / "run.json";
  const auto result = testing::run_gpubench(
      "run --suite memory --quick --out '" + out.string() + "'", testing::kNoGpuEnv);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("No CUDA device"), std::string::npos) << result.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(RunCommand, UnknownSuiteIsBadInput) {
  const auto unknown = testing::run_gpubench("run --suite sparkles", testing::kNoGpuEnv);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("does not exist"), std::string::npos) << unknown.err;
  EXPECT_EQ(testing::run_gpubench("run --quick --full").exit_code, 2);
}

TEST(RunCommandGpu, BadBytesAreRefusedBeforeAnythingIsWritten) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "run.json";
  for (const char* bytes : {"17", "0", "-16", "1099511627776000"}) {
    const auto result = testing::run_gpubench(std::string("run --suite memory --quick --bytes=") +
                                              bytes + " --out '" + out.string() + "'");
    EXPECT_EQ(result.exit_code, 2) << bytes << ": " << result.err;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << bytes;
  }
}

// --filter runs a subset and says how many it selected; none selected is bad input, and nothing
// is written. A quiet run prints no google/benchmark table.
TEST(RunCommandGpu, FilterRunsASubsetAndRefusesAnEmptyOne) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto none = dir.path() / "none" / "run.json";
  const auto empty = testing::run_gpubench(
      "run --suite memory --quick --filter 'no/such/thing' "
      "--out '" +
      none.string() + "'");
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find("selects none of the"), std::string::npos) << empty.err;
  EXPECT_FALSE(std::filesystem::exists(none));
  const auto out = dir.path() / "triad.json";
  const auto triad = testing::run_gpubench(
      "run --suite memory --quick --filter 'stream/triad' --out '" + out.string() + "'");
  ASSERT_EQ(triad.exit_code, 0) << triad.out << triad.err;
  EXPECT_NE(triad.out.find("selected 1 of"), std::string::npos) << triad.out;
  EXPECT_EQ(triad.out.find("Iterations"), std::string::npos) << "no table without --verbose";
  EXPECT_EQ(triad.err.find("Library was built as DEBUG"), std::string::npos) << triad.err;
  const ResultsFile results = load_results_file(out);
  for (const BenchmarkRecord& record : results.benchmarks)
    EXPECT_EQ(record.run_name.rfind("memory/stream/triad", 0), 0u) << record.run_name;
}

TEST(RunCommandGpu, QuickMemorySuiteWritesAVerifiedResultsFile) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "sub" / "run.json";
  const auto result =
      testing::run_gpubench("run --suite memory --quick --out '" + out.string() + "'");
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const ResultsFile results = load_results_file(out);
  EXPECT_TRUE(results.is_gpubench_run());
  bool saw_triad = false, saw_latency = false, saw_sweep = false, saw_pinned = false;
  for (const BenchmarkRecord& record : results.benchmarks) {
    EXPECT_FALSE(record.error_occurred) << record.name << ": " << record.error_message;
    if (record.run_type != "aggregate" || record.aggregate_name != "median") continue;
    saw_triad |= record.run_name.rfind("memory/stream/triad/", 0) == 0;
    saw_latency |= record.run_name.rfind("memory/latency/", 0) == 0;
    saw_sweep |= record.run_name.rfind("memory/l2_sweep/", 0) == 0;
    saw_pinned |= record.run_name.rfind("memory/h2d/pinned/", 0) == 0;
    if (record.run_name.rfind("memory/latency/", 0) == 0) {
      EXPECT_GT(record.counters.at("latency_cycles"), 0.0) << record.name;
    } else {
      EXPECT_GT(record.counters.at("bandwidth_gbs"), 0.0) << record.name;
    }
    EXPECT_GT(record.counters.at("sm_clock_mhz"), 0.0) << record.name;
  }
  EXPECT_TRUE(saw_triad && saw_latency && saw_sweep && saw_pinned);
  for (const auto& entry : std::filesystem::directory_iterator(out.parent_path())) {
    EXPECT_EQ(entry.path(), out) << "no temporary may be left behind";
  }
}

}  // namespace
}  // namespace gpubench
