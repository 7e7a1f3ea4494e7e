#pragma once
// Whether the GPU was shared while a benchmark ran, judged from the telemetry timeline recorded
// during it: other processes with a compute context (NVML's list of compute processes), their
// share of the SMs (NVML's per-process utilization), the desktop's own graphics processes (NVML's
// list of graphics processes: display activity, not contention, unless it takes enough of the SMs
// to move a figure), and the GPU kept busier than gpubench's own launches account for (NVML's GPU
// utilization against gpubench's duty cycle). A figure measured on a shared GPU describes the
// sharing, not the card. Where NVML cannot see (a MIG slice, WSL 2, a container whose own PID was
// not found) the answer is "cannot tell", never silently "clean" or "contended". Pure, so the CPU
// tests drive it. docs/platforms.md says what each box's driver shows.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/telemetry.hpp"

namespace gpubench {

// A span in which gpubench had work on the GPU, on the samples' time base.
struct BusyInterval {
  double begin_s = 0;
  double end_s = 0;
};

struct ContentionPolicy {
  double other_process_sm_pct = 5;  // another compute process using more of the SMs shares the GPU
  // Graphics-only processes (the desktop) are display activity up to this much SM use together;
  // above it they take enough of the SMs to move a figure and share the GPU (docs/platforms.md).
  double display_sm_pct = 15;
  // NVML's GPU utilization above gpubench's own duty cycle by more than this shares the GPU.
  double busy_excess_pct = 30;
  // NVML averages utilization over 1/6 s to 1 s depending on the product (nvmlDeviceGetSamples,
  // NVML API reference): a reading is compared with gpubench's duty cycle over each such period
  // before it, and flags only when it exceeds all of them.
  std::vector<double> utilization_periods_s{1.0 / 6, 1.0};
};

// What gpubench knows about itself and the box when it judges.
struct ContentionScope {
  // gpubench as NVML lists it (its host PID inside a container); empty when it was not found.
  std::optional<std::uint32_t> own_pid;
  // MIG on: NVML's lists are the parent GPU's (every slice's tenants), and the driver reports
  // neither per-process nor device utilization; only processes on gpubench's slice can share it.
  bool mig_slice = false;
};

// What gpubench did on the GPU: its launches, and the spans in which every launch it made is in
// `launches` (outside them, e.g. between benchmarks, it may have had unrecorded work).
struct OwnActivity {
  std::vector<BusyInterval> launches;
  std::vector<BusyInterval> known;
};

enum class ContentionState { kClean, kContended, kCannotTell };

struct ContentionFinding {
  ContentionState state = ContentionState::kClean;
  bool contended = false;                        // state == kContended
  std::vector<std::uint32_t> other_process_ids;  // seen with a compute context in the window
  std::string reason;  // one phrase for the label and the run summary: why contended or unknown
  // "display activity: pid 1201 (3%), pid 1402 (2%)" when graphics-only processes used the SMs
  // without sharing the GPU enough to move a figure; empty otherwise.
  std::string display;
};

// Judges the samples in [from_s, to_s]. A process with a compute context counts as sharing when
// it used the SMs, or when the driver does not report per-process utilization at all (it cannot
// be ruled out). Without gpubench's own PID, a list of one is gpubench; two or more are told
// apart only when at least two used the SMs (else "cannot tell").
ContentionFinding detect_contention(const std::vector<TelemetrySample>& samples,
                                    const OwnActivity& own, const ContentionScope& scope,
                                    double from_s, double to_s,
                                    const ContentionPolicy& policy = {});

// The same, with gpubench known by own_pid where it appears in the samples' lists (else not
// known), and its launches known from the first sample on.
ContentionFinding detect_contention(const std::vector<TelemetrySample>& samples,
                                    const std::vector<BusyInterval>& own_launches,
                                    std::uint32_t own_pid, double from_s, double to_s,
                                    const ContentionPolicy& policy = {});

// gpubench's PID as NVML lists it: own_pid when listed after its context was created, else the
// one PID that appeared in the compute list between `before` (listed before gpubench created its
// context) and `after`; empty when none or several appeared (a neighbour started meanwhile).
std::optional<std::uint32_t> identify_own_pid(const std::vector<std::uint32_t>& before,
                                              const std::vector<std::uint32_t>& after,
                                              std::uint32_t own_pid);

// The label text of a finding ("contended: ...", "contention unknown: ...", "display activity:
// ..."), joined with "; "; empty when clean and quiet.
std::string contention_label(const ContentionFinding& finding);
// The counters a finding sets: contended, contention_unknown, display_activity (each 1 when so).
std::map<std::string_view, double> contention_counters(const ContentionFinding& finding);

// The fraction of [from_s, to_s] covered by the intervals (overlaps counted once).
double busy_fraction(const std::vector<BusyInterval>& intervals, double from_s, double to_s);

}  // namespace gpubench
