#include "analysis/run_summary.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace gpubench {
namespace {

struct Headline {
  const char* counter;
  const char* unit;
};
constexpr Headline kHeadlines[] = {
    {"bandwidth_gbs", "GB/s"}, {"tflops", "TFLOPS"}, {"tops", "TOPS"}, {"latency_ns", "ns"}};

std::string short_name(const std::string& run_name) {
  const std::string suffix = "/manual_time";
  if (run_name.size() > suffix.size() &&
      run_name.compare(run_name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return run_name.substr(0, run_name.size() - suffix.size());
  }
  return run_name;
}

std::string cell(const std::map<std::string, double>& counters, const char* key,
                 const char* format) {
  const auto it = counters.find(key);
  return it == counters.end() ? "" : fmt::format(fmt::runtime(format), it->second);
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
      const auto it = median.counters.find(headline.counter);
      if (it == median.counters.end()) continue;
      figure = fmt::format("{:.4g} {}", it->second, headline.unit);
      if (const auto cv = spreads.find(name); cv != spreads.end()) {
        if (const auto value = cv->second->counters.find(headline.counter);
            value != cv->second->counters.end()) {
          spread = fmt::format("{:.2f}%", value->second * 100);
        }
      }
      break;
    }
    out += fmt::format("{:<52} {:>14} {:>7} {:>7} {:>9} {:>8} {:>8}\n", short_name(name), figure,
                       spread, cell(median.counters, "noise_pct", "{:.2f}%"),
                       cell(median.counters, "pct_of_spec", "{:.1f}%"),
                       cell(median.counters, "vs_counterpart", "{:.2f}x"),
                       cell(median.counters, "sm_clock_mhz", "{:.0f}"));
    if (const auto mean = means.find(name); mean != means.end()) {
      const auto& counters = mean->second->counters;
      if (const auto shared = counters.find("contended");
          shared != counters.end() && shared->second > 0) {
        contended_notes.push_back(fmt::format("  {}: {:.0f}% of the repetitions\n",
                                              short_name(name), shared->second * 100));
      }
      const auto throttled = counters.find("throttled_samples");
      const auto kept = counters.find("samples");
      if (throttled != counters.end() && throttled->second > 0) {
        const bool all = kept != counters.end() && throttled->second >= kept->second;
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
