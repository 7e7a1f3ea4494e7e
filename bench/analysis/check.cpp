// The figure checks of `gpubench check` (DRAM triad, FFMA, tensor peaks, the largest GEMM of each
// precision) and the run's verdict. Percentages are the ones `gpubench run` recorded (pct_of_spec,
// pct_of_clock_peak), as the report reads them; shortfall reasons come from analysis/reasons.hpp.

#include "analysis/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "analysis/check_detail.hpp"
#include "gpubench/counter_descriptors.hpp"
#include "gpubench/headlines.hpp"
#include "model/gemm_plan.hpp"

namespace gpubench {
namespace check_detail {
namespace {

namespace c = counters;

std::optional<double> median(const MeasuredBenchmark& benchmark, std::string_view counter) {
  const auto it = benchmark.median.find(std::string(counter));
  if (it == benchmark.median.end()) return std::nullopt;
  return it->second;
}

const MeasuredBenchmark* find(const CheckInput& input, std::string_view name) {
  for (const auto& benchmark : input.benchmarks) {
    if (benchmark.name == name && !benchmark.failed) return &benchmark;
  }
  return nullptr;
}

// "646.8 TFLOPS": the primary figure, where check judges its kind (a rate or a bandwidth).
std::string figure_text(const MeasuredBenchmark& benchmark) {
  const c::Descriptor* primary = c::primary_figure(benchmark.median);
  if (primary == nullptr || (primary->judged_by & c::kCheck) == 0) return "no figure";
  return fmt::format("{} {}", format_figure(benchmark.median.at(std::string(primary->name))),
                     primary->unit);
}

struct FigureCheck {
  std::string id;
  std::string what;
  FloorKey floor;
  bool tensor = false;  // tensor-core work: the power-cap allowance applies
};

bool not_the_cards_fault(std::string_view reason) {
  return std::find(kNotTheCardsFault.begin(), kNotTheCardsFault.end(), reason) !=
         kNotTheCardsFault.end();
}

// Below the fail floor: a WARN when the cause lies outside the box, else a FAIL.
void judge_shortfall(const CheckInput& input, const MeasuredBenchmark& benchmark,
                     const FigureCheck& check, std::optional<double> at_clock,
                     CheckResult& result) {
  const auto shortfall =
      explain_shortfall(benchmark.name, benchmark.label, benchmark.median, input.reasons);
  const double fail = *result.fail_below_pct;
  result.verdict = CheckVerdict::kFail;
  if (shortfall) {
    for (const ReasonEvidence& reason : shortfall->reasons) {
      if (not_the_cards_fault(reason_name(reason.reason))) {
        result.verdict = CheckVerdict::kWarn;
        result.reason = reason_name(reason.reason);
        result.evidence +=
            fmt::format("; not the card's fault: {} ({})", result.reason, reason.evidence);
        return;
      }
    }
    result.reason = reason_name(shortfall->reasons.front().reason);
    result.evidence += fmt::format("; {} ({})", result.reason, shortfall->reasons.front().evidence);
  }
  // Held down only by the clock: at its measured clock the figure clears the floor.
  const auto throttles = throttle_names(benchmark.label);
  const bool only_power_cap = !throttles.empty() && std::all_of(throttles.begin(), throttles.end(),
                                                                [](const std::string& t) {
                                                                  return t == kSoftwarePowerCap;
                                                                });
  if (check.tensor && at_clock && *at_clock >= fail && only_power_cap &&
      input.power_limit_at_default == true) {
    result.verdict = CheckVerdict::kWarn;
    result.reason = kPowerCapAtDefaultLimit;
    result.evidence += fmt::format("; held by the software power cap at the default limit ({})",
                                   input.power_limit_text);
  }
}

CheckResult judge_figure(const CheckInput& input, const MeasuredBenchmark& benchmark,
                         const FigureCheck& check) {
  const Floor& floor = input.thresholds.at(check.floor);
  CheckResult result = make_result(check.id, check.what);
  result.benchmark = benchmark.name;
  result.warn_below_pct = floor.warn_below_pct;
  result.fail_below_pct = floor.fail_below_pct;
  const auto spec = median(benchmark, c::kPctOfSpec);
  const auto at_clock = median(benchmark, c::kPctOfClockPeak);
  if (!spec && !at_clock) {
    result.evidence = fmt::format(
        "not checked: {} records no percentage of a peak (no documented "
        "figure, no rate for this architecture)",
        benchmark.name);
    return result;
  }
  result.value_pct = spec && at_clock ? std::min(*spec, *at_clock) : spec ? *spec : *at_clock;
  std::string parts = spec ? fmt::format("{:.1f}% of spec", *spec) : "";
  if (at_clock) {
    const auto clock = median(benchmark, c::kSmClockMhz);
    parts += fmt::format("{}{:.1f}% of rate x measured clock{}", spec ? ", " : "", *at_clock,
                         clock ? fmt::format(" ({:.0f} MHz)", *clock) : "");
  }
  result.evidence =
      fmt::format("{} {}: {} (fail below {:g}%, warn below {:g}%)", benchmark.name,
                  figure_text(benchmark), parts, floor.fail_below_pct, floor.warn_below_pct);
  if (*result.value_pct >= floor.warn_below_pct) {
    result.verdict = CheckVerdict::kPass;
  } else if (*result.value_pct >= floor.fail_below_pct) {
    result.verdict = CheckVerdict::kWarn;
    result.reason = kBelowWarnFloor;
  } else {
    judge_shortfall(input, benchmark, check, at_clock, result);
  }
  return result;
}

CheckResult missing(std::string id, std::string what, std::string evidence) {
  CheckResult result = make_result(std::move(id), std::move(what));
  result.evidence = "not checked: " + std::move(evidence);
  return result;
}

void add_tensor_peaks(const CheckInput& input, std::vector<CheckResult>& results) {
  // On sm_90 mma.sync is the legacy path (it cannot reach the wgmma rate the table holds): only
  // the wgmma rows measure the tensor cores' peak there.
  const bool hopper = input.reasons.compute_capability == ComputeCapability{9, 0};
  const std::string prefix = hopper ? "compute/peak/wgmma_" : "compute/peak/mma_";
  std::size_t found = 0;
  for (const auto& benchmark : input.benchmarks) {
    if (!benchmark.name.starts_with(prefix) || benchmark.failed) continue;
    const std::string row = benchmark.name.substr(std::string("compute/peak/").size());
    results.push_back(judge_figure(
        input, benchmark,
        {"tensor_peak/" + row, "Tensor peak " + row, FloorKey::kTensorPeak, /*tensor=*/true}));
    ++found;
  }
  if (found == 0) {
    results.push_back(missing(
        "tensor_peak", "Tensor peaks",
        hopper ? "no compute/peak/wgmma_* row (on sm_90 the mma.sync rows are the legacy path and "
                 "cannot reach the wgmma rate; run the compute suite of a current gpubench)"
               : "no compute/peak/mma_* row (run the compute suite)"));
  }
}

// "4096x4096x4096" -> 4096^3; nullopt for named shapes (llm_*, resnet_*).
std::optional<double> cube_volume(std::string_view shape) {
  long long m = 0, n = 0, k = 0;
  char tail = 0;
  const std::string text(shape);
  if (std::sscanf(text.c_str(), "%lldx%lldx%lld%c", &m, &n, &k, &tail) != 3) return std::nullopt;
  return static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
}

void add_largest_gemms(const CheckInput& input, std::vector<CheckResult>& results) {
  struct Largest {
    const MeasuredBenchmark* benchmark = nullptr;
    double volume = 0;
  };
  std::map<std::string, Largest> by_precision;  // ordered by name: a stable report
  std::map<std::string, bool> tensor;
  for (const auto& benchmark : input.benchmarks) {
    // gemm/<library or kernel>/<precision>/<shape>
    const auto parts = [&] {
      std::vector<std::string> out;
      for (std::size_t at = 0, next; at <= benchmark.name.size(); at = next + 1) {
        next = std::min(benchmark.name.find('/', at), benchmark.name.size());
        out.push_back(benchmark.name.substr(at, next - at));
      }
      return out;
    }();
    if (parts.size() != 4 || parts[0] != "gemm" || benchmark.failed) continue;
    const auto volume = cube_volume(parts[3]);
    if (!volume) continue;
    for (const GemmPrecision precision : all_gemm_precisions()) {
      const GemmPrecisionInfo& info = gemm_precision_info(precision);
      if (info.name != parts[2]) continue;
      tensor[parts[2]] = info.peak != Throughput::kFp32;
      Largest& largest = by_precision[parts[2]];
      const auto rate = [](const MeasuredBenchmark* b) {
        return std::max(median(*b, c::kTflops).value_or(0), median(*b, c::kTops).value_or(0));
      };
      // The largest shape; of the same shape (cuBLAS and gpubench's own kernel), the faster.
      if (largest.benchmark == nullptr || *volume > largest.volume ||
          (*volume == largest.volume && rate(&benchmark) > rate(largest.benchmark))) {
        largest = {&benchmark, *volume};
      }
    }
  }
  for (const auto& [precision, largest] : by_precision) {
    results.push_back(judge_figure(
        input, *largest.benchmark,
        {"gemm/" + precision, "Largest GEMM " + precision, FloorKey::kGemm, tensor[precision]}));
  }
  if (by_precision.empty()) {
    results.push_back(
        missing("gemm", "Largest GEMMs", "no M x N x K GEMM row (run the gemm suite)"));
  }
}

}  // namespace

std::vector<std::string> throttle_names(std::string_view label) {
  std::vector<std::string> names;
  const auto at = label.find("throttle:");
  if (at == std::string_view::npos) return names;
  std::string_view rest = label.substr(at + std::string_view("throttle:").size());
  rest = rest.substr(0, rest.find(';'));
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view name = rest.substr(0, comma);
    while (name.starts_with(' '))
      name.remove_prefix(1);
    while (name.ends_with(' '))
      name.remove_suffix(1);
    if (!name.empty()) names.emplace_back(name);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
  }
  return names;
}

// A headline benchmark's check (gpubench/headlines.hpp), or why it was not checked.
void add_headline_check(const CheckInput& input, const headlines::Headline& headline,
                        const FigureCheck& check, std::string_view suite,
                        std::vector<CheckResult>& results) {
  if (const auto* benchmark = find(input, headline.benchmark)) {
    results.push_back(judge_figure(input, *benchmark, check));
  } else {
    results.push_back(
        missing(check.id, check.what,
                fmt::format("no {} figure (run the {} suite)", headline.benchmark, suite)));
  }
}

void add_figure_checks(const CheckInput& input, std::vector<CheckResult>& results) {
  add_headline_check(input, headlines::kDramTriad,
                     {"dram_triad", "DRAM triad", FloorKey::kDramTriad}, "memory", results);
  add_headline_check(input, headlines::kFp32Ffma, {"ffma", "FP32 FFMA peak", FloorKey::kFfma},
                     "compute", results);
  add_tensor_peaks(input, results);
  add_largest_gemms(input, results);
}

}  // namespace check_detail

std::string_view verdict_name(CheckVerdict verdict) {
  switch (verdict) {
    case CheckVerdict::kPass:
      return "PASS";
    case CheckVerdict::kWarn:
      return "WARN";
    case CheckVerdict::kFail:
      return "FAIL";
    case CheckVerdict::kNotChecked:
      break;
  }
  return "NOT CHECKED";
}

CheckVerdict CheckedRun::overall() const {
  CheckVerdict worst = CheckVerdict::kPass;
  for (const CheckResult& result : results) {
    if (result.verdict == CheckVerdict::kFail) return CheckVerdict::kFail;
    if (result.verdict == CheckVerdict::kWarn) worst = CheckVerdict::kWarn;
  }
  return worst;
}

ExitCode check_exit_code(const std::vector<CheckedRun>& runs) {
  const bool failed = std::any_of(runs.begin(), runs.end(), [](const CheckedRun& run) {
    return run.overall() == CheckVerdict::kFail;
  });
  return failed ? ExitCode::kRegressionOrFailedCheck : ExitCode::kOk;
}

}  // namespace gpubench
