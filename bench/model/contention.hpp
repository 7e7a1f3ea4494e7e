#pragma once
// Whether the GPU was shared while a benchmark ran, judged from the telemetry timeline recorded
// during it: other processes with a compute context (NVML's list of compute processes), their
// share of the SMs (NVML's per-process utilization), and the GPU kept busier than gpubench's own
// launches account for (NVML's GPU utilization against gpubench's duty cycle). A figure measured
// on a shared GPU describes the sharing, not the card. Pure, so the CPU tests drive it.

#include <cstdint>
#include <string>
#include <vector>

#include "model/telemetry.hpp"

namespace gpubench {

// A span in which gpubench had work on the GPU, on the samples' time base.
struct BusyInterval {
  double begin_s = 0;
  double end_s = 0;
};

struct ContentionPolicy {
  double other_process_sm_pct = 5;  // another process using more of the SMs shares the GPU
  // NVML's GPU utilization above gpubench's own duty cycle by more than this shares the GPU.
  double busy_excess_pct = 30;
  // NVML averages utilization over 1/6 s to 1 s depending on the product; a reading is compared
  // with gpubench's duty cycle over the longest such period before it.
  double utilization_period_s = 1.0;
};

struct ContentionFinding {
  bool contended = false;
  std::vector<std::uint32_t> other_process_ids;  // seen with a compute context in the window
  std::string reason;  // one phrase for the label and the run summary; empty when not contended
};

// Judges the samples in [from_s, to_s]. own_pid identifies gpubench in NVML's lists; when it never
// appears (a container's PID namespace), gpubench is taken to be one of the listed processes, so
// only a second one counts. A process with a compute context counts as sharing when it used the
// SMs, or when the driver does not report per-process utilization at all (it cannot be ruled out).
ContentionFinding detect_contention(const std::vector<TelemetrySample>& samples,
                                    const std::vector<BusyInterval>& own_launches,
                                    std::uint32_t own_pid, double from_s, double to_s,
                                    const ContentionPolicy& policy = {});

// The fraction of [from_s, to_s] covered by the intervals (overlaps counted once).
double busy_fraction(const std::vector<BusyInterval>& intervals, double from_s, double to_s);

}  // namespace gpubench
