#include "model/results_file.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gpubench/errors.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::TempDir;

// The shape google/benchmark 1.7 writes with --benchmark_out_format=json, values clearly synthetic.
json plain_benchmark_file() {
  return json::parse(R"({
    "context": {
      "date": "2026-01-01T00:00:00+00:00", "host_name": "synthetic", "executable": "./bench",
      "num_cpus": 2, "mhz_per_cpu": 1000, "cpu_scaling_enabled": false,
      "caches": [{"type": "Data", "level": 1, "size": 32768, "num_sharing": 1}],
      "load_avg": [0.5], "library_build_type": "release"
    },
    "benchmarks": [
      {"name": "BM_Synthetic/1024/repeats:2", "family_index": 0, "per_family_instance_index": 0,
       "run_name": "BM_Synthetic/1024/repeats:2", "run_type": "iteration", "repetitions": 2,
       "repetition_index": 0, "threads": 1, "iterations": 10, "real_time": 100.0,
       "cpu_time": 99.0, "time_unit": "us", "bandwidth_gbs": 1.5},
      {"name": "BM_Synthetic/1024/repeats:2", "family_index": 0, "per_family_instance_index": 0,
       "run_name": "BM_Synthetic/1024/repeats:2", "run_type": "iteration", "repetitions": 2,
       "repetition_index": 1, "threads": 1, "iterations": 10, "real_time": 110.0,
       "cpu_time": 109.0, "time_unit": "us", "bandwidth_gbs": 1.4},
      {"name": "BM_Synthetic/1024/repeats:2_median", "family_index": 0,
       "per_family_instance_index": 0, "run_name": "BM_Synthetic/1024/repeats:2",
       "run_type": "aggregate", "repetitions": 2, "threads": 1, "aggregate_name": "median",
       "aggregate_unit": "time", "iterations": 2, "real_time": 105.0, "cpu_time": 104.0,
       "time_unit": "us", "bandwidth_gbs": 1.45},
      {"name": "BM_Failed", "family_index": 1, "per_family_instance_index": 0,
       "run_name": "BM_Failed", "run_type": "iteration", "repetitions": 1, "repetition_index": 0,
       "threads": 1, "iterations": 0, "error_occurred": true,
       "error_message": "verification failed"}
    ]
  })");
}

json gpubench_file() {
  json file = plain_benchmark_file();
  DeviceInfo device;
  device.name = "Synthetic GPU";
  device.compute_capability = {8, 9};
  device.sm_count = 1;
  device.cublas_version = "0.0.0";
  for (const auto& [key, value] : make_manifest(device, "synthetic"))
    file["context"][key] = value;
  return file;
}

void expect_rejected(const std::string& text, std::string_view expected_words) {
  TempDir dir;
  const auto path = dir.write("candidate.json", text);
  try {
    load_results_file(path);
    FAIL() << "accepted a file that should fail with: " << expected_words;
  } catch (const UserError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("candidate.json"), std::string::npos) << message;
    EXPECT_NE(message.find(expected_words), std::string::npos) << message;
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
  }
}

TEST(ResultsFile, ReadsAPlainGoogleBenchmarkFile) {
  const ResultsFile results = parse_results(plain_benchmark_file().dump(), "plain.json");
  EXPECT_FALSE(results.is_gpubench_run());
  ASSERT_EQ(results.benchmarks.size(), 4u);
  const BenchmarkRecord& first = results.benchmarks[0];
  EXPECT_EQ(first.run_type, "iteration");
  EXPECT_EQ(first.time_unit, "us");
  EXPECT_DOUBLE_EQ(first.real_time, 100.0);
  EXPECT_EQ(first.repetition_index, 0);
  ASSERT_EQ(first.counters.size(), 1u) << "only user counters, not google/benchmark's own fields";
  EXPECT_DOUBLE_EQ(first.counters.at("bandwidth_gbs"), 1.5);
  EXPECT_EQ(results.benchmarks[2].aggregate_name, "median");
  EXPECT_TRUE(results.benchmarks[3].error_occurred);
  EXPECT_EQ(results.benchmarks[3].error_message, "verification failed");
  EXPECT_EQ(results.context_value("host_name"), "synthetic");
  EXPECT_EQ(results.context_value("num_cpus"), "2");
}

TEST(ResultsFile, ReadsAGpubenchRunWithItsManifest) {
  TempDir dir;
  const auto path = dir.write("run.json", gpubench_file().dump(2));
  const ResultsFile results = load_results_file(path);
  EXPECT_TRUE(results.is_gpubench_run());
  EXPECT_EQ(results.schema_version, kResultsSchemaVersion);
  for (const auto key : kManifestKeys) {
    EXPECT_TRUE(results.context_value(key)) << key;
  }
  EXPECT_EQ(results.context_value(context_keys::kGpuSpecId), "synthetic");
  EXPECT_EQ(results.context_value(context_keys::kGpubenchVersion), std::string(gpubench_version()));
}

