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

}  // namespace

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
  std::vector<std::string> throttle_notes;
  std::vector<std::string> contended_notes;
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
      if (const auto shared = mean_counters.find(std::string(counters::kContended));
          shared != mean_counters.end() && shared->second > 0) {
        contended_notes.push_back(fmt::format("  {}: {:.0f}% of the repetitions\n",
                                              short_name(name), shared->second * 100));
      }
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
  if (!contended_notes.empty()) {
    out +=
        "CONTENDED: measured while another process or activity shared the GPU (the figure "
        "describes the sharing, not the card; labels say what was seen):\n";
    for (const std::string& note : contended_notes)
      out += note;
  }
  if (!throttle_notes.empty()) {
    out +=
        "Samples taken below 75% of the reference SM clock (gpubench_stopping_rule in the file):\n";
    for (const std::string& note : throttle_notes)
      out += note;
  }
  return out;
}

}  // namespace gpubench
