// The host name a results file records (platform/host_name.hpp): GPUBENCH_HOST_NAME, which the
// Kubernetes Job fills with the node's name, wins over the system's; a value that is no host name
// is refused rather than written into file names and manifests.
#include "platform/host_name.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

TEST(HostName, TheVariableWinsOverTheSystemsName) {
  EXPECT_EQ(choose_host_name("gpu-node-07.cluster.local", "gpubench-x7k2p"),
            "gpu-node-07.cluster.local");
  EXPECT_EQ(choose_host_name("Node_1", "pod"), "Node_1");
}

TEST(HostName, UnsetOrEmptyFallsBackToTheSystemsName) {
  EXPECT_EQ(choose_host_name(std::nullopt, "login01"), "login01");
  EXPECT_EQ(choose_host_name("", "login01"), "login01");
  EXPECT_EQ(choose_host_name(std::nullopt, ""), "host");
}

TEST(HostName, AValueThatIsNoHostNameIsRefusedWithExit2) {
  const std::vector<std::string> bad_names = {"node a", "../etc", "node/1", "n\x01",
                                              std::string(254, 'a')};
  for (const std::string& bad : bad_names) {
    try {
      choose_host_name(bad, "system");
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const UserError& error) {
      EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
      EXPECT_NE(std::string(error.what()).find("GPUBENCH_HOST_NAME"), std::string::npos);
    }
  }
  EXPECT_EQ(choose_host_name(std::string(253, 'a'), "system").size(), 253u);
}

}  // namespace
}  // namespace gpubench
