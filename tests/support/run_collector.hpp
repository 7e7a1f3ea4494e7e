#pragma once
// Running google/benchmark in-process from a test: its flags, and a reporter that keeps the runs
// instead of printing them.

#include <benchmark/benchmark.h>

#include <string>
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

// benchmark::Initialize with these command-line flags (the program name comes first).
inline void initialize_benchmark(std::vector<std::string> flags) {
  std::vector<char*> argv;
  for (auto& flag : flags)
    argv.push_back(flag.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());
}

}  // namespace gpubench::testing
