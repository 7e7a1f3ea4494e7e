#pragma once
// GPU telemetry during a benchmark's timed loop: what one NVML sample holds, and how a series of
// them becomes the figures gpubench records (pure, so the CPU tests check the arithmetic).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gpubench {

// One process's share of the SMs over NVML's last sample period.
struct ProcessSmUtilization {
  std::uint32_t pid = 0;
  double sm_pct = 0;
};

// One reading; each field is empty when the driver or board does not report it.
struct TelemetrySample {
  double time_s = 0;  // since sampling started
  std::optional<double> power_w;
  std::optional<double> sm_clock_mhz;
  std::optional<double> memory_clock_mhz;
  std::optional<double> temperature_c;
  std::optional<std::uint64_t> energy_mj;  // the board's running energy counter, millijoules
  std::optional<std::uint64_t> clock_event_reasons;  // NVML clock-event (throttle) bitmask
  // Percent of NVML's last sample period (1/6 s to 1 s, by product) in which any kernel ran.
  std::optional<double> gpu_busy_pct;
  // Every process with a compute context on the GPU (host PIDs: inside a container they need not
  // include this process's own PID).
  std::optional<std::vector<std::uint32_t>> compute_process_ids;
  // The processes the driver saw using the SMs since the previous reading (an empty list: none).
  std::optional<std::vector<ProcessSmUtilization>> process_sm_pct;
  // Every process with a graphics context (Xorg, a compositor, a GPU-drawn terminal): NVML lists
  // them apart from the compute processes (nvmlDeviceGetGraphicsRunningProcesses); empty also
  // when not reported.
  std::vector<std::uint32_t> graphics_process_ids;
  // Under MIG: the GPU instance (slice) of each listed compute process, pid -> instance id.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> process_gpu_instances;
  // The driver answered NVML_ERROR_NOT_SUPPORTED for per-process utilization (MIG, WSL 2): no
  // reading will ever come, as opposed to none in this period.
  bool process_sm_unsupported = false;
  // A query answered NVML_ERROR_GPU_IS_LOST: the GPU fell off the bus or became inaccessible.
  bool gpu_lost = false;
};

// Something that can be sampled: NVML on a real GPU, a script in the tests.
class TelemetrySource {
 public:
  virtual ~TelemetrySource() = default;
  // Fills every field but time_s and the process fields.
  virtual TelemetrySample sample() const = 0;
  // Also the compute processes and their SM use since the previous such call (slower: a few
  // NVML queries more). By default: sample().
  virtual TelemetrySample sample_with_processes() const { return sample(); }
  // The power limit the board enforces, which every power reading is checked against.
  virtual std::optional<double> enforced_power_limit_w() const { return std::nullopt; }
  // gpubench as NVML lists it: its own PID on bare metal, its host PID inside a container (found
  // when its context appeared in the list); empty when it could not be told apart.
  virtual std::optional<std::uint32_t> own_process_id() const { return std::nullopt; }
  // MIG is on: the lists are the whole GPU's, per-process and device utilization unreported.
  virtual bool mig_slice() const { return false; }
};

enum class EnergySource { kNone, kEnergyCounter, kIntegratedPower };

struct TelemetrySummary {
  std::size_t samples = 0;
  double duration_s = 0;  // first to last sample
  std::optional<double> sm_clock_mean_mhz;
  std::optional<double> sm_clock_min_mhz;
  std::optional<double> memory_clock_mhz;  // mean
  std::optional<double> power_mean_w;      // energy / duration
  std::optional<double> energy_j;
  std::optional<double> temperature_max_c;
  std::uint64_t clock_event_reasons = 0;  // every reason seen in any sample
  EnergySource energy_source = EnergySource::kNone;
};

// Clocks: mean and minimum of the samples. Energy: the energy counter's increase from the first
// sample to the last where every sample has the counter and it rose, else the trapezoid integral
// of power over time. Mean power: energy / duration, or the single reading when there is one.
TelemetrySummary summarize_telemetry(const std::vector<TelemetrySample>& samples);

}  // namespace gpubench
