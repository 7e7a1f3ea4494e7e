#pragma once
// What the `gpubench compare` tests on synthetic runs share (compare_verdict_test.cpp,
// compare_input_test.cpp, compare_output_test.cpp): a base and a new run with a planted change,
// lookups into a Comparison, and running the CLI on two generated files. Every value is invented
// (support/synthetic_results.hpp).

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "analysis/compare.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench::testing {

inline constexpr const char* kStable = "synthetic/stable/manual_time";
inline constexpr const char* kChanged = "synthetic/changed/manual_time";

// A base and a new run: one benchmark unchanged, one whose times are scaled by `factor`, both
// with the given noise pattern.
inline std::pair<SyntheticRun, SyntheticRun> planted(double factor,
                                                     const std::vector<double>& noise) {
  SyntheticRun base;
  base.benchmarks = {{kStable, around(1.0, noise)}, {kChanged, around(2.0, noise)}};
  SyntheticRun candidate = base;
  candidate.driver_version = "580.95.05";
  candidate.benchmarks[1].times = around(2.0 * factor, noise);
  return {base, candidate};
}

// Every judged metric (real_time and the rate counters), not only the primary figure.
inline CompareOptions all_metrics() {
  CompareOptions options;
  options.all_metrics = true;
  return options;
}

inline ResultsFile as_results(const SyntheticRun& run, const std::string& name) {
  return parse_results(synthetic_results(run).dump(), name);
}

inline const BenchmarkComparison& find(const Comparison& comparison, const std::string& name) {
  for (const auto& b : comparison.benchmarks) {
    if (b.name == name) return b;
  }
  throw std::runtime_error("benchmark not compared: " + name);
}

inline const MetricComparison& metric(const BenchmarkComparison& b, const std::string& name) {
  for (const auto& m : b.metrics) {
    if (m.metric == name) return m;
  }
  throw std::runtime_error("metric not compared: " + name);
}

// Writes both runs into a temp dir and runs `gpubench compare base.json new.json extra`.
struct CompareRun {
  TempDir dir;
  CommandResult result;
  std::string base_path;
  std::string new_path;
};

inline std::unique_ptr<CompareRun> run_compare(const SyntheticRun& base,
                                               const SyntheticRun& candidate,
                                               const std::string& extra = "") {
  auto run = std::make_unique<CompareRun>();
  run->base_path = run->dir.write("base.json", synthetic_results(base).dump(2)).string();
  run->new_path = run->dir.write("new.json", synthetic_results(candidate).dump(2)).string();
  run->result = run_gpubench("compare '" + run->base_path + "' '" + run->new_path + "' " + extra);
  return run;
}

}  // namespace gpubench::testing