TEST(ResultsFile, RejectsMalformedTruncatedForeignAndUnknownFiles) {
  expect_rejected("{\"context\": {}, \"benchmarks\": [}", "not valid JSON");
  const std::string whole = gpubench_file().dump();
  expect_rejected(whole.substr(0, whole.size() / 2), "ends early");
  expect_rejected("", "empty");
  expect_rejected("[1, 2, 3]", "not a google/benchmark JSON file");
  expect_rejected("{\"context\": {}, \"results\": []}", "not a google/benchmark JSON file");
  expect_rejected("{\"context\": [], \"benchmarks\": []}", "not a google/benchmark JSON file");

  json newer = gpubench_file();
  newer["context"][std::string(kSchemaVersionKey)] = "99";
  expect_rejected(newer.dump(), "schema 99");

  json garbled = gpubench_file();
  garbled["context"][std::string(kSchemaVersionKey)] = "one";
  expect_rejected(garbled.dump(), "not a number");

  json no_driver = gpubench_file();
  no_driver["context"].erase(std::string(context_keys::kDriverVersion));
  expect_rejected(no_driver.dump(), "lacks \"driver_version\"");

  json nameless = plain_benchmark_file();
  nameless["benchmarks"][0].erase("name");
  expect_rejected(nameless.dump(), "benchmarks[0] has no name");

  json timeless = plain_benchmark_file();
  timeless["benchmarks"][1].erase("real_time");
  expect_rejected(timeless.dump(), "no real_time");
}

TEST(ResultsFile, RejectsNonFiniteAndWronglyTypedValuesNamingTheFile) {
  // google/benchmark writes a non-finite counter as a bare NaN or Infinity, which is not JSON.
  std::string text = plain_benchmark_file().dump(2);
  const auto at = text.find("1.5");
  ASSERT_NE(at, std::string::npos);
  expect_rejected(std::string(text).replace(at, 3, "NaN"), "NaN or Infinity");
  expect_rejected(std::string(text).replace(at, 3, "-Infinity"), "NaN or Infinity");
  // Overflows a double: nlohmann/json throws out_of_range, not a parse error.
  expect_rejected(std::string(text).replace(at, 3, "1e999"), "cannot represent");

  json wrong_type = plain_benchmark_file();
  wrong_type["benchmarks"][1]["error_occurred"] = "yes";
  expect_rejected(wrong_type.dump(), "benchmarks[1] has a field of the wrong type");
}

TEST(ResultsFile, NonFiniteStatisticsBecomeNullOutsideStrings) {
  json file = plain_benchmark_file();
  file["benchmarks"][0]["label"] = "NaN in a label stays";
  std::string text = file.dump();
  // What google/benchmark writes for the cv of an all-zero counter, and an overflowed rate.
  const auto at = text.find("\"bandwidth_gbs\":1.5");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("\"bandwidth_gbs\":1.5").size(),
               "\"bandwidth_gbs\":NaN,\"rate\":-Infinity");
  EXPECT_THROW(parse_results(text, "raw.json"), UserError);
  EXPECT_EQ(replace_non_finite_values(text), 2u);
  const ResultsFile results = parse_results(text, "clean.json");
  EXPECT_FALSE(results.benchmarks[0].counters.contains("bandwidth_gbs")) << "null is no figure";
  EXPECT_EQ(results.benchmarks[0].label, "NaN in a label stays");
}

TEST(ResultsFile, MissingFileIsAUserError) {
  TempDir dir;
  EXPECT_THROW(load_results_file(dir.path() / "absent.json"), UserError);
}

TEST(ResultsFile, ManifestCarriesEveryKey) {
  DeviceInfo device;
  device.name = "Synthetic GPU";
  device.compute_capability = {9, 0};
  device.sm_count = 3;
  device.cuda_driver_version = 13000;
  device.cuda_runtime_version = 12040;
  device.driver_version = "1.2.3";
  device.nvml = NvmlDeviceReport{};
  device.nvml->pci_device_id = 0x1234;
  const auto manifest = make_manifest(device, "synthetic");
  for (const auto key : kManifestKeys)
    EXPECT_TRUE(manifest.contains(std::string(key))) << key;
  EXPECT_EQ(manifest.at(std::string(context_keys::kGpuPciDeviceId)), "0x1234");
  EXPECT_EQ(manifest.at(std::string(context_keys::kCudaDriverVersion)), "13.0");
  EXPECT_EQ(manifest.at(std::string(context_keys::kCudaRuntimeVersion)), "12.4");
  EXPECT_EQ(manifest.at(std::string(context_keys::kComputeCapability)), "9.0");
  EXPECT_EQ(manifest.at(std::string(context_keys::kDriverVersion)), "1.2.3");
}

}  // namespace
}  // namespace gpubench
