#include "harness/telemetry.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "gpubench/counters.hpp"
#include "gpubench/errors.hpp"
#include "platform/nvml_library.hpp"

namespace gpubench {
namespace {

std::atomic<bool> gpu_lost_seen{false};

// The first sampler's start: the time base OwnActivityLog keeps its record on.
std::chrono::steady_clock::time_point process_epoch() {
  static const auto epoch = std::chrono::steady_clock::now();
  return epoch;
}

// Now, with the process epoch fixed first (at the first sampler's start).
std::chrono::steady_clock::time_point sampler_start() {
  process_epoch();
  return std::chrono::steady_clock::now();
}

std::vector<BusyInterval> shifted(const std::vector<BusyInterval>& intervals, double by_s,
                                  double keep_from_s) {
  std::vector<BusyInterval> out;
  for (const BusyInterval& interval : intervals) {
    if (interval.end_s + by_s >= keep_from_s)
      out.push_back({interval.begin_s + by_s, interval.end_s + by_s});
  }
  return out;
}

}  // namespace

TelemetrySampler::TelemetrySampler(const TelemetrySource* source, std::chrono::milliseconds period)
    : source_(source), period_(period), start_(sampler_start()) {
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
  if (sample.gpu_lost) gpu_lost_seen = true;
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

double TelemetrySampler::start_offset_s() const {
  return std::chrono::duration<double>(start_ - process_epoch()).count();
}

ContentionScope TelemetrySampler::contention_scope() const {
  ContentionScope scope;
  if (source_ != nullptr) {
    scope.own_pid = source_->own_process_id();
    scope.mig_slice = source_->mig_slice();
  }
  return scope;
}

void OwnActivityLog::record(const TelemetrySampler& sampler,
                            const std::vector<BusyInterval>& launches, const BusyInterval& known) {
  const double offset_s = sampler.start_offset_s();
  const double keep_from_s = offset_s + known.end_s - kKeepS;
  const std::lock_guard lock(mutex_);
  absolute_.launches = shifted(absolute_.launches, 0, keep_from_s);
  absolute_.known = shifted(absolute_.known, 0, keep_from_s);
  for (const BusyInterval& launch : shifted(launches, offset_s, keep_from_s))
    absolute_.launches.push_back(launch);
  absolute_.known.push_back({known.begin_s + offset_s, known.end_s + offset_s});
}

OwnActivity OwnActivityLog::recent(const TelemetrySampler& sampler) const {
  const double offset_s = sampler.start_offset_s();
  const std::lock_guard lock(mutex_);
  return {shifted(absolute_.launches, -offset_s, -1e300),
          shifted(absolute_.known, -offset_s, -1e300)};
}

OwnActivityLog& own_activity_log() {
  static OwnActivityLog log;
  return log;
}

bool gpu_lost() {
  return gpu_lost_seen;
}

void clear_gpu_lost() {
  gpu_lost_seen = false;
}

void throw_if_gpu_lost() {
  if (gpu_lost()) {
    throw UserError(
        "The GPU stopped answering during the run (NVML: GPU is lost; it fell off the bus or "
        "was reset), so no results file was written; check the card and the kernel log (dmesg, "
        "Xid 79) and run again.");
  }
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
