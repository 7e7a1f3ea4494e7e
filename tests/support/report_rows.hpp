#pragma once
// Synthetic report inputs: google/benchmark's JSON with a gpubench manifest, rows with any
// counters, every value invented (round numbers, "Synthetic GPU (test fixture)"). Nothing here was
// measured. Shared by the report tests (tests/analysis/report*_test.cpp, tests/render).

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/device_info.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench::testing {

using nlohmann::json;

struct FixtureRow {
  std::string name;  // without google/benchmark's "/manual_time"
  std::map<std::string, double> counters;
  int repetitions = 3;
  bool failed = false;
  std::string label;
};

inline FixtureRow make_row(std::string name, std::map<std::string, double> counters,
                           int repetitions = 3, bool failed = false) {
  FixtureRow row;
  row.name = std::move(name);
  row.counters = std::move(counters);
  row.repetitions = repetitions;
  row.failed = failed;
  return row;
}

// One benchmark as google/benchmark 1.7 writes it with repetitions: the iterations (figures spread
// by -1%, 0, +1%), then mean/median/stddev/cv aggregates.
inline void add_rows(json& benchmarks, const FixtureRow& row) {
  const std::string run_name = row.name + "/manual_time";
  auto base = [&](const std::string& name) {
    json record = {{"name", name},
                   {"run_name", run_name},
                   {"family_index", 0},
                   {"threads", 1},
                   {"time_unit", "ms"},
                   {"real_time", 1.0},
                   {"cpu_time", 1.0},
                   {"iterations", 10},
                   {"repetitions", row.repetitions},
                   {"per_family_instance_index", 0}};
    if (!row.label.empty()) record["label"] = row.label;
    return record;
  };
  if (row.failed) {
    json record = base(run_name);
    record["run_type"] = "iteration";
    record["repetition_index"] = 0;
    record["error_occurred"] = true;
    record["error_message"] = "VERIFICATION FAILED: synthetic mismatch";
    benchmarks.push_back(record);
    return;
  }
  for (int i = 0; i < row.repetitions; ++i) {
    json record = base(run_name);
    record["run_type"] = "iteration";
    record["repetition_index"] = i;
    const double scale = row.repetitions == 1 ? 1.0 : 1.0 + 0.01 * (i - 1);
    for (const auto& [key, value] : row.counters)
      record[key] = value * scale;
    benchmarks.push_back(record);
  }
  if (row.repetitions < 2) return;
  for (const char* aggregate : {"mean", "median", "stddev", "cv"}) {
    json record = base(run_name + "_" + aggregate);
    record["run_type"] = "aggregate";
    record["aggregate_name"] = aggregate;
    for (const auto& [key, value] : row.counters) {
      const std::string which = aggregate;
      record[key] = which == "stddev" ? value * 0.01 : which == "cv" ? 0.01 : value;
    }
    benchmarks.push_back(record);
  }
}

inline json synthetic_run(const std::vector<FixtureRow>& rows,
                          const std::string& spec_id = "rtx-4070",
                          const std::string& counterpart = "l4") {
  json file;
  file["context"] = {{"date", "2026-01-01T00:00:00+00:00"},
                     {"host_name", "synthetic-host"},
                     {"executable", "gpubench"},
                     {"num_cpus", 2},
                     {"library_build_type", "release"}};
  DeviceInfo device;
  device.name = "Synthetic GPU (test fixture)";
  device.compute_capability = {8, 9};
  device.sm_count = 1;
  device.driver_version = "999.99.99";
  device.cuda_driver_version = 99000;
  device.cuda_runtime_version = 99000;
  device.cublas_version = "99.0.0";
  for (const auto& [key, value] : make_manifest(device, spec_id))
    file["context"][key] = value;
  file["context"]["gpu_spec_matched_by"] = "PCI device id";
  file["context"]["counterpart_spec_id"] = counterpart;
  file["context"]["gpubench_suites"] = "memory";
  file["context"]["gpubench_profile"] = "quick";
  file["benchmarks"] = json::array();
  for (const auto& row : rows)
    add_rows(file["benchmarks"], row);
  return file;
}

inline std::filesystem::path write_run(const TempDir& dir, const json& run,
                                       const std::string& name = "run.json") {
  return dir.write(name, run.dump(1));
}

}  // namespace gpubench::testing
