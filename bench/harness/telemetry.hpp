#pragma once
// Samples GPU telemetry on a background thread while a benchmark's timed loop runs (RAII: starts
// on construction, stops on stop() or destruction), and turns the series into counters.

#include <benchmark/benchmark.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "model/contention.hpp"
#include "model/telemetry.hpp"

namespace gpubench {

class TelemetrySampler {
 public:
  static constexpr double kProcessPeriodS = 0.1;
  // Samples `source` now, every `period`, and once more at stop(); the compute processes and their
  // SM use (for contention) at most every kProcessPeriodS. A null source samples nothing.
  explicit TelemetrySampler(const TelemetrySource* source,
                            std::chrono::milliseconds period = std::chrono::milliseconds(10));
  ~TelemetrySampler();
  TelemetrySampler(const TelemetrySampler&) = delete;
  TelemetrySampler& operator=(const TelemetrySampler&) = delete;

  // Stops the thread (idempotent) and returns the samples, time-stamped from the start.
  std::vector<TelemetrySample> stop();

  // The samples so far, for judging the clock of the launches that ran meanwhile. take_one_now
  // adds a reading first (an NVML query: too slow to do after every microsecond launch).
  std::vector<TelemetrySample> readings(bool take_one_now = false);

  // Seconds since sampling started: the time base of the samples' time_s.
  double seconds_since_start() const;
  // When this sampler started, in seconds since the first sampler of the process started: what
  // puts several samplers' timelines on one time base (OwnActivityLog).
  double start_offset_s() const;
  // gpubench as NVML lists it (the source's own_process_id), else this process's PID, which is
  // then judged only where it appears in the lists.
  ContentionScope contention_scope() const;

 private:
  void take_sample();
  const TelemetrySource* source_;
  double last_process_sample_s_ = -1;  // when the compute processes were last asked for
  std::chrono::milliseconds period_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<TelemetrySample> samples_;
  std::thread thread_;
};

// gpubench's own GPU work across benchmarks. NVML's GPU utilization averages over up to a second
// before each reading, longer than most benchmarks run: the check compares a reading with what
// gpubench did over that whole period, taken from this log (time not recorded in it counts as
// gpubench's, so unrecorded work between benchmarks never looks like a neighbour). Thread-safe.
class OwnActivityLog {
 public:
  static constexpr double kKeepS = 2.0;  // more than NVML's longest averaging period
  // A timed loop's launches and the span in which they were all of gpubench's GPU work, on
  // `sampler`'s time base.
  void record(const TelemetrySampler& sampler, const std::vector<BusyInterval>& launches,
              const BusyInterval& known);
  // What was recorded in the last kKeepS seconds, on `sampler`'s time base.
  OwnActivity recent(const TelemetrySampler& sampler) const;

 private:
  mutable std::mutex mutex_;
  OwnActivity absolute_;  // seconds since the first sampler started
};

// The process's log, which time_launches records into.
OwnActivityLog& own_activity_log();

// A lost GPU (NVML_ERROR_GPU_IS_LOST in any reading) ends the run: the sampler notes it, every
// benchmark after it is skipped, and `gpubench run` writes no results file.
bool gpu_lost();
void clear_gpu_lost();  // for tests, which must leave no process-wide state behind
// Throws UserError (exit 2) with one sentence when a reading said the GPU was lost.
void throw_if_gpu_lost();

// sm_clock_mean_mhz, sm_clock_min_mhz, memory_clock_mhz and temperature_max_c where the summary
// has them (the throttle reasons go into the label: see timing.hpp). Never power or energy: a
// repetition's few milliseconds read NVML's lagging average of the card's previous state (see
// power_window.hpp). A summary of no samples adds nothing.
void add_telemetry_counters(benchmark::State& state, const TelemetrySummary& summary);

}  // namespace gpubench
