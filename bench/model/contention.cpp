#include "model/contention.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "gpubench/counters.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

bool in_window(const TelemetrySample& sample, double from_s, double to_s) {
  return sample.time_s >= from_s && sample.time_s <= to_s;
}

bool lists_pid(const TelemetrySample& sample, std::uint32_t pid) {
  if (sample.compute_process_ids &&
      std::find(sample.compute_process_ids->begin(), sample.compute_process_ids->end(), pid) !=
          sample.compute_process_ids->end()) {
    return true;
  }
  return sample.process_sm_pct &&
         std::any_of(sample.process_sm_pct->begin(), sample.process_sm_pct->end(),
                     [pid](const ProcessSmUtilization& use) { return use.pid == pid; });
}

// What the window's samples listed, merged.
struct Listed {
  std::set<std::uint32_t> compute;        // every PID with a compute context
  std::set<std::uint32_t> graphics_only;  // a graphics context and never a compute one
  std::map<std::uint32_t, double> sm_peak;
  std::map<std::uint32_t, std::uint32_t> gpu_instance;  // under MIG
  bool compute_listed = false;  // the driver gave the compute list at least once
  bool sm_reported = false;     // ... and per-process utilization at least once
};

Listed collect(const std::vector<TelemetrySample>& samples, double from_s, double to_s) {
  Listed listed;
  std::set<std::uint32_t> graphics;
  for (const TelemetrySample& sample : samples) {
    if (!in_window(sample, from_s, to_s)) continue;
    if (sample.compute_process_ids) {
      listed.compute_listed = true;
      listed.compute.insert(sample.compute_process_ids->begin(), sample.compute_process_ids->end());
    }
    graphics.insert(sample.graphics_process_ids.begin(), sample.graphics_process_ids.end());
    if (sample.process_sm_pct) {
      listed.sm_reported = true;
      for (const ProcessSmUtilization& use : *sample.process_sm_pct)
        listed.sm_peak[use.pid] = std::max(listed.sm_peak[use.pid], use.sm_pct);
    }
    for (const auto& [pid, instance] : sample.process_gpu_instances)
      listed.gpu_instance[pid] = instance;
  }
  for (const std::uint32_t pid : graphics) {
    if (!listed.compute.contains(pid)) listed.graphics_only.insert(pid);
  }
  return listed;
}

std::string pid_shares(const std::vector<std::pair<std::uint32_t, double>>& shares) {
  std::vector<std::string> parts;
  for (const auto& [pid, pct] : shares)
    parts.push_back(fmt::format("pid {} ({:.0f}%)", pid, pct));
  return fmt::format("{}", fmt::join(parts, ", "));
}

int rank(ContentionState state) {
  switch (state) {
    case ContentionState::kContended:
      return 2;
    case ContentionState::kCannotTell:
      return 1;
    case ContentionState::kClean:
      break;
  }
  return 0;
}

// Contended outranks "cannot tell", which outranks clean; the first reason of a rank stays.
void mark(ContentionFinding& finding, ContentionState state, std::string reason) {
  if (rank(state) <= rank(finding.state)) return;
  finding.state = state;
  finding.contended = state == ContentionState::kContended;
  finding.reason = std::move(reason);
}

// The desktop's graphics-only processes: display activity, or contention when together they took
// more of the SMs than policy.display_sm_pct.
void judge_display(const Listed& listed, const ContentionPolicy& policy,
                   ContentionFinding& finding) {
  std::vector<std::pair<std::uint32_t, double>> shares;
  double total_pct = 0;
  for (const std::uint32_t pid : listed.graphics_only) {
    const auto use = listed.sm_peak.find(pid);
    if (use == listed.sm_peak.end() || use->second <= 0) continue;
    shares.emplace_back(pid, use->second);
    total_pct += use->second;
  }
  if (shares.empty()) return;
  if (total_pct > policy.display_sm_pct) {
    mark(finding, ContentionState::kContended,
         fmt::format("the display's graphics processes used {:.0f}% of the SMs: {}", total_pct,
                     pid_shares(shares)));
  } else {
    finding.display = "display activity: " + pid_shares(shares);
  }
}

