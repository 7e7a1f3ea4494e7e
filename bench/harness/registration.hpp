#pragma once
// gpubench's two touch points with google/benchmark's global state: registering a suite's timed
// benchmarks, and initializing the library's flags. Both are written once, here.

#include <benchmark/benchmark.h>

#include <functional>
#include <string>
#include <vector>

namespace gpubench {

// Every benchmark of a run is one google/benchmark iteration per repetition: time_launches samples
// inside it until the samples agree, and reports their median as the iteration's manual time. A
// minimum time below any launch's makes google/benchmark accept that first iteration without
// renaming the benchmark (->Iterations(1) would add "iterations:1").
inline constexpr const char* kOneIterationPerRepetitionFlag = "--benchmark_min_time=1e-9";

using BenchmarkBody = std::function<void(benchmark::State&)>;

// Registers `name` as one timed benchmark: `body` runs under run_guarded (a CUDA error or failed
// check becomes a failed benchmark, and nothing runs after Ctrl-C), with manual time in `unit`,
// aggregates only. Every suite registers through this.
void register_timed_benchmark(const std::string& name, benchmark::TimeUnit unit,
                              BenchmarkBody body);

// Which repetition of the running benchmark this is: 0 for the first (and outside any benchmark
// registered through register_timed_benchmark). The timing loop warms up on the first repetition
// only: google/benchmark runs a benchmark's repetitions back to back, so each later one starts
// right after the same launches on the same buffers.
int current_repetition();
// The running benchmark's name as registered (the results file's run_name adds "/manual_time");
// empty outside one. The per-sample side file (--samples-out) labels its samples with it.
const std::string& current_benchmark_name();

// benchmark::Initialize with every flag gpubench or its tests may set first reset to the library's
// default, then `flags` (google/benchmark style, without the program name). The library keeps its
// flags in globals that a later Initialize only overwrites when named again, so without the reset
// one caller's --benchmark_repetitions would leak into the next (one test binary, one process).
void initialize_benchmark(const std::vector<std::string>& flags);

}  // namespace gpubench
