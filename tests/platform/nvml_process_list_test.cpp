// The process-list entry size on every driver branch (platform/nvml_process_list.hpp): by what
// the driver wrote, and by its version when it listed nothing.
#include "platform/nvml_process_list.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "platform/host_facts.hpp"

namespace gpubench {
namespace {

TEST(NvmlProcessList, EntrySizeByDriverBranchR525ToR580) {
  EXPECT_EQ(documented_process_entry_bytes("525.147.05", true), kProcessEntryV2Bytes);
  EXPECT_EQ(documented_process_entry_bytes("530.41.03", true), kProcessEntryV2Bytes);
  EXPECT_EQ(documented_process_entry_bytes("535.43.02", true), kProcessEntryV3Bytes);
  EXPECT_EQ(documented_process_entry_bytes("535.86.10", true), kProcessEntryV3Bytes);
  EXPECT_EQ(documented_process_entry_bytes("535.86.10", false), kProcessEntryV2Bytes) << "_v2";
  EXPECT_EQ(documented_process_entry_bytes("535.98", true), kProcessEntryV2Bytes);
  EXPECT_EQ(documented_process_entry_bytes("535.104.05", true), kProcessEntryV2Bytes);
  EXPECT_EQ(documented_process_entry_bytes("550.54.15", true), kProcessEntryV2Bytes);
  EXPECT_EQ(documented_process_entry_bytes("580.95.05", true), kProcessEntryV2Bytes);
  EXPECT_EQ(documented_process_entry_bytes("garbage", true), kProcessEntryV2Bytes);
}

// A buffer as a driver leaves it: `count` entries of `entry_bytes` over the sentinel.
std::vector<unsigned char> written(unsigned count, std::size_t entry_bytes) {
  std::vector<unsigned char> buffer(16 * kProcessEntryV3Bytes, kProcessListSentinel);
  for (unsigned i = 0; i < count; ++i) {
    std::memset(buffer.data() + i * entry_bytes, 0, entry_bytes);
    const std::uint32_t pid = 3000 + i;
    std::memcpy(buffer.data() + i * entry_bytes, &pid, sizeof pid);
  }
  return buffer;
}

TEST(NvmlProcessList, EntrySizeMeasuredFromWhatTheDriverWrote) {
  for (const unsigned count : {1u, 2u, 7u, 16u}) {
    EXPECT_EQ(measured_process_entry_bytes(written(count, 32), count), kProcessEntryV3Bytes)
        << count;
    EXPECT_EQ(measured_process_entry_bytes(written(count, 24), count), kProcessEntryV2Bytes)
        << count;
  }
  const auto processes = decode_process_entries(written(7, 32), 7, kProcessEntryV3Bytes);
  ASSERT_EQ(processes.size(), 7u);
  for (unsigned i = 0; i < 7; ++i)
    EXPECT_EQ(processes[i].pid, 3000 + i);
}

TEST(HostFacts, ContainerAndWslAreRecognised) {
  EXPECT_TRUE(cgroup_names_container("0::/system.slice/docker-3f2a.scope\n"));
  EXPECT_TRUE(cgroup_names_container("12:pids:/kubepods/burstable/pod1/abc\n"));
  EXPECT_FALSE(cgroup_names_container("0::/init.scope\n"));
  EXPECT_TRUE(kernel_is_wsl("Linux version 5.15.167.4-microsoft-standard-WSL2 (root@...)"));
  EXPECT_FALSE(kernel_is_wsl("Linux version 6.8.0-45-generic (buildd@lcy02-amd64-075)"));
}

}  // namespace
}  // namespace gpubench
