#pragma once
// What every registered benchmark of a `gpubench run` shares: the device, its documented sheet and
// the counterpart's, the run's options (with its profile), a stream, and a one-entry cache of
// large buffers.

#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "harness/device_buffer.hpp"
#include "harness/stream_hold.hpp"
#include "kernels/probe/clock_probe.hpp"
#include "model/device_info.hpp"
#include "model/gemm_shapes.hpp"
#include "model/profile.hpp"
#include "model/sample_log.hpp"
#include "model/sample_series.hpp"
#include "model/sampling_budget.hpp"
#include "model/spec_database.hpp"
#include "model/telemetry.hpp"

namespace gpubench {

struct RunOptions {
  Profile profile = quick_profile();               // repetitions, sampling budget, sizes
  std::optional<std::int64_t> stream_array_bytes;  // --bytes
  bool inspect_kernels = true;  // CUPTI's look at each GEMM's kernels (off: --no-inspect)
  // Where the timing loop records every sample (--samples-out); null records none.
  SampleLog* sample_log = nullptr;
  // The run's sampling time as one pool (issue 27): what a repetition that converged early left,
  // lent to one whose median is not yet known when its share is spent. Null: every repetition
  // samples within its own share.
  SamplingBudget* sampling_budget = nullptr;
  // Diagnostic timing (issue 27's GPU step; the results file says so in gpubench_timing): false
  // skips the L2 flush before timed launches (--no-l2-flush), so a figure can be faster than one
  // cold launch; launches_per_sample > 1 times that many back-to-back launches per sample
  // (--batch N), the flush (if any) before the first only.
  bool flush_l2 = true;
  int launches_per_sample = 1;
  // Whether the stream is held while a sample's launches are queued (stream_hold.hpp), so that
  // the host's time to submit them is not timed; false (--no-stream-hold) is diagnostic.
  bool hold_stream = true;
  // Sizes a person gave (issue 24); empty: the profile's. The GEMM suite runs these rows instead
  // of the profile's (--gemm, --gemm-file); the memory suite's host-device rows take these sizes
  // (--transfer-sizes), its L2 sweep and pointer chase these working sets (--sweep-sizes).
  std::vector<CustomGemmRow> custom_gemms;
  std::vector<std::int64_t> transfer_bytes;
  std::vector<std::int64_t> sweep_bytes;
};

class SuiteContext {
 public:
  SuiteContext(DeviceInfo device, SpecSheet sheet, std::optional<SpecSheet> counterpart,
               RunOptions options);
  SuiteContext(const SuiteContext&) = delete;
  SuiteContext& operator=(const SuiteContext&) = delete;

  const DeviceInfo& device() const { return device_; }
  const SpecSheet& sheet() const { return sheet_; }
  const std::optional<SpecSheet>& counterpart() const { return counterpart_; }
  const RunOptions& options() const { return options_; }
  cudaStream_t stream() const { return stream_.get(); }
  std::int64_t free_memory_bytes() const;

  // The buffers under `key`, made by `make` (returning T or std::shared_ptr<T>) on first use.
  // Only the latest key is kept, so one benchmark family's gigabytes are freed before the next
  // family allocates its own.
  template <typename T, typename Make>
  T& cached(const std::string& key, Make make) {
    if (cache_key_ != key || !cache_.has_value()) {
      cache_.reset();  // free the previous family's buffers first
      cache_key_.clear();
      if constexpr (std::is_same_v<std::invoke_result_t<Make>, std::shared_ptr<T>>) {
        cache_ = make();
      } else {
        cache_ = std::make_shared<T>(make());
      }
      cache_key_ = key;
    }
    return *std::any_cast<std::shared_ptr<T>&>(cache_);
  }
  void release_cache() {
    cache_.reset();
    cache_key_.clear();
  }

  // The SM clock now, measured on the device (clock64 against %globaltimer over ~1 ms).
  double measure_sm_clock_mhz();

  // What time_launches judges throttled samples against (see sample_series.hpp).
  std::optional<ReferenceClock> throttle_reference_clock() const;

  // A 2 x L2 buffer to overwrite before a timed launch when the cache must start cold.
  void flush_l2();

  // NVML telemetry for this device, opened on first use; nullptr (said once on stderr) when NVML
  // or the device is unavailable, so sampling becomes a no-op.
  const TelemetrySource* telemetry();

  // What holds the stream while a sample's launches are queued (stream_hold.hpp), made on first
  // use; nullptr with --no-stream-hold, or (said once on stderr) where it cannot be made.
  StreamHold* stream_hold();
  // How launches are timed, for the results file (gpubench_timing_method): with the stream held,
  // or without and why. Opens the hold.
  std::string timing_method();

  // Whether `benchmark`'s launches have run in this process (a warm-up or a sampling loop that
  // completed), so that a later repetition needs no warm-up and may hold its first sample.
  bool launched(const std::string& benchmark) const { return launched_.contains(benchmark); }
  void mark_launched(const std::string& benchmark) { launched_.insert(benchmark); }

  // True the first time it is asked for `benchmark`: its one sustained power window.
  bool claim_sustained_window(const std::string& benchmark) {
    return sustained_windows_.insert(benchmark).second;
  }

 private:
  DeviceInfo device_;
  SpecSheet sheet_;
  std::optional<SpecSheet> counterpart_;
  RunOptions options_;
  OwnedStream stream_;
  DeviceBuffer<probe::ClockSample> clock_sample_{1};
  DeviceBuffer<unsigned char> l2_flush_;
  std::string cache_key_;
  std::any cache_;
  std::set<std::string> sustained_windows_;
  std::set<std::string> launched_;
  bool telemetry_opened_ = false;
  bool stream_hold_opened_ = false;
  std::optional<StreamHold> stream_hold_;
  std::string stream_hold_problem_;  // why there is none, when it could not be made
  std::unique_ptr<TelemetrySource> telemetry_;
};

}  // namespace gpubench