// Without gpubench's own PID: a list of two or more can be judged only when two used the SMs.
void judge_unknown_self(const Listed& listed, const ContentionPolicy& policy,
                        ContentionFinding& finding) {
  std::vector<std::pair<std::uint32_t, double>> active;
  for (const auto& [pid, pct] : listed.sm_peak) {
    if (!listed.graphics_only.contains(pid) && pct > policy.other_process_sm_pct)
      active.emplace_back(pid, pct);
  }
  finding.other_process_ids.assign(listed.compute.begin(), listed.compute.end());
  if (active.size() >= 2) {  // at most one of them is gpubench
    mark(finding, ContentionState::kContended,
         fmt::format("other processes on the SMs: {}", pid_shares(active)));
    return;
  }
  mark(finding, ContentionState::kCannotTell,
       fmt::format("gpubench's own PID is not among NVML's (host) PIDs {}, so it cannot tell "
                   "which one is gpubench",
                   fmt::join(listed.compute, ", ")));
}

// The processes other than gpubench that can share its GPU (under MIG: its slice's).
std::vector<std::uint32_t> neighbours(const Listed& listed, std::uint32_t own,
                                      const ContentionScope& scope, bool& slice_unknown) {
  std::vector<std::uint32_t> others;
  const auto own_instance = listed.gpu_instance.find(own);
  slice_unknown = scope.mig_slice && own_instance == listed.gpu_instance.end();
  for (const std::uint32_t pid : listed.compute) {
    if (pid == own) continue;
    if (scope.mig_slice && !slice_unknown) {
      const auto instance = listed.gpu_instance.find(pid);
      if (instance != listed.gpu_instance.end() && instance->second != own_instance->second)
        continue;  // another slice's tenant
    }
    others.push_back(pid);
  }
  return others;
}

void judge_processes(const Listed& listed, std::uint32_t own, const ContentionScope& scope,
                     const ContentionPolicy& policy, ContentionFinding& finding) {
  bool slice_unknown = false;
  const std::vector<std::uint32_t> others = neighbours(listed, own, scope, slice_unknown);
  finding.other_process_ids = others;
  if (slice_unknown && !others.empty()) {
    mark(finding, ContentionState::kCannotTell,
         fmt::format("MIG is on and NVML did not say which slice pids {} use",
                     fmt::join(others, ", ")));
    return;
  }
  std::vector<std::pair<std::uint32_t, double>> active;
  for (const auto& [pid, pct] : listed.sm_peak) {
    if (pid != own && !listed.graphics_only.contains(pid) && pct > policy.other_process_sm_pct)
      active.emplace_back(pid, pct);
  }
  if (!active.empty()) {
    mark(finding, ContentionState::kContended,
         fmt::format("other process{} on the SMs: {}", active.size() > 1 ? "es" : "",
                     pid_shares(active)));
  } else if (!others.empty() && !listed.sm_reported) {
    mark(finding, ContentionState::kContended,
         fmt::format("another process had a compute context{} ({}; its SM use is not reported)",
                     scope.mig_slice ? " on this MIG slice" : "", fmt::join(others, ", ")));
  }
  judge_display(listed, policy, finding);
}

// gpubench's largest possible share of the GPU's time over [begin_s, end_s]: its launches, plus
// every moment its work is not known (it may have had unrecorded work then).
double own_busy_at_most(const OwnActivity& own, double begin_s, double end_s) {
  return busy_fraction(own.launches, begin_s, end_s) + 1 - busy_fraction(own.known, begin_s, end_s);
}

// NVML's GPU utilization against gpubench's largest possible duty cycle.
void judge_busy(const std::vector<TelemetrySample>& samples, const OwnActivity& own, double from_s,
                double to_s, const ContentionPolicy& policy, ContentionFinding& finding) {
  for (const TelemetrySample& sample : samples) {
    if (!in_window(sample, from_s, to_s) || !sample.gpu_busy_pct) continue;
    double own_pct = 0;
    for (const double period_s : policy.utilization_periods_s) {
      own_pct =
          std::max(own_pct, 100 * own_busy_at_most(own, sample.time_s - period_s, sample.time_s));
    }
    own_pct = std::min(own_pct, 100.0);
    if (*sample.gpu_busy_pct - own_pct > policy.busy_excess_pct) {
      mark(finding, ContentionState::kContended,
           fmt::format("GPU {:.0f}% busy while gpubench's launches kept it at most {:.0f}% busy",
                       *sample.gpu_busy_pct, own_pct));
      return;
    }
  }
}

}  // namespace

