#include "harness/suite_context.hpp"

#include <fmt/format.h>

#include "model/stream_hold_rule.hpp"
#include "platform/nvml_library.hpp"

namespace gpubench {

SuiteContext::SuiteContext(DeviceInfo device, SpecSheet sheet, std::optional<SpecSheet> counterpart,
                           RunOptions options)
    : device_(std::move(device)),
      sheet_(std::move(sheet)),
      counterpart_(std::move(counterpart)),
      options_(options) {}

std::int64_t SuiteContext::free_memory_bytes() const {
  std::size_t free_bytes = 0;
  std::size_t total_bytes = 0;
  GPUBENCH_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  return static_cast<std::int64_t>(free_bytes);
}

double SuiteContext::measure_sm_clock_mhz() {
  probe::launch_clock_probe(clock_sample_.get(), 1'000'000, stream());
  probe::ClockSample sample{};
  GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(&sample, clock_sample_.get(), sizeof sample,
                                      cudaMemcpyDeviceToHost, stream()));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream()));
  return probe::clock_mhz(sample);
}

std::optional<ReferenceClock> SuiteContext::throttle_reference_clock() const {
  std::optional<double> nvml_max;
  if (device_.nvml && device_.nvml->sm_clock_max_mhz) nvml_max = *device_.nvml->sm_clock_max_mhz;
  return gpubench::throttle_reference_clock(sheet_.number("boost_clock_mhz"), nvml_max,
                                            static_cast<double>(device_.sm_clock_mhz));
}

void SuiteContext::flush_l2() {
  if (l2_flush_.size() == 0) {
    l2_flush_ = DeviceBuffer<unsigned char>(static_cast<std::size_t>(2 * device_.l2_cache_bytes));
  }
  GPUBENCH_CUDA_CHECK(cudaMemsetAsync(l2_flush_.get(), 0x5a, l2_flush_.bytes(), stream()));
}

const TelemetrySource* SuiteContext::telemetry() {
  if (!telemetry_opened_) {
    telemetry_opened_ = true;
    std::string problem;
    // The compute list from before gpubench's context existed tells its own (host) PID apart.
    telemetry_ =
        open_nvml_telemetry(device_.pci_bus_id, problem,
                            device_.nvml ? device_.nvml->compute_process_ids : std::nullopt);
    if (!telemetry_) {
      fmt::print(stderr, "gpubench: warning: no power/clock telemetry: {}\n", problem);
    }
  }
  return telemetry_.get();
}

StreamHold* SuiteContext::stream_hold() {
  if (!options_.hold_stream) return nullptr;
  if (!stream_hold_opened_) {
    stream_hold_opened_ = true;
    stream_hold_ = StreamHold::open(stream_hold_problem_);
    if (!stream_hold_) {
      fmt::print(stderr,
                 "gpubench: warning: launches are timed without holding the stream ({}), so "
                 "short figures include the host's time to submit them\n",
                 stream_hold_problem_);
    }
  }
  return stream_hold_ ? &*stream_hold_ : nullptr;
}

std::string SuiteContext::timing_method() {
  constexpr std::string_view kEvents = "CUDA events around each sample";
  if (!options_.hold_stream) return fmt::format("{}; stream not held (--no-stream-hold)", kEvents);
  if (stream_hold() == nullptr) {
    return fmt::format("{}; stream not held: {}", kEvents, stream_hold_problem_);
  }
  return fmt::format(
      "{}, its first {} launches queued behind a stream hold before the start "
      "event",
      kEvents, kMaxHeldLaunches);
}

}  // namespace gpubench
