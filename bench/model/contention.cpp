#include "model/contention.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

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

// The other processes with a compute context, and whether any was listed at all beyond gpubench.
struct Presence {
  std::set<std::uint32_t> others;
  bool present = false;
};

Presence other_processes(const std::vector<TelemetrySample>& samples, std::uint32_t own_pid,
                         bool own_seen, double from_s, double to_s) {
  Presence presence;
  std::size_t most_listed = 0;
  for (const TelemetrySample& sample : samples) {
    if (!in_window(sample, from_s, to_s) || !sample.compute_process_ids) continue;
    most_listed = std::max(most_listed, sample.compute_process_ids->size());
    for (const std::uint32_t pid : *sample.compute_process_ids) {
      if (pid != own_pid) presence.others.insert(pid);
    }
  }
  // Without its own PID in the lists, gpubench is one of the listed processes.
  presence.present = own_seen ? !presence.others.empty() : most_listed >= 2;
  if (!presence.present) presence.others.clear();
  return presence;
}

// The largest SM share each process other than gpubench reached; empty map and false when the
// driver reported no per-process utilization in the window.
std::map<std::uint32_t, double> sm_shares(const std::vector<TelemetrySample>& samples,
                                          std::uint32_t own_pid, bool own_seen, double from_s,
                                          double to_s, bool& reported) {
  std::map<std::uint32_t, double> peak;
  reported = false;
  for (const TelemetrySample& sample : samples) {
    if (!in_window(sample, from_s, to_s) || !sample.process_sm_pct) continue;
    reported = true;
    for (const ProcessSmUtilization& use : *sample.process_sm_pct) {
      if (own_seen && use.pid == own_pid) continue;
      peak[use.pid] = std::max(peak[use.pid], use.sm_pct);
    }
  }
  return peak;
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
                                    const std::vector<BusyInterval>& own_launches,
                                    std::uint32_t own_pid, double from_s, double to_s,
                                    const ContentionPolicy& policy) {
  ContentionFinding finding;
  const bool own_seen = std::any_of(samples.begin(), samples.end(),
                                    [own_pid](const auto& s) { return lists_pid(s, own_pid); });
  const Presence presence = other_processes(samples, own_pid, own_seen, from_s, to_s);
  finding.other_process_ids.assign(presence.others.begin(), presence.others.end());

  bool reported = false;
  const auto shares = sm_shares(samples, own_pid, own_seen, from_s, to_s, reported);
  std::vector<std::string> active;
  for (const auto& [pid, pct] : shares) {
    if (pct > policy.other_process_sm_pct) active.push_back(fmt::format("{} ({:.0f}%)", pid, pct));
  }
  // Without its own PID known, one active process may be gpubench itself.
  if (own_seen ? !active.empty() : active.size() >= 2) {
    finding.contended = true;
    finding.reason = fmt::format("other process{} on the SMs: {}", active.size() > 1 ? "es" : "",
                                 fmt::join(active, ", "));
    return finding;
  }
  if (presence.present && !reported) {
    finding.contended = true;
    finding.reason =
        fmt::format("another process had a compute context ({}; its SM use is not reported)",
                    fmt::join(finding.other_process_ids, ", "));
    return finding;
  }
  const double timeline_begin_s = samples.empty() ? from_s : samples.front().time_s;
  for (const TelemetrySample& sample : samples) {
    if (!in_window(sample, from_s, to_s) || !sample.gpu_busy_pct) continue;
    const double period_begin_s = sample.time_s - policy.utilization_period_s;
    if (period_begin_s < timeline_begin_s) continue;  // gpubench's launches there are unknown
    const double own_pct = 100 * busy_fraction(own_launches, period_begin_s, sample.time_s);
    if (*sample.gpu_busy_pct - own_pct > policy.busy_excess_pct) {
      finding.contended = true;
      finding.reason =
          fmt::format("GPU {:.0f}% busy while gpubench's launches kept it {:.0f}% busy",
                      *sample.gpu_busy_pct, own_pct);
      return finding;
    }
  }
  return finding;
}

}  // namespace gpubench
