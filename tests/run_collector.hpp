#pragma once
// A google/benchmark reporter for tests: keeps the runs instead of printing them.

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

}  // namespace gpubench::testing
