#pragma once
// Synthetic report inputs: google/benchmark's JSON with a gpubench manifest, rows with any
// counters, every value invented (round numbers, "Synthetic GPU (test fixture)"). Nothing here was
// measured. Shared by the report tests (tests/analysis/report*_test.cpp, tests/render).

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/device_info.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"
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

// A sheet's documented number (the spec database's built-in sheets).
inline double documented(const std::string& id, const std::string& key) {
  return *SpecDatabase::builtin().at(id).number(key);
}

// A memory run on a "rtx-4070", with pct_of_spec recorded against the sheet as the harness does.
inline std::vector<FixtureRow> memory_rows() {
  constexpr double kMiBytes = 1024.0 * 1024.0;
  const double spec = documented("rtx-4070", "memory_bandwidth_gbs");
  const double l2 = 36 * kMiBytes;
  auto stream = [&](const std::string& name, double gbs) {
    return make_row(name, {{"bandwidth_gbs", gbs},
                           {"pct_of_spec", gbs / spec * 100},
                           {"array_bytes", 512 * kMiBytes}});
  };
  auto sweep = [&](double working_set, double gbs) {
    return make_row(fmt::format("memory/l2_sweep/{}MiB", working_set / kMiBytes),
                    {{"bandwidth_gbs", gbs},
                     {"pct_of_spec", gbs / spec * 100},
                     {"working_set_bytes", working_set},
                     {"l2_bytes", l2}});
  };
  return {
      stream("memory/stream/read", 400),
      stream("memory/stream/triad", 390),
      sweep(16 * kMiBytes, 1000),
      sweep(64 * kMiBytes, 600),
      sweep(160 * kMiBytes, 420),
      sweep(256 * kMiBytes, 410),
      make_row(
          "memory/latency/16MiB",
          {{"latency_ns", 100}, {"latency_cycles", 250}, {"working_set_bytes", 16 * kMiBytes}}),
      make_row("memory/h2d/pinned/64MiB",
               {{"bandwidth_gbs", 20}, {"transfer_bytes", 64 * kMiBytes}}),
      make_row("memory/stream/dot", {}, 1, true),
  };
}

// memory_rows() with NVML telemetry on the first row (a sustained power window and a throttle
// label) and two cuBLAS GEMM rows.
inline std::vector<FixtureRow> gemm_and_telemetry_rows() {
  std::vector<FixtureRow> rows = memory_rows();
  rows[0].counters["power_mean_w"] = 100;
  rows[0].counters["power_window_s"] = 2;  // a sustained window: per-watt figures apply
  rows[0].counters["sm_clock_mean_mhz"] = 2000;
  rows[0].counters["sm_clock_min_mhz"] = 1900;
  rows[0].counters["temperature_max_c"] = 60;
  rows[0].label = "throttle: power cap";
  for (const double size : {1024.0, 4096.0}) {
    rows.push_back(make_row(fmt::format("gemm/cublas/fp16_f32acc/{0}x{0}x{0}", size),
                            {{"fp16_tensor_fp32acc_tflops", size / 1024 * 10},
                             {"power_mean_w", 100},
                             {"power_window_s", 1.5}}));
  }
  return rows;
}

}  // namespace gpubench::testing
