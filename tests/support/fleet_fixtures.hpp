#pragma once
// A fleet made of the real H200 runs (tests/fixtures/runs/h200-b376421/): each node a copy of a
// real run under its own host name, optionally with some figures made slower, contended or
// failed. Shared by the fleet analysis, render and CLI tests.

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <utility>

#include "gpubench/counters.hpp"
#include "support/h200_runs.hpp"
#include "support/test_support.hpp"

namespace gpubench::testing {

struct NodeEdit {
  NodeEdit(std::string host, std::string gpu = "0")
      : host_name(std::move(host)), gpu_index(std::move(gpu)) {}
  std::string host_name;
  std::string gpu_index;
  std::string slow_regex;    // benchmarks made slower (rates divided, times multiplied)
  double slow_factor = 1.0;  // 1.10: 10% slower
  std::string contended_regex;
  std::string failed_regex;
};

// Copies `source` to `path` as a run of another node; returns path.
inline std::filesystem::path write_fleet_node(const std::filesystem::path& source,
                                              const std::filesystem::path& path,
                                              const NodeEdit& edit) {
  nlohmann::ordered_json run = nlohmann::ordered_json::parse(read_file(source));
  run["context"]["host_name"] = edit.host_name;
  run["context"]["gpu_index"] = edit.gpu_index;
  run["context"]["gpu_uuid"] = "GPU-" + edit.host_name + "-" + edit.gpu_index;
  const std::regex slow(edit.slow_regex.empty() ? "$^" : edit.slow_regex);
  const std::regex contended(edit.contended_regex.empty() ? "$^" : edit.contended_regex);
  const std::regex failed(edit.failed_regex.empty() ? "$^" : edit.failed_regex);
  for (auto& record : run["benchmarks"]) {
    const std::string name = record["run_name"].get<std::string>();
    if (std::regex_search(name, slow)) {
      for (const std::string_view rate :
           {counters::kBandwidthGbs, counters::kTflops, counters::kTops, counters::kPctOfSpec}) {
        const std::string key(rate);
        if (record.contains(key)) record[key] = record[key].get<double>() / edit.slow_factor;
      }
      for (const std::string_view time : {std::string_view("real_time"), counters::kLatencyNs}) {
        const std::string key(time);
        if (record.contains(key)) record[key] = record[key].get<double>() * edit.slow_factor;
      }
    }
    if (std::regex_search(name, contended)) record[std::string(counters::kContended)] = 1.0;
    if (std::regex_search(name, failed)) {
      record["error_occurred"] = true;
      record["error_message"] = "VERIFICATION FAILED: planted by the test";
    }
  }
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << run.dump(1);
  return path;
}

inline std::filesystem::path write_node_status(const std::filesystem::path& dir,
                                               const std::string& host, int exit_code,
                                               const std::string& message) {
  std::filesystem::create_directories(dir);
  const auto path = dir / "gpubench-run.status";
  std::ofstream(path) << fmt::format("host_name={}\ndevices=all\nexit_code={}\nmessage={}\n", host,
                                     exit_code, message);
  return path;
}

}  // namespace gpubench::testing
