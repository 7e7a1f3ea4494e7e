// The SM clock probe on a real device: a plausible clock from clock64 against %globaltimer.
#include "kernels/probe/clock_probe.hpp"

#include <gtest/gtest.h>

#include "harness/device_buffer.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

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

}  // namespace
}  // namespace gpubench
