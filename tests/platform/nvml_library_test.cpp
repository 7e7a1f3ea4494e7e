#include "platform/nvml_library.hpp"

#include <gtest/gtest.h>

#include "gpubench/errors.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(NvmlLibrary, AbsentLibraryIsAClearUserError) {
  try {
    NvmlLibrary::open("libgpubench-no-such-nvml.so.1");
    FAIL() << "expected UserError";
  } catch (const UserError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("could not be loaded"), std::string::npos) << message;
    EXPECT_NE(message.find("install the NVIDIA driver"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one sentence, one line";
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
  }
}

TEST(NvmlLibrary, LibraryWithoutNvmlSymbolsIsRefused) {
  try {
    NvmlLibrary::open("libm.so.6");  // loads, but is not NVML
    FAIL() << "expected UserError";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("lacks nvmlInit_v2"), std::string::npos)
        << error.what();
  }
}

TEST(NvmlLibraryGpu, ReportsTheDriverAndTheDevice) {
  GPUBENCH_REQUIRE_GPU();
  const auto nvml = NvmlLibrary::open();  // a machine with a GPU must have NVML
  EXPECT_FALSE(nvml->driver_version().empty());
  const DeviceInfo device = query_device(0, nvml.get());
  ASSERT_TRUE(device.nvml);
  EXPECT_TRUE(device.nvml->pci_device_id);
  EXPECT_TRUE(device.nvml->sm_clock_max_mhz);
  EXPECT_GT(device.nvml->sm_clock_max_mhz.value_or(0), 0u);
  for (const auto& problem : device.nvml->query_errors)
    ADD_FAILURE() << problem;
}

}  // namespace
}  // namespace gpubench
