// The stream hold (harness/stream_hold.hpp): a sample's launches are queued before its start event
// runs, so the event interval holds the GPU's work and not the host's time to submit it; a hold
// that something waits on ends by its timeout and says so. The GPU tests skip without a device.
#include "harness/stream_hold.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

#include "harness/device_buffer.hpp"
#include "kernels/probe/clock_probe.hpp"
#include "model/stream_hold_rule.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(StreamHoldRule, HoldsOnlyWhereBenchmarkAndRunAllowAndTheLaunchesRanBefore) {
  EXPECT_TRUE(hold_this_sample(true, true, true));
  EXPECT_FALSE(hold_this_sample(false, true, true));  // a pageable copy may wait for the stream
  EXPECT_FALSE(hold_this_sample(true, false, true));  // --no-stream-hold, or no hold could be made
  // The first launch of a benchmark with no warm-up may load its kernel, which can wait for the
  // hold itself.
  EXPECT_FALSE(hold_this_sample(true, true, false));
}

TEST(StreamHoldRule, ATimedOutSampleIsRetakenUntilTheTriesRunOut) {
  // One stall of the host costs a sample, not the row; a launch that always waits fails it.
  EXPECT_TRUE(retake_after_hold_timeout(1));
  EXPECT_TRUE(retake_after_hold_timeout(kHoldTimeoutTries - 1));
  EXPECT_FALSE(retake_after_hold_timeout(kHoldTimeoutTries));
  EXPECT_GT(kHoldTimeoutTries, 1);
}

// Sets an environment variable for one test and restores it, so the whole binary in one process
// sees what it saw before.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnvironment() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(StreamHold, IsNotMadeWhereEveryLaunchWaitsForTheOneBefore) {
  // Asked before any CUDA call, so it needs no GPU: behind CUDA_LAUNCH_BLOCKING=1 the hold's own
  // launch would wait for the hold to end, its timeout on every sample.
  const ScopedEnvironment blocking("CUDA_LAUNCH_BLOCKING", "1");
  std::string problem;
  EXPECT_FALSE(StreamHold::open(problem));
  EXPECT_NE(problem.find("CUDA_LAUNCH_BLOCKING=1"), std::string::npos) << problem;
}

TEST(StreamHold, AnyBlockingValueButZeroIsReadAsBlocking) {
  // CUDA documents 0 and 1; another value set is taken as a wish to block, never as "0".
  for (const char* value : {"2", "true"}) {
    const ScopedEnvironment blocking("CUDA_LAUNCH_BLOCKING", value);
    std::string problem;
    EXPECT_FALSE(StreamHold::open(problem)) << value;
    EXPECT_NE(problem.find(std::string("CUDA_LAUNCH_BLOCKING=") + value), std::string::npos)
        << problem;
  }
}

TEST(StreamHold, IsNotMadeUnderAToolThatMayWaitForEachLaunch) {
  const ScopedEnvironment blocking("CUDA_LAUNCH_BLOCKING", "0");
  const ScopedEnvironment tool("CUDA_INJECTION64_PATH", "/opt/nsight-compute/libInjection.so");
  std::string problem;
  EXPECT_FALSE(StreamHold::open(problem));
  EXPECT_NE(problem.find("CUDA_INJECTION64_PATH=/opt/nsight-compute/libInjection.so"),
            std::string::npos)
      << problem;
}

// The milliseconds between two events recorded around `between` on `stream`.
template <typename Between>
float timed_ms(cudaStream_t stream, StreamHold* hold, Between between) {
  OwnedEvent start, stop;
  HeldStream held(hold, stream);
  GPUBENCH_CUDA_CHECK(cudaEventRecord(start.get(), stream));
  between();
  GPUBENCH_CUDA_CHECK(cudaEventRecord(stop.get(), stream));
  held.release();
  GPUBENCH_CUDA_CHECK(cudaEventSynchronize(stop.get()));
  EXPECT_FALSE(held.timed_out());
  float ms = 0;
  GPUBENCH_CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
  return ms;
}

