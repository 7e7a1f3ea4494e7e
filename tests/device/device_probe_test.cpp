#include "device/device_probe.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "gpubench/errors.hpp"
#include "model/spec_database.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(DeviceProbe, VersionsNeedNoDevice) {
  EXPECT_GE(cuda_runtime_version(), 12040);
  EXPECT_TRUE(std::regex_match(cublas_version(), std::regex(R"(\d+\.\d+\.\d+)")))
      << cublas_version();
}

TEST(DeviceProbe, NoDeviceIsAUserErrorNotACrash) {
  if (testing::gpu_present()) {
    GPUBENCH_SKIP_OTHER_HARDWARE("a GPU is present; cli_test covers this path");
  }
  try {
    visible_device_count();
    FAIL() << "expected UserError";
  } catch (const UserError& error) {
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
    EXPECT_NE(std::string(error.what()).find("No "), std::string::npos) << error.what();
  }
}

TEST(DeviceProbeGpu, AttributesOfARealDeviceAreSane) {
  GPUBENCH_REQUIRE_GPU();
  const DeviceInfo device = query_device(0, nullptr);
  EXPECT_FALSE(device.name.empty());
  EXPECT_GE(device.compute_capability, (ComputeCapability{7, 5}));
  EXPECT_GT(device.sm_count, 0);
  EXPECT_GT(device.l2_cache_bytes, 0);
  EXPECT_GT(device.memory_bytes, std::int64_t{1} << 30);
  EXPECT_GT(device.memory_bus_bits, 0);
  EXPECT_GT(device.memory_clock_mhz, 0);
  EXPECT_GT(device.sm_clock_mhz, 0);
  EXPECT_TRUE(std::regex_match(device.pci_bus_id,
                               std::regex(R"([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.\d)")))
      << device.pci_bus_id;
  EXPECT_GE(device.cuda_driver_version, device.cuda_runtime_version);
  // Every present card gets some sheet, documented or derived.
  const SpecMatch match = match_device(SpecDatabase::builtin(), device);
  EXPECT_FALSE(match.sheet.id.empty());
  EXPECT_THROW(query_device(visible_device_count(), nullptr), UserError);
}

}  // namespace
}  // namespace gpubench
