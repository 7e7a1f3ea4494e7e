#include "platform/nvml_library.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// Against tests/support/fake_nvml: every field NVML answers is filled, "not supported" (and "no
// permission" for the environment-check fields) leaves a field empty silently, and any other
// refusal is recorded as "field: reason", in the order of the queries.
TEST(NvmlLibrary, FakeDriverFillsTheReportAndRecordsEachRefusal) {
  const auto nvml = NvmlLibrary::open(GPUBENCH_FAKE_NVML);
  EXPECT_EQ(nvml->driver_version(), "580.95.05");
  const NvmlDeviceReport report = nvml->query_device("0000:01:00.0");
  EXPECT_EQ(report.pci_device_id, 0x2786u);
  EXPECT_EQ(report.pci_subsystem_id, 0x51111462u);
  EXPECT_EQ(report.sm_clock_mhz, 2475u);
  EXPECT_EQ(report.sm_clock_max_mhz, 3105u);
  EXPECT_EQ(report.memory_clock_mhz, 10501u);
  EXPECT_FALSE(report.memory_clock_max_mhz) << "not supported: empty";
  EXPECT_EQ(report.power_limit_w, 200.0);
  EXPECT_FALSE(report.power_default_limit_w);
  EXPECT_EQ(report.temperature_c, 54u);
  EXPECT_EQ(report.persistence_mode, true);
  EXPECT_FALSE(report.ecc_enabled) << "not supported: empty";
  EXPECT_EQ(report.pcie_generation, 1u);
  EXPECT_EQ(report.pcie_generation_max, 4u);
  EXPECT_EQ(report.pcie_width, 8u);
  EXPECT_EQ(report.pcie_width_max, 16u);
  EXPECT_FALSE(report.mig_enabled);
  EXPECT_FALSE(report.display_active) << "no permission for an environment field: empty";
  EXPECT_EQ(report.clock_event_reasons, 0x4u);  // software power cap
  ASSERT_TRUE(report.compute_process_ids) << "asked again with room for all ten";
  ASSERT_EQ(report.compute_process_ids->size(), 10u);
  EXPECT_EQ(report.compute_process_ids->front(), 1000u);
  EXPECT_EQ(report.compute_process_ids->back(), 1009u);
  EXPECT_FALSE(report.enforced_power_limit_w);
  EXPECT_EQ(report.query_errors,
            (std::vector<std::string>{"default power limit: Unknown Error", "mig mode: GPU is lost",
                                      "enforced power limit: Insufficient Permissions"}));
}

TEST(NvmlLibrary, FakeDriverWithoutTheBusIdReportsOnlyThat) {
  const auto nvml = NvmlLibrary::open(GPUBENCH_FAKE_NVML);
  const NvmlDeviceReport report = nvml->query_device("0000:02:00.0");
  EXPECT_EQ(report.query_errors, std::vector<std::string>{"device 0000:02:00.0: Not Found"});
  EXPECT_FALSE(report.pci_device_id);
  EXPECT_FALSE(report.sm_clock_mhz);
  EXPECT_FALSE(nvml->device_handle("0000:02:00.0"));
  EXPECT_TRUE(nvml->device_handle("0000:01:00.0"));
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
