#include "model/device_info.hpp"

#include <gtest/gtest.h>

namespace gpubench {
namespace {

TEST(DeviceInfo, BandwidthFromAttributesIsDoubleDataRateTimesBusWidth) {
  DeviceInfo device;
  device.memory_clock_mhz = 1000;
  device.memory_bus_bits = 256;
  EXPECT_DOUBLE_EQ(device.memory_bandwidth_gbs_from_attributes(), 2 * 1000e6 * 32 / 1e9);
}

TEST(DeviceInfo, CudaVersionsPrintAsMajorMinor) {
  EXPECT_EQ(format_cuda_version(13000), "13.0");
  EXPECT_EQ(format_cuda_version(12040), "12.4");
  EXPECT_EQ(format_cuda_version(12080), "12.8");
  EXPECT_EQ(format_cuda_version(0), "none");
}

}  // namespace
}  // namespace gpubench