// A device, a stream and a hold (with `timeout_ns`), or the test skipped without a device.
class StreamHoldGpu : public ::testing::Test {
 protected:
  void SetUp() override { open(StreamHold::kDefaultTimeoutNs); }
  void open(unsigned long long timeout_ns) {
    GPUBENCH_REQUIRE_GPU();
    std::string problem;
    hold = StreamHold::open(problem, timeout_ns);
    ASSERT_TRUE(hold) << problem;
    stream.emplace();
  }
  std::optional<StreamHold> hold;
  std::optional<OwnedStream> stream;
};

TEST_F(StreamHoldGpu, TheHostsTimeToQueueALaunchIsNotTimed) {
  DeviceBuffer<probe::ClockSample> sample(1);
  // A 20 us kernel queued 20 ms after the start event: the host's delay.
  const auto slow_host_launch = [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    probe::launch_clock_probe(sample.get(), 20'000, stream->get());
  };
  probe::launch_clock_probe(sample.get(), 20'000, stream->get());  // loaded before any hold
  const float unheld_ms = timed_ms(stream->get(), nullptr, slow_host_launch);
  const float held_ms = timed_ms(stream->get(), &*hold, slow_host_launch);
  EXPECT_GE(unheld_ms, 15.0f) << "without the hold the delay is timed: the test can fail";
  EXPECT_LT(held_ms, 5.0f) << "the held interval holds the kernel, not the host's 20 ms";
  EXPECT_GE(held_ms, 0.015f) << "and at least the kernel's 20 us";
}

TEST_F(StreamHoldGpu, ALaunchThatWaitsForTheHeldStreamEndsItByItsTimeout) {
  hold.reset();
  ASSERT_NO_FATAL_FAILURE(open(/*timeout_ns=*/50'000'000));
  HeldStream held(&*hold, stream->get());
  const auto begin = std::chrono::steady_clock::now();
  // A synchronising call while held: it returns only because the hold times out.
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream->get()));
  const auto waited = std::chrono::steady_clock::now() - begin;
  EXPECT_TRUE(held.timed_out());
  EXPECT_GE(waited, std::chrono::milliseconds(40));
  held.release();
  // The next hold, released at once, does not inherit the timeout.
  HeldStream next(&*hold, stream->get());
  next.release();
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream->get()));
  EXPECT_FALSE(next.timed_out());
}

// The most kernels one sample queues behind a hold (kMaxHeldLaunches launches of up to two
// kernels each, as a cuBLAS GEMM with a split-K reduction is) fit in the driver's queue: queueing
// them does not wait for the hold.
TEST_F(StreamHoldGpu, TheMostKernelsASampleHoldsAreQueuedWithoutWaiting) {
  DeviceBuffer<probe::ClockSample> sample(1);
  probe::launch_clock_probe(sample.get(), 1'000, stream->get());  // loaded before any hold
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream->get()));
  constexpr int kKernels = 2 * kMaxHeldLaunches;
  const auto queued_ms = [&] {
    const auto begin = std::chrono::steady_clock::now();
    for (int i = 0; i < kKernels; ++i)
      probe::launch_clock_probe(sample.get(), 1'000, stream->get());
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin)
        .count();
  };
  double held_queue_ms = 0;
  timed_ms(stream->get(), &*hold, [&] { held_queue_ms = queued_ms(); });
  EXPECT_LT(held_queue_ms, 100.0) << "queueing " << kKernels << " kernels waited for the hold";
  EXPECT_FALSE(hold->timed_out());
}

TEST_F(StreamHoldGpu, AHoldLeftByAThrowIsReleasedByItsGuard) {
  const auto begin = std::chrono::steady_clock::now();
  try {
    const HeldStream held(&*hold, stream->get());
    throw std::runtime_error("a launch failed");
  } catch (const std::runtime_error&) {
  }
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream->get()));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(500))
      << "released by the guard, not by the 1 s timeout";
  EXPECT_FALSE(hold->timed_out());
}

}  // namespace
}  // namespace gpubench
