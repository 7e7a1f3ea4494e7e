// The box-wide checks of `gpubench check` (PCIe link, clocks, ECC, contention, verification) and
// check_run, which reads a run once and runs every check. The manifest's env_* entries are the
// pre-run environment check's (analysis/environment_check.cpp): states at rest, as text.

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "analysis/check.hpp"
#include "analysis/check_detail.hpp"
#include "analysis/pcie_link.hpp"
#include "gpubench/counters.hpp"
#include "gpubench/headlines.hpp"

namespace gpubench {
namespace check_detail {
namespace {

namespace c = counters;

// Clock event reasons that say the box itself holds the clocks down.
constexpr std::array<std::string_view, 4> kBoxSlowdowns = {
    "hardware slowdown", "software thermal slowdown", "hardware thermal slowdown",
    "hardware power brake slowdown"};

std::string context_or(const ResultsFile& run, std::string_view key, std::string_view fallback) {
  return run.context_value(key).value_or(std::string(fallback));
}

CheckVerdict worse(CheckVerdict a, CheckVerdict b) {
  auto rank = [](CheckVerdict v) {
    return v == CheckVerdict::kFail ? 3 : v == CheckVerdict::kWarn ? 2 : v == CheckVerdict::kPass;
  };
  return rank(a) >= rank(b) ? a : b;
}

CheckResult pcie_link(const CheckInput& input) {
  const Floor& floor = input.thresholds.at(FloorKey::kPcieLink);
  CheckResult result = make_result("pcie_link", "PCIe link under load");
  result.warn_below_pct = floor.warn_below_pct;
  result.fail_below_pct = floor.fail_below_pct;
  const std::string at_rest = context_or(input.run, "env_pcie_link", "not recorded");
  const MeasuredBenchmark* best = nullptr;
  for (const auto& benchmark : input.benchmarks) {
    const auto it = benchmark.median.find(std::string(c::kBandwidthGbs));
    if (!headlines::covers(headlines::kHostToDevice, benchmark.name) ||
        it == benchmark.median.end()) {
      continue;
    }
    if (best == nullptr || it->second > best->median.at(std::string(c::kBandwidthGbs))) {
      best = &benchmark;
    }
  }
  const auto link = input.sheet ? pcie_link_gbs(*input.sheet) : std::nullopt;
  if (best == nullptr || !link) {
    result.evidence =
        fmt::format("not checked: {} (link at rest: {})",
                    best == nullptr ? "no pinned host-to-device figure (run the memory suite)"
                                    : "the spec sheet gives no PCIe generation and width",
                    at_rest);
    return result;
  }
  const double measured = best->median.at(std::string(c::kBandwidthGbs));
  result.benchmark = best->name;
  result.value_pct = measured / *link * 100;
  result.evidence = fmt::format(
      "{} {} GB/s = {:.1f}% of the PCIe {:g}.0 x{:g} link's {:.1f} GB/s (fail below {:g}%, warn "
      "below {:g}%); at rest: {}",
      best->name, format_figure(measured), *result.value_pct,
      *input.sheet->number("pcie_generation"), *input.sheet->number("pcie_lanes"), *link,
      floor.fail_below_pct, floor.warn_below_pct, at_rest);
  result.verdict = *result.value_pct < floor.fail_below_pct   ? CheckVerdict::kFail
                   : *result.value_pct < floor.warn_below_pct ? CheckVerdict::kWarn
                                                              : CheckVerdict::kPass;
  // "gen 5 of 5, x8 of x16": a narrower link than the card supports (idle links drop their
  // generation, not their width).
  unsigned gen = 0, gen_max = 0, width = 0, width_max = 0;
  if (std::sscanf(at_rest.c_str(), "gen %u of %u, x%u of x%u", &gen, &gen_max, &width,
                  &width_max) == 4 &&
      width < width_max) {
    result.verdict = worse(result.verdict, CheckVerdict::kWarn);
  }
  if (result.verdict == CheckVerdict::kWarn && result.reason.empty())
    result.reason = kBelowWarnFloor;
  return result;
}

// The throttle reasons seen under load: name -> how many benchmarks recorded it.
std::map<std::string, int> throttles_under_load(const CheckInput& input) {
  std::map<std::string, int> seen;
  for (const auto& benchmark : input.benchmarks) {
    for (const std::string& name : throttle_names(benchmark.label))
      ++seen[name];
  }
  return seen;
}

CheckResult clocks(const CheckInput& input) {
  const Floor& floor = input.thresholds.at(FloorKey::kBoostClock);
  CheckResult result = make_result("clocks", "Clocks and throttling");
  result.warn_below_pct = floor.warn_below_pct;
  result.fail_below_pct = floor.fail_below_pct;
  const auto boost = input.reasons.boost_clock_mhz;
  double highest = 0;
  for (const auto& benchmark : input.benchmarks) {
    for (const auto counter : {c::kSmClockMeanMhz, c::kSmClockMhz}) {
      const auto it = benchmark.median.find(std::string(counter));
      if (it != benchmark.median.end()) highest = std::max(highest, it->second);
    }
  }
  std::vector<std::string> parts;
  result.verdict = CheckVerdict::kNotChecked;
  if (highest > 0 && boost) {
    result.value_pct = highest / *boost * 100;
    result.verdict = *result.value_pct < floor.fail_below_pct   ? CheckVerdict::kFail
                     : *result.value_pct < floor.warn_below_pct ? CheckVerdict::kWarn
                                                                : CheckVerdict::kPass;
    parts.push_back(
        fmt::format("highest SM clock under load {:.0f} of {:.0f} MHz boost ({:.1f}%, "
                    "fail below {:g}%)",
                    highest, *boost, *result.value_pct, floor.fail_below_pct));
  } else {
    parts.push_back("boost not checked: no SM clock or no documented boost");
  }
  const std::string at_rest = context_or(input.run, "env_clock_event_reasons", "not recorded");
  parts.push_back(fmt::format("at rest: {}", at_rest));
  if (at_rest != "none" && at_rest != "GPU idle" && at_rest != "not recorded" &&
      at_rest != "not reported") {
    result.verdict = CheckVerdict::kFail;  // nothing but idleness may hold the clocks at rest
  } else if (result.verdict == CheckVerdict::kNotChecked && at_rest != "not recorded") {
    result.verdict = CheckVerdict::kPass;
  }
  std::vector<std::string> load;
  for (const auto& [name, count] : throttles_under_load(input)) {
    load.push_back(fmt::format("{} in {}", name, count));
    const bool box =
        std::find(kBoxSlowdowns.begin(), kBoxSlowdowns.end(), name) != kBoxSlowdowns.end();
    if (box || (name == kSoftwarePowerCap && input.power_limit_at_default == false)) {
      result.verdict = CheckVerdict::kFail;
    } else if (name != kSoftwarePowerCap) {
      result.verdict = worse(result.verdict, CheckVerdict::kWarn);
    }
  }
  parts.push_back(load.empty() ? "under load: no throttle reason"
                               : fmt::format("under load: {} benchmark(s); power limit {}",
                                             fmt::join(load, ", "), input.power_limit_text));
  result.evidence = fmt::format("{}", fmt::join(parts, "; "));
  return result;
}

CheckResult ecc(const CheckInput& input) {
  CheckResult result = make_result("ecc", "ECC errors");
  const std::string mode = context_or(input.run, "env_ecc", "not recorded");
  std::vector<std::string> counts;
  bool uncorrected = false, corrected = false;
  for (const std::string_view key : kEccCountKeys) {
    const auto value = input.run.context_value(key);
    if (!value) continue;
    counts.push_back(fmt::format("{} {}", key.substr(std::string_view("env_ecc_").size()), *value));
    const bool nonzero = value->find_first_not_of("0") != std::string::npos;
    (key.find("uncorrected") != std::string_view::npos ? uncorrected : corrected) |= nonzero;
  }
  if (counts.empty()) {
    result.evidence = mode == "on"
                          ? "not checked: ECC is on, but this results file records no error counts"
                          : fmt::format("not checked: ECC {} on this card", mode);
    return result;
  }
  result.verdict = uncorrected ? CheckVerdict::kFail
                   : corrected ? CheckVerdict::kWarn
                               : CheckVerdict::kPass;
  result.evidence = fmt::format("ECC {}: {}", mode, fmt::join(counts, ", "));
  return result;
}

CheckResult contention(const CheckInput& input) {
  CheckResult result = make_result("contention", "No contended figure", CheckVerdict::kPass);
  std::set<std::string> contended;
  for (const BenchmarkRecord& record : input.run.benchmarks) {
    const auto it = record.counters.find(std::string(c::kContended));
    if (it != record.counters.end() && it->second > 0) contended.insert(record.run_name);
  }
  const std::string processes = context_or(input.run, "env_compute_processes", "not recorded");
  const bool others = processes != "none besides gpubench" && processes != "not recorded" &&
                      processes != "not reported";
  if (!contended.empty() || others) result.verdict = CheckVerdict::kFail;
  result.evidence = fmt::format(
      "{} figure(s) marked contended{}; other compute processes at rest: {}", contended.size(),
      contended.empty() ? "" : fmt::format(" (first: {})", *contended.begin()), processes);
  return result;
}

CheckResult verification(const CheckInput& input) {
  CheckResult result = make_result("verification", "Every figure verified", CheckVerdict::kPass);
  std::vector<const MeasuredBenchmark*> failed;
  for (const auto& benchmark : input.benchmarks) {
    if (benchmark.failed) failed.push_back(&benchmark);
  }
  if (failed.empty()) {
    result.evidence =
        fmt::format("{} benchmarks, none failed its output check", input.benchmarks.size());
    return result;
  }
  result.verdict = CheckVerdict::kFail;
  result.benchmark = failed.front()->name;
  result.evidence =
      fmt::format("{} of {} benchmarks failed (first: {}: {})", failed.size(),
                  input.benchmarks.size(), failed.front()->name, failed.front()->error_message);
  return result;
}

// "700 W (default 700 W)": whether the limit is within 2% of the default (the environment
// check's tolerance).
void read_power_limit(const ResultsFile& run, CheckInput& input) {
  input.power_limit_text = context_or(run, "env_power_limit", "not recorded");
  double limit = 0, stock = 0;
  if (std::sscanf(input.power_limit_text.c_str(), "%lf W (default %lf W)", &limit, &stock) == 2 &&
      stock > 0) {
    input.power_limit_at_default = limit >= 0.98 * stock;
  }
}

}  // namespace

void add_box_checks(const CheckInput& input, std::vector<CheckResult>& results) {
  results.push_back(pcie_link(input));
  results.push_back(clocks(input));
  results.push_back(ecc(input));
  results.push_back(contention(input));
  results.push_back(verification(input));
}

}  // namespace check_detail

CheckedRunIdentity run_identity(const ResultsFile& run) {
  auto value = [&](std::string_view key) { return run.context_value(key).value_or(""); };
  return CheckedRunIdentity{run.path,
                            value(context_keys::kGpuName),
                            value(context_keys::kGpuSpecId),
                            value(context_keys::kGpuUuid),
                            value(context_keys::kGpuIndex),
                            value(context_keys::kHostName),
                            value(context_keys::kDriverVersion),
                            value(context_keys::kCudaDriverVersion),
                            value(context_keys::kGpubenchVersion),
                            value(context_keys::kDate),
                            value(context_keys::kProfile)};
}

CheckedRun check_run(const ResultsFile& run, const SpecDatabase& database,
                     const ThresholdSet& thresholds) {
  if (!run.is_gpubench_run()) {
    throw UserError(fmt::format(
        "{} is not a gpubench results file (no {} in its context): check runs written by "
        "gpubench run.",
        run.path.string(), kSchemaVersionKey));
  }
  CheckedRun checked;
  checked.identity = run_identity(run);
  checked.thresholds_source =
      thresholds.source.empty() ? "built-in defaults" : thresholds.source.string();
  check_detail::CheckInput input{run,
                                 database.find(checked.identity.spec_id),
                                 thresholds.for_card(checked.identity.spec_id),
                                 summarize_benchmarks(run),
                                 reason_context(run, database),
                                 {},
                                 {}};
  check_detail::read_power_limit(run, input);
  check_detail::add_figure_checks(input, checked.results);
  check_detail::add_box_checks(input, checked.results);
  return checked;
}

}  // namespace gpubench
