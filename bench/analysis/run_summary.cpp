#include "analysis/run_summary.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/counters.hpp"

namespace gpubench {
namespace {

struct Headline {
  std::string_view counter;
  const char* unit;
};
constexpr Headline kHeadlines[] = {{counters::kBandwidthGbs, "GB/s"},
                                   {counters::kTflops, "TFLOPS"},
                                   {counters::kTops, "TOPS"},
                                   {counters::kLatencyNs, "ns"}};

std::string short_name(const std::string& run_name) {
  const std::string suffix = "/manual_time";
  if (run_name.size() > suffix.size() &&
      run_name.compare(run_name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return run_name.substr(0, run_name.size() - suffix.size());
  }
  return run_name;
}

std::string cell(const CounterMap& values, std::string_view key, const char* format) {
  const auto it = values.find(std::string(key));
  return it == values.end() ? "" : fmt::format(fmt::runtime(format), it->second);
}

// "  name: 50% of the repetitions" when the mean of `counter` (1 per marked repetition) is > 0.
void add_share_note(const CounterMap& mean_counters, std::string_view counter,
                    const std::string& name, std::vector<std::string>& notes) {
  if (const auto marked = mean_counters.find(std::string(counter));
      marked != mean_counters.end() && marked->second > 0) {
    notes.push_back(
        fmt::format("  {}: {:.0f}% of the repetitions\n", short_name(name), marked->second * 100));
  }
}

// `header` and the notes under it, when there are any.
void append_notes(std::string& out, std::string_view header,
                  const std::vector<std::string>& notes) {
  if (notes.empty()) return;
  out += header;
  for (const std::string& note : notes)
    out += note;
}

}  // namespace

std::set<std::string> contended_benchmarks(const ResultsFile& results) {
  std::set<std::string> names;
  for (const BenchmarkRecord& record : results.benchmarks) {
    const auto it = record.counters.find(std::string(counters::kContended));
    if (record.run_type != "aggregate" && it != record.counters.end() && it->second > 0) {
      names.insert(record.run_name);
    }
  }
  return names;
}

ExitCode run_exit_code(const ResultsFile& results, bool strict) {
  for (const BenchmarkRecord& record : results.benchmarks) {
    if (record.error_occurred) return ExitCode::kRegressionOrFailedCheck;
  }
  return strict && !contended_benchmarks(results).empty() ? ExitCode::kRegressionOrFailedCheck
                                                          : ExitCode::kOk;
}

std::string format_run_summary(const ResultsFile& results) {
  std::map<std::string, const BenchmarkRecord*> medians, means, spreads;
  std::vector<std::string> order;
  std::set<std::string> failed;
  for (const BenchmarkRecord& record : results.benchmarks) {
    if (record.error_occurred) {
      if (failed.insert(record.run_name).second) order.push_back(record.run_name);
      continue;
    }
    if (record.aggregate_name == "median") {
      if (!medians.contains(record.run_name)) order.push_back(record.run_name);
      medians[record.run_name] = &record;
    } else if (record.aggregate_name == "mean") {
      means[record.run_name] = &record;
    } else if (record.aggregate_name == "cv") {
      spreads[record.run_name] = &record;
    }
  }
  std::string out =
      fmt::format("{:<52} {:>14} {:>7} {:>7} {:>9} {:>8} {:>8}\n", "benchmark (median)", "figure",
                  "cv", "noise", "% spec", "vs other", "SM MHz");
  std::vector<std::string> throttle_notes, contended_notes, unknown_notes, display_notes;
  for (const std::string& name : order) {
    if (failed.contains(name)) {
      out += fmt::format("{:<52} {:>14}\n", short_name(name), "FAILED");
      continue;
    }
    const BenchmarkRecord& median = *medians.at(name);
    std::string figure, spread;
    for (const Headline& headline : kHeadlines) {
      const auto it = median.counters.find(std::string(headline.counter));
      if (it == median.counters.end()) continue;
      figure = fmt::format("{:.4g} {}", it->second, headline.unit);
      if (const auto cv = spreads.find(name); cv != spreads.end()) {
        if (const auto value = cv->second->counters.find(std::string(headline.counter));
            value != cv->second->counters.end()) {
          spread = fmt::format("{:.2f}%", value->second * 100);
        }
      }
      break;
    }
    out += fmt::format("{:<52} {:>14} {:>7} {:>7} {:>9} {:>8} {:>8}\n", short_name(name), figure,
                       spread, cell(median.counters, counters::kNoisePct, "{:.2f}%"),
                       cell(median.counters, counters::kPctOfSpec, "{:.1f}%"),
                       cell(median.counters, counters::kVsCounterpart, "{:.2f}x"),
                       cell(median.counters, counters::kSmClockMhz, "{:.0f}"));
    if (const auto mean = means.find(name); mean != means.end()) {
      const auto& mean_counters = mean->second->counters;
      add_share_note(mean_counters, counters::kContended, name, contended_notes);
      add_share_note(mean_counters, counters::kContentionUnknown, name, unknown_notes);
      add_share_note(mean_counters, counters::kDisplayActivity, name, display_notes);
      const auto throttled = mean_counters.find(std::string(counters::kThrottledSamples));
      const auto kept = mean_counters.find(std::string(counters::kSamples));
      if (throttled != mean_counters.end() && throttled->second > 0) {
        const bool all = kept != mean_counters.end() && throttled->second >= kept->second;
        throttle_notes.push_back(fmt::format(
            "  {}: {:.3g} sample(s) per repetition {}\n", short_name(name), throttled->second,
            all ? "all throttled, kept: the figure is the throttled card's" : "dropped"));
      }
    }
  }
  out += "cv: across repetitions; noise: relative IQR of the samples within one (median).\n";
  append_notes(out,
               "CONTENDED: measured while another process or activity shared the GPU (the figure "
               "describes the sharing, not the card; labels say what was seen):\n",
               contended_notes);
  append_notes(out,
               "CONTENTION UNKNOWN: NVML could not show whether the GPU was shared (a MIG slice, "
               "WSL 2, a container; labels say what it could not see):\n",
               unknown_notes);
  append_notes(out,
               "Display activity: the desktop drew on this GPU meanwhile, too little to move the "
               "figure (not contended; docs/platforms.md):\n",
               display_notes);
  append_notes(
      out,
      "Samples taken below 75% of the reference SM clock (gpubench_stopping_rule in the file):\n",
      throttle_notes);
  return out;
}

}  // namespace gpubench