double busy_fraction(const std::vector<BusyInterval>& intervals, double from_s, double to_s) {
  if (to_s <= from_s) return 0;
  std::vector<BusyInterval> clipped;
  for (const BusyInterval& interval : intervals) {
    const double begin = std::max(interval.begin_s, from_s);
    const double end = std::min(interval.end_s, to_s);
    if (end > begin) clipped.push_back({begin, end});
  }
  std::sort(clipped.begin(), clipped.end(),
            [](const auto& a, const auto& b) { return a.begin_s < b.begin_s; });
  double covered = 0, reached = from_s;
  for (const BusyInterval& interval : clipped) {
    const double begin = std::max(interval.begin_s, reached);
    if (interval.end_s > begin) covered += interval.end_s - begin;
    reached = std::max(reached, interval.end_s);
  }
  return covered / (to_s - from_s);
}

ContentionFinding detect_contention(const std::vector<TelemetrySample>& samples,
                                    const OwnActivity& own, const ContentionScope& scope,
                                    double from_s, double to_s, const ContentionPolicy& policy) {
  ContentionFinding finding;
  const Listed listed = collect(samples, from_s, to_s);
  std::optional<std::uint32_t> own_pid = scope.own_pid;
  // Without its own PID: gpubench has a context, so a list of one is gpubench.
  if (!own_pid && listed.compute.size() == 1) own_pid = *listed.compute.begin();
  if (own_pid) {
    judge_processes(listed, *own_pid, scope, policy, finding);
  } else if (listed.compute.size() >= 2) {
    judge_unknown_self(listed, policy, finding);
  }
  if (!finding.contended) judge_busy(samples, own, from_s, to_s, policy, finding);
  // Without a process list a neighbour shows only when it keeps the GPU busy: not "clean".
  if (!listed.compute_listed) {
    mark(finding, ContentionState::kCannotTell,
         scope.mig_slice ? "MIG is on and NVML lists no processes for the slice"
                         : "this driver lists no processes on the GPU, so a neighbour shows only "
                           "when it keeps the GPU busy");
  }
  return finding;
}

ContentionFinding detect_contention(const std::vector<TelemetrySample>& samples,
                                    const std::vector<BusyInterval>& own_launches,
                                    std::uint32_t own_pid, double from_s, double to_s,
                                    const ContentionPolicy& policy) {
  ContentionScope scope;
  if (std::any_of(samples.begin(), samples.end(),
                  [own_pid](const auto& s) { return lists_pid(s, own_pid); })) {
    scope.own_pid = own_pid;
  }
  OwnActivity own{own_launches, {}};
  const double begin_s = samples.empty() ? from_s : samples.front().time_s;
  own.known.push_back({begin_s, to_s});
  return detect_contention(samples, own, scope, from_s, to_s, policy);
}

std::optional<std::uint32_t> identify_own_pid(const std::vector<std::uint32_t>& before,
                                              const std::vector<std::uint32_t>& after,
                                              std::uint32_t own_pid) {
  if (std::find(after.begin(), after.end(), own_pid) != after.end()) return own_pid;
  std::optional<std::uint32_t> appeared;
  for (const std::uint32_t pid : after) {
    if (std::find(before.begin(), before.end(), pid) != before.end()) continue;
    if (appeared) return std::nullopt;  // two new contexts: which one is gpubench is unknown
    appeared = pid;
  }
  return appeared;
}

std::string contention_label(const ContentionFinding& finding) {
  std::vector<std::string> parts;
  if (finding.state == ContentionState::kContended) parts.push_back("contended: " + finding.reason);
  if (finding.state == ContentionState::kCannotTell)
    parts.push_back("contention unknown: " + finding.reason);
  if (!finding.display.empty()) parts.push_back(finding.display);
  return clipped_text(fmt::format("{}", fmt::join(parts, "; ")));  // hundreds of PIDs stay short
}

std::map<std::string_view, double> contention_counters(const ContentionFinding& finding) {
  std::map<std::string_view, double> values;
  if (finding.state == ContentionState::kContended) values[counters::kContended] = 1;
  if (finding.state == ContentionState::kCannotTell) values[counters::kContentionUnknown] = 1;
  if (!finding.display.empty()) values[counters::kDisplayActivity] = 1;
  return values;
}

}  // namespace gpubench
