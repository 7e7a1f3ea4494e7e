#pragma once
// Synthetic results files for the compare and history tests: google/benchmark's JSON shape with a
// gpubench manifest, every value invented ("Synthetic GPU", host "synthetic"). Nothing here was
// measured.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/results_file.hpp"

namespace gpubench::testing {

struct SyntheticBenchmark {
  SyntheticBenchmark(std::string name_, std::vector<double> times_,
                     std::vector<double> clocks_mhz_ = {})
      : name(std::move(name_)), times(std::move(times_)), clocks_mhz(std::move(clocks_mhz_)) {}

  std::string name;
  std::vector<double> times;       // real_time of each repetition
  std::vector<double> clocks_mhz;  // sm_clock_mhz per repetition; empty: no clock counter
  std::string time_unit = "ms";
  bool aggregates = true;            // write _mean/_median/_stddev/_cv after the repetitions
  bool repetitions = true;           // false: aggregates only (--benchmark_report_aggregates_only)
  std::optional<std::string> error;  // error_occurred with this message
  // Per repetition, as gpubench's timing loop writes them: the kept sample count and the relative
  // IQR of those samples in percent. Empty: not written (an older or plain google/benchmark file).
  std::vector<double> samples;
  std::vector<double> noise_pct;
  bool contended = false;  // every repetition carries contended = 1
};

struct SyntheticRun {
  bool manifest = true;
  std::string gpu_name = "Synthetic GPU A";
  std::string driver_version = "550.54.15";
  std::string date = "2026-01-01T00:00:00+00:00";
  std::vector<SyntheticBenchmark> benchmarks;
};

// Bytes each synthetic benchmark moves: bandwidth_gbs = kSyntheticBytes / time.
inline constexpr double kSyntheticBytes = 1e9;

inline double seconds(double time, const std::string& unit) {
  return unit == "ns"   ? time * 1e-9
         : unit == "us" ? time * 1e-6
         : unit == "ms" ? time * 1e-3
                        : time;
}

inline nlohmann::json synthetic_record(const SyntheticBenchmark& b, double time,
                                       std::optional<double> clock) {
  nlohmann::json record = {{"name", b.name},
                           {"family_index", 0},
                           {"per_family_instance_index", 0},
                           {"run_name", b.name},
                           {"run_type", "iteration"},
                           {"repetitions", b.times.size()},
                           {"threads", 1},
                           {"iterations", 100},
                           {"real_time", time},
                           {"cpu_time", time * 1.01},
                           {"time_unit", b.time_unit}};
  record["bandwidth_gbs"] = kSyntheticBytes / seconds(time, b.time_unit) / 1e9;
  record["array_bytes"] = kSyntheticBytes;
  if (clock) record["sm_clock_mhz"] = *clock;
  return record;
}

inline nlohmann::json synthetic_results(const SyntheticRun& run) {
  nlohmann::json file;
  file["context"] = {{"date", run.date},
                     {"host_name", "synthetic"},
                     {"executable", "gpubench"},
                     {"num_cpus", 2},
                     {"mhz_per_cpu", 1000},
                     {"cpu_scaling_enabled", false},
                     {"caches", nlohmann::json::array()},
                     {"library_build_type", "release"}};
  if (run.manifest) {
    DeviceInfo device;
    device.name = run.gpu_name;
    device.compute_capability = {8, 9};
    device.sm_count = 1;
    device.driver_version = run.driver_version;
    device.cublas_version = "0.0.0";
    for (const auto& [key, value] : make_manifest(device, "synthetic")) {
      file["context"][key] = value;
    }
  }
  file["benchmarks"] = nlohmann::json::array();
  for (const auto& b : run.benchmarks) {
    if (b.error) {
      file["benchmarks"].push_back({{"name", b.name},
                                    {"run_name", b.name},
                                    {"run_type", "iteration"},
                                    {"repetitions", 1},
                                    {"repetition_index", 0},
                                    {"threads", 1},
                                    {"iterations", 0},
                                    {"error_occurred", true},
                                    {"error_message", *b.error}});
      continue;
    }
    for (std::size_t i = 0; i < b.times.size() && b.repetitions; ++i) {
      nlohmann::json record = synthetic_record(
          b, b.times[i],
          b.clocks_mhz.empty() ? std::nullopt : std::optional<double>(b.clocks_mhz[i]));
      record["repetition_index"] = i;
      if (i < b.samples.size()) record["samples"] = b.samples[i];
      if (i < b.noise_pct.size()) record["noise_pct"] = b.noise_pct[i];
      if (b.contended) record["contended"] = 1.0;
      file["benchmarks"].push_back(record);
    }
    if (!b.aggregates || b.times.empty()) continue;
    double mean = 0;
    for (const double t : b.times)
      mean += t;
    mean /= static_cast<double>(b.times.size());
    for (const char* aggregate : {"mean", "median", "stddev", "cv"}) {
      const std::string which = aggregate;
      // Synthetic aggregates: the mean stands in for the median; stddev and cv are placeholders.
      const double value = which == "stddev" ? mean * 0.01 : which == "cv" ? 0.01 : mean;
      nlohmann::json record = synthetic_record(b, value, std::nullopt);
      record["name"] = b.name + "_" + which;
      record["run_type"] = "aggregate";
      record["aggregate_name"] = which;
      record["aggregate_unit"] = which == "cv" ? "percentage" : "time";
      file["benchmarks"].push_back(record);
    }
  }
  return file;
}

// center * (1 + offset) for each relative offset: a fixed, readable noise pattern.
inline std::vector<double> around(double center, const std::vector<double>& offsets) {
  std::vector<double> values;
  for (const double offset : offsets)
    values.push_back(center * (1.0 + offset));
  return values;
}

// Tight noise: +-0.5%. Wide noise: +-25%.
inline const std::vector<double> kTight = {-0.005, -0.002, 0.0, 0.002, 0.005};
inline const std::vector<double> kWide = {-0.25, -0.12, 0.0, 0.12, 0.25};

}  // namespace gpubench::testing
