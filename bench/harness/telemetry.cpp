#include "harness/telemetry.hpp"

#include <fmt/format.h>

#include "gpubench/counters.hpp"
#include "platform/nvml_library.hpp"

namespace gpubench {

TelemetrySampler::TelemetrySampler(const TelemetrySource* source, std::chrono::milliseconds period)
    : source_(source), period_(period), start_(std::chrono::steady_clock::now()) {
  if (source_ == nullptr) return;
  take_sample();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
      lock.unlock();
      take_sample();
      lock.lock();
    }
  });
}

TelemetrySampler::~TelemetrySampler() {
  stop();
}

void TelemetrySampler::take_sample() {
  const double now_s = seconds_since_start();
  bool with_processes = false;
  {
    // The sampling thread and readings(true) both sample: one of them claims the process query.
    const std::lock_guard lock(mutex_);
    with_processes =
        last_process_sample_s_ < 0 || now_s - last_process_sample_s_ >= kProcessPeriodS;
    if (with_processes) last_process_sample_s_ = now_s;
  }
  TelemetrySample sample = with_processes ? source_->sample_with_processes() : source_->sample();
  sample.time_s = now_s;
  const std::lock_guard lock(mutex_);
  samples_.push_back(sample);
}

std::vector<TelemetrySample> TelemetrySampler::stop() {
  if (thread_.joinable()) {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    take_sample();  // the end of the timed region
  }
  const std::lock_guard lock(mutex_);
  return samples_;
}

std::vector<TelemetrySample> TelemetrySampler::readings(bool take_one_now) {
  if (source_ == nullptr) return {};
  if (take_one_now) take_sample();
  const std::lock_guard lock(mutex_);
  return samples_;
}

double TelemetrySampler::seconds_since_start() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void add_telemetry_counters(benchmark::State& state, const TelemetrySummary& summary) {
  auto put = [&](std::string_view name, const std::optional<double>& value) {
    if (value) state.counters[std::string(name)] = *value;
  };
  put(counters::kSmClockMeanMhz, summary.sm_clock_mean_mhz);
  put(counters::kSmClockMinMhz, summary.sm_clock_min_mhz);
  put(counters::kMemoryClockMhz, summary.memory_clock_mhz);
  put(counters::kTemperatureMaxC, summary.temperature_max_c);
}

}  // namespace gpubench
