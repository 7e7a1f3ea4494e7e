#pragma once
// Running google/benchmark in-process from a test (flags: gpubench::initialize_benchmark): a
// reporter that keeps the runs instead of printing them, and a guard that clears registrations.

#include <benchmark/benchmark.h>

#include <vector>

namespace gpubench::testing {

class RunCollector : public benchmark::ConsoleReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& reports) override {
    for (const auto& run : reports)
      runs.push_back(run);
  }
  std::vector<Run> runs;
};

// Clears google/benchmark's registrations when a test ends, so no test sees another's benchmarks
// when the whole binary runs in one process.
class ClearRegistrationsAtExit {
 public:
  ClearRegistrationsAtExit() = default;
  ~ClearRegistrationsAtExit() { benchmark::ClearRegisteredBenchmarks(); }
  ClearRegistrationsAtExit(const ClearRegistrationsAtExit&) = delete;
  ClearRegistrationsAtExit& operator=(const ClearRegistrationsAtExit&) = delete;
};

}  // namespace gpubench::testing
