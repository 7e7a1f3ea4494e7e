#pragma once
// Samples GPU telemetry on a background thread while a benchmark's timed loop runs (RAII: starts
// on construction, stops on stop() or destruction), and turns the series into counters.

#include <benchmark/benchmark.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

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

// sm_clock_mean_mhz, sm_clock_min_mhz, memory_clock_mhz and temperature_max_c where the summary
// has them (the throttle reasons go into the label: see timing.hpp). Never power or energy: a
// repetition's few milliseconds read NVML's lagging average of the card's previous state (see
// power_window.hpp). A summary of no samples adds nothing.
void add_telemetry_counters(benchmark::State& state, const TelemetrySummary& summary);

}  // namespace gpubench
