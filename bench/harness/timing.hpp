#pragma once
// The one timing loop of gpubench. Every benchmark hands it what to enqueue; it warms up, times
// launches with CUDA events until they agree (noise-based stopping, see sample_series.hpp), and
// records the SM clock. Host API latencies go through the same loop with a host-clock sample
// source (time_host_calls).
// Counters are named with their units so report/compare/history need no per-benchmark code.

#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>

#include <functional>
#include <optional>
#include <string>

#include "gpubench/counters.hpp"
#include "harness/registration.hpp"
#include "harness/suite_context.hpp"
#include "kernels/common/clock_sample.hpp"
#include "model/rate_table.hpp"
#include "model/sampling_budget.hpp"

namespace gpubench {

using Enqueue = std::function<void(cudaStream_t)>;

struct TimingPolicy {
  int warm_up_launches = 2;      // before the first repetition's samples (see current_repetition)
  bool flush_l2 = false;         // overwrite L2 (outside the events) before each timed launch
  bool measure_sm_clock = true;  // off when the kernel measures its own clock
  // Whether, once per benchmark, a dedicated sustained window after the timed repetition gives
  // its power and energy (power_window.hpp); the others report neither. By default exactly when
  // the running benchmark (current_benchmark_name) is a power-window headline of
  // gpubench/headlines.hpp; a suite whose headline covers several benchmarks (the GEMM suite's
  // shapes) says which one measures it.
  std::optional<bool> sustained_power{};
  // Run right after the timed launches, before the sustained window launches anything: where a
  // kernel records its own clock, the benchmark reads it here, from a timed launch.
  std::function<void()> after_timed_launches{};
  // Cold batches (--batch N, model/cold_batch.hpp): a benchmark that keeps operand_copies copies
  // of its operands (operand_copies_for) gives use_operand_copy, which points its enqueue at copy
  // i; launch i of each sample then runs on copy i, and every other launch (warm-up, sustained
  // window) on copy 0. Without it, a batch runs on the benchmark's one set of operands.
  int operand_copies = 1;
  std::function<void(int copy)> use_operand_copy{};
  // Whether the stream may be held while a sample's launches are queued (stream_hold.hpp); false
  // for launches that may wait for the stream themselves (copies from pageable memory).
  bool hold_stream = true;
  // Whether --batch applies; false times one launch per sample whatever it says: a launch that
  // measures itself (the compute peaks' and latency chains' own clocks, the pointer chase), where
  // a batch would only multiply the run's time.
  bool batches = true;
};

// The policy of a kernel that records its own clock on every launch (the compute peaks): one
// warm-up, no L2 flush, no probe clock; the last timed launch's sample is copied into `host`
// before a sustained power window launches more (which would leave theirs in the buffer).
TimingPolicy own_clock_policy(const common::ClockSample* device_clock, common::ClockSample& host);

// What time_launches measured in its (last) repetition: the median of the kept samples.
struct TimedLaunches {
  double median_seconds = 0;
  double relative_spread = 0;  // relative IQR of the kept samples
  std::size_t samples = 0;     // kept
  std::size_t throttled = 0;   // taken below 75% of the reference SM clock, dropped
  std::string label;       // "throttle: ..." and "contended: ..." when NVML saw either, else empty
  bool contended = false;  // the GPU was shared during the repetition (model/contention.hpp)
  // NVML's SM clock while the kept launches ran (clock_while_running); empty without NVML.
  std::optional<double> sm_clock_mhz;
  int launches_per_sample = 1;  // what each sample timed (--batch N, or 1 when copies did not fit)
};

// The benchmark's counter named `name` (one of gpubench::counters, so a misspelt name does not
// compile): counter(state, counters::kSamples) = 12.
inline benchmark::Counter& counter(benchmark::State& state, std::string_view name) {
  return state.counters[std::string(name)];
}

// Sets the benchmark's label to `label` followed by what time_launches put there (the throttle
// reasons), so a benchmark's own label never hides them.
void set_label(benchmark::State& state, const TimedLaunches& timed, std::string_view label);

// Times launches of `enqueue` with CUDA events, one per sample, until the noise-based stopping
// rule is met, sampling NVML telemetry on a background thread meanwhile (sm_clock_mhz: the clock
// while the kept launches ran, from a probe only where NVML reads no clock; sm_clock_mean_mhz,
// temperature_max_c, ...; see telemetry.hpp), and watching for other work on the GPU (contended
// = 1 and a label when it was shared). Each repetition samples within its share of the run's
// budget, or longer on time the run's SamplingBudget lends (RunOptions::sampling_budget). Adds the
// counters samples, throttled_samples, noise_pct (relative IQR of the kept samples, percent, from
// 3 samples on), median_ci_pct (how well their median is known, percent), sampling_s (the loop's
// wall time) and converged (1 when the median was known to the target before the time ran out);
// with policy.sustained_power, power and energy from a sustained window.
TimedLaunches time_launches(benchmark::State& state, SuiteContext& context, const Enqueue& enqueue,
                            const TimingPolicy& policy = {});

// A host API call timed on the host clock (std::chrono::steady_clock), for what CUDA events cannot
// bracket: the latency a program sees of a launch, a synchronisation, an allocation, a module
// load. Each sample runs prepare (untimed), call (timed) and finish (untimed: release what call
// made and verify it; a VerificationError fails the benchmark).
struct HostCall {
  std::function<void()> prepare;  // optional
  std::function<void()> call;
  std::function<void()> finish;  // optional
};

struct HostTimingPolicy {
  int warm_up_calls = 2;  // whole samples, untimed: first-use costs are not the steady state
  StoppingRule stopping;
  // The clock samples are judged throttled against; none keeps every sample (an idle GPU runs
  // its clocks down between microsecond calls, and that is part of what such a call costs).
  std::optional<double> reference_clock_mhz;
  const TelemetrySource* telemetry = nullptr;  // sampled meanwhile; null samples nothing
  SamplingBudget* budget = nullptr;  // the run's pool (RunOptions::sampling_budget); null: none
};

// The host-clock source of the one sampling loop that time_launches uses: the same stopping rule,
// telemetry, median, manual time and counters, with each sample timed on the host.
TimedLaunches time_host_calls(benchmark::State& state, const HostCall& call,
                              const HostTimingPolicy& policy);

// pct_of_spec (of this card's documented figure under spec_key) and vs_counterpart (measured /
// the counterpart's), when the sheets have the figure. amount_per_launch is in the key's unit per
// launch: gigabytes for *_gbs, tera-ops for *_tflops and *_tops.
void add_spec_counters(benchmark::State& state, const SuiteContext& context,
                       double amount_per_launch, std::string_view spec_key);

// pct_of_clock_peak: against SMs x the rate table's per-SM rate x the SM clock measured with it.
void add_clock_peak_counter(benchmark::State& state, const SuiteContext& context,
                            double tera_ops_per_launch, Throughput throughput, double clock_mhz);

// bandwidth_gbs (decimal GB/s over the manual time), gbs_per_w when telemetry gave a mean power,
// and when the sheets have a figure:
// pct_of_spec (of this card's documented figure) and vs_counterpart (measured / the
// counterpart's documented figure).
void add_rate_counters(benchmark::State& state, const SuiteContext& context,
                       double bytes_per_launch, std::string_view spec_key);

// Runs `body`; a CUDA error or failed check becomes a failed benchmark (SkipWithError) with the
// message also printed to stderr, so it is never mistaken for a figure. After Ctrl-C (see
// progress.hpp) it skips the body, so the run ends after the benchmark in progress.
void run_guarded(benchmark::State& state, std::string_view name, const std::function<void()>& body);

// Thrown by a benchmark whose output does not match its reference.
class VerificationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gpubench
