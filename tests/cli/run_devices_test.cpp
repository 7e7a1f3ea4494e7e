// `gpubench run --device all|0,2` (bench/cli/run_devices.cpp, tested through the binary): the
// manifest's GPU identity, the per-GPU headline figures, no GPU, and (with a GPU) one results file
// per GPU.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analysis/fleet.hpp"
#include "gpubench/errors.hpp"
#include "model/results_file.hpp"
#include "support/fleet_fixtures.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::run_gpubench;
using testing::TempDir;

TEST(RunDevices, TheManifestNamesTheGpuOfItsHost) {
  std::string bytes;
  for (int i = 0; i < 16; ++i)
    bytes += static_cast<char>(i == 15 ? 0xff : i);
  EXPECT_EQ(format_gpu_uuid(bytes), "GPU-00010203-0405-0607-0809-0a0b0c0d0eff");
  DeviceInfo device;
  device.ordinal = 2;
  device.uuid = format_gpu_uuid(bytes);
  const auto manifest = make_manifest(device, "synthetic");
  EXPECT_EQ(manifest.at("gpu_index"), "2");
  EXPECT_EQ(manifest.at("gpu_uuid"), "GPU-00010203-0405-0607-0809-0a0b0c0d0eff");
}

TEST(RunDevices, HeadlineFiguresOfARealRun) {
  const ResultsFile run = load_results_file(testing::h200_run("quick1.json"));
  const auto figures = headline_figures(run);
  ASSERT_EQ(figures.size(), headline_labels().size());
  ASSERT_TRUE(figures[0].has_value());
  EXPECT_EQ(figures[0]->benchmark, "memory/stream/triad/manual_time");
  EXPECT_EQ(figures[0]->metric, "bandwidth_gbs");
  EXPECT_GT(figures[0]->median, 3000);  // an H200's triad, in GB/s
  ASSERT_TRUE(figures[3].has_value());
  EXPECT_EQ(figures[3]->benchmark, "memory/h2d/pinned/64MiB/manual_time");  // the largest copy
  const ResultsFile contended = load_results_file(testing::h200_run("contended.json"));
  EXPECT_FALSE(headline_figures(contended)[2].has_value());  // that run had no GEMM suite
}

TEST(RunDevices, WithoutAGpuEveryDeviceListSaysSoAndExits2) {
  for (const char* devices : {"all", "0,1"}) {
    const auto result =
        run_gpubench(fmt::format("run --quick --device {}", devices), testing::kNoGpuEnv);
    EXPECT_EQ(result.exit_code, 2) << devices << ": " << result.err;
    EXPECT_NE(result.err.find("CUDA device"), std::string::npos) << result.err;
  }
}

// The Kubernetes Job's pod is named after itself, so the node's name comes in GPUBENCH_HOST_NAME;
// a value that is no host name fails before any GPU is looked at, for one GPU and for several.
TEST(RunDevices, ABadHostNameVariableIsRefusedBeforeTheGpu) {
  for (const char* devices : {"0", "all"}) {
    const auto result = run_gpubench(fmt::format("run --quick --device {}", devices),
                                     "GPUBENCH_HOST_NAME='node 1/..' CUDA_VISIBLE_DEVICES=");
    EXPECT_EQ(result.exit_code, 2) << devices << ": " << result.err;
    EXPECT_NE(result.err.find("GPUBENCH_HOST_NAME=\"node 1/..\" is not a host name"),
              std::string::npos)
        << result.err;
  }
}

TEST(RunDevicesGpu, OneResultsFilePerGpuAndOneSummary) {
  GPUBENCH_REQUIRE_GPU();
  TempDir dir;
  const auto result = run_gpubench(
      fmt::format("run --quick --suite memory --device all --out '{}'", dir.path().string()),
      "GPUBENCH_HOST_NAME=node-from-downward-api");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("One row per GPU"), std::string::npos) << result.out;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const ResultsFile file = load_results_file(entry.path());
    const auto index = file.context_value("gpu_index");
    ASSERT_TRUE(index.has_value());
    EXPECT_NE(entry.path().filename().string().find("-gpu" + *index + ".json"), std::string::npos);
    EXPECT_TRUE(file.context_value("gpu_uuid").value_or("").starts_with("GPU-"));
    // Every GPU's child run records the node's name, in the file and in its name.
    EXPECT_EQ(file.context_value("host_name").value_or(""), "node-from-downward-api");
    EXPECT_NE(entry.path().filename().string().find("-node-from-downward-api-gpu"),
              std::string::npos);
    ++files;
  }
  EXPECT_GE(files, 1u);
}

}  // namespace
}  // namespace gpubench
