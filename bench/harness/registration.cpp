#include "harness/registration.hpp"

#include <memory>

#include "harness/timing.hpp"

namespace gpubench {
namespace {

thread_local int g_repetition = 0;
thread_local std::string g_benchmark_name;

// Sets current_repetition() and current_benchmark_name() while one repetition's body runs.
class RepetitionScope {
 public:
  RepetitionScope(int repetition, const std::string& name) {
    g_repetition = repetition;
    g_benchmark_name = name;
  }
  ~RepetitionScope() {
    g_repetition = 0;
    g_benchmark_name.clear();
  }
  RepetitionScope(const RepetitionScope&) = delete;
  RepetitionScope& operator=(const RepetitionScope&) = delete;
};

}  // namespace

int current_repetition() {
  return g_repetition;
}

const std::string& current_benchmark_name() {
  return g_benchmark_name;
}

void register_timed_benchmark(const std::string& name, benchmark::TimeUnit unit,
                              BenchmarkBody body) {
  auto repetitions = std::make_shared<int>(0);  // bodies run so far: one per repetition
  benchmark::RegisterBenchmark(
      name.c_str(),
      [name, body = std::move(body), repetitions](benchmark::State& state) {
        const RepetitionScope scope((*repetitions)++, name);
        run_guarded(state, name, [&] { body(state); });
      })
      ->UseManualTime()
      ->Unit(unit)
      ->DisplayAggregatesOnly(true);
}

void initialize_benchmark(const std::vector<std::string>& flags) {
  // google/benchmark 1.7's defaults.
  std::vector<std::string> arguments = {"--benchmark_list_tests=false",
                                        "--benchmark_filter=.",
                                        "--benchmark_min_time=0.5",
                                        "--benchmark_min_warmup_time=0",
                                        "--benchmark_repetitions=1",
                                        "--benchmark_enable_random_interleaving=false",
                                        "--benchmark_report_aggregates_only=false",
                                        "--benchmark_display_aggregates_only=false",
                                        "--benchmark_format=console",
                                        "--benchmark_out=",
                                        "--benchmark_out_format=json",
                                        "--benchmark_counters_tabular=false"};
  arguments.insert(arguments.end(), flags.begin(), flags.end());
  // google/benchmark keeps argv[0] as the executable name its reporters print later, so it must
  // outlive this call (a local string's buffer was read after free; found by ASan).
  static char program_name[] = "gpubench";
  std::vector<char*> argv = {program_name};
  for (std::string& argument : arguments)
    argv.push_back(argument.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());
}

}  // namespace gpubench
