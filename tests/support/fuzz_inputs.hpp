#pragma once
// What each fuzz target (fuzz/) does with one input, shared with the regression test that replays
// every input a fuzzer ever broke gpubench with (tests/model/fuzz_regression_test.cpp). Beyond
// "no crash, no leak, no undefined behaviour, no hang", each checks that a message about bad input
// is short and printable, names the input and never copies its bytes. A broken invariant throws
// std::logic_error: a test failure in the tests, a crash (uncaught) under libFuzzer.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/compare.hpp"
#include "analysis/compare_samples.hpp"
#include "analysis/history.hpp"
#include "analysis/report.hpp"
#include "analysis/run_summary.hpp"
#include "gpubench/errors.hpp"
#include "model/memory_plan.hpp"
#include "model/rate_table.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"

namespace gpubench::testing {

// A loader's message (results file, spec sheet): printable ASCII only, at most 600 bytes (a
// sentence plus a short escaped excerpt), and it names `origin`. "" when fine.
inline std::string loader_message_problem(std::string_view message, std::string_view origin) {
  if (message.empty()) return "the message is empty";
  if (message.size() > 600) return "the message is longer than 600 bytes";
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) return "the message holds a byte outside printable ASCII";
  }
  if (message.find(origin) == std::string_view::npos) return "the message does not name the file";
  return "";
}

// A message from code working on a loaded file or on a command-line value: it may quote text the
// loader kept (valid UTF-8, control characters escaped), so only control characters are refused.
inline std::string analysis_message_problem(std::string_view message) {
  if (message.empty()) return "the message is empty";
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return "the message holds a control character";
  }
  return "";
}

inline void require(bool condition, std::string_view what, std::string_view subject) {
  if (condition) return;
  std::string shown;
  for (const char c : subject.substr(0, 300)) {
    const auto byte = static_cast<unsigned char>(c);
    shown += byte >= 0x20 && byte < 0x7f ? std::string(1, c) : "\\x" + std::to_string(byte);
  }
  throw std::logic_error("fuzz invariant broken: " + std::string(what) + " -- " + shown);
}

inline void require_loader_message(std::string_view message, std::string_view origin) {
  const std::string problem = loader_message_problem(message, origin);
  require(problem.empty(), problem, message);
}

inline void require_analysis_message(std::string_view message) {
  const std::string problem = analysis_message_problem(message);
  require(problem.empty(), problem, message);
}

// What history and fleet take from a file with the primary-figure selector, or their refusal.
inline std::string primary_samples_or_refusal(const ResultsFile& file) {
  std::string out;
  try {
    for (const RunSamples& run : extract_samples(file, MetricSelector(std::nullopt))) {
      out += fmt::format("{} {} {}", run.run_name, run.contended, run.failure.value_or("-"));
      for (const auto& [metric, samples] : run.metrics) {
        out += fmt::format(" {} {} {} {} {}", metric, samples.unit, samples.values,
                           samples.sm_clock_mhz, samples.noise);
      }
      out += '\n';
    }
  } catch (const UserError& error) {
    require_analysis_message(error.what());
    return std::string("refused: ") + error.what();
  }
  return out;
}

// --- fuzz_results_file: a results file as report, compare and history read it, then what those
// commands do with a file that loads.
inline void fuzz_results_file_input(std::string_view text) {
  constexpr std::string_view kOrigin = "fuzz-input.json";
  std::optional<ResultsFile> results;
  try {
    results = parse_results(text, kOrigin);
  } catch (const UserError& error) {
    require_loader_message(error.what(), kOrigin);
  }
  if (results) {
    (void)format_run_summary(*results);
    // fleet loads only the records and counters the primary figure needs: the same samples.
    const ResultsFile few =
        parse_results(text, kOrigin, RecordsKept::kSamples, read_for_primary_figure);
    require(primary_samples_or_refusal(few) == primary_samples_or_refusal(*results),
            "the primary-figure loading changed the samples", text);
    try {
      (void)build_report(*results, SpecDatabase::builtin(), "");
    } catch (const UserError& error) {
      require_analysis_message(error.what());
    }
    try {
      (void)compare_runs(*results, *results, CompareOptions{});
    } catch (const UserError& error) {
      require_analysis_message(error.what());
    }
  }
  // `gpubench run` cleans google/benchmark's NaN/Infinity before publishing; whatever it is given,
  // the loader must then take it or refuse it cleanly.
  std::string cleaned(text);
  replace_non_finite_values(cleaned);
  try {
    (void)parse_results(cleaned, kOrigin);
  } catch (const UserError& error) {
    require_loader_message(error.what(), kOrigin);
  }
}

// --- fuzz_spec_sheet: one sheet as SpecDatabase reads it, then what `specs show`, `specs compare`
// and `report --specs-only` do with it.
inline void fuzz_spec_sheet_input(std::string_view text) {
  constexpr std::string_view kOrigin = "fuzz-sheet.json";
  std::optional<SpecSheet> sheet;
  try {
    sheet = parse_spec_sheet(text, kOrigin);
  } catch (const UserError& error) {
    require_loader_message(error.what(), kOrigin);
  }
  if (!sheet) return;
  (void)spec_sheet_to_json(*sheet);
  for (const auto& [key, value] : sheet->values)
    (void)value.display();
  const SpecSheet& known = SpecDatabase::builtin().sheets().front();
  (void)compare_sheets(*sheet, known);
  try {
    (void)build_specs_only_report(*sheet, known);
  } catch (const UserError& error) {
    require_analysis_message(error.what());
  }
}

// --- fuzz_cli_text: text gpubench parses itself rather than through CLI11's typed options, and
// the version and date strings history orders files by. The first byte picks the parser:
//   0  --metric / --benchmark REGEX (compare, history), matched against names
//   1  a compute capability ("8.9"), from spec sheets and results manifests
//   2  two driver versions / context dates (newline between): a strict weak order
//   3  --bytes N (run) with the device's L2 and free memory: planned or refused, never overflowed
namespace fuzz_detail {

inline std::pair<std::string_view, std::string_view> two_lines(std::string_view text) {
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return {text, {}};
  return {text.substr(0, newline), text.substr(newline + 1)};
}

inline void metric_regex(std::string_view text) {
  // A regex a person types: short. std::regex backtracks, so a long pathological pattern is slow
  // by the library's design, not by gpubench's.
  const auto [pattern, metric] = two_lines(text.substr(0, 96));
  try {
    const MetricSelector selector{std::string(pattern.substr(0, 32))};
    for (const char* name : {"real_time", "cpu_time", "bandwidth_gbs", "tflops", "sm_clock_mhz",
                             "power_mean_w", "latency_ns", "gflops_per_watt"}) {
      (void)selector.selects(name);
    }
    (void)selector.selects(std::string(metric));
    // --benchmark: the same compile, matched against names taken from results files.
    (void)BenchmarkFilter(std::string(pattern.substr(0, 32))).selects(std::string(metric));
  } catch (const UserError& error) {
    require_analysis_message(error.what());
  }
}

inline void version_order(std::string_view text) {
  const auto [a, b] = two_lines(text);
  const int ab = compare_driver_versions(a, b);
  const int ba = compare_driver_versions(b, a);
  require((ab < 0) == (ba > 0) && (ab == 0) == (ba == 0), "driver order is not antisymmetric",
          text);
  require(compare_driver_versions(a, a) == 0, "a driver version differs from itself", text);
  require((ab == 0) == (a == b), "distinct driver versions compare equal", text);
  require(!(date_before(a, b) && date_before(b, a)), "two dates are each before the other", text);
  require(!date_before(a, a), "a date is before itself", text);
}

inline std::int64_t take_int64(std::string_view& text) {
  std::int64_t value = 0;
  const std::size_t n = std::min(text.size(), sizeof value);
  std::memcpy(&value, text.data(), n);
  text.remove_prefix(n);
  return value;
}

inline void stream_bytes(std::string_view text) {
  const std::int64_t requested = take_int64(text);
  const std::int64_t l2_bytes = take_int64(text) & ((std::int64_t{1} << 32) - 1);    // < 4 GiB
  const std::int64_t free_bytes = take_int64(text) & ((std::int64_t{1} << 41) - 1);  // < 2 TiB
  try {
    const StreamPlan plan = plan_stream_arrays(l2_bytes, free_bytes, requested);
    require(plan.array_bytes > 0 && plan.array_bytes % 16 == 0, "a planned array is unusable",
            text);
  } catch (const UserError& error) {
    require_analysis_message(error.what());
  }
}

}  // namespace fuzz_detail

inline void fuzz_cli_text_input(std::string_view input) {
  if (input.empty()) return;
  const std::string_view text = input.substr(1);
  switch (static_cast<unsigned char>(input[0]) % 4) {
    case 0:
      fuzz_detail::metric_regex(text);
      break;
    case 1:
      if (const auto cc = ComputeCapability::parse(text)) (void)rate_table_knows(*cc);
      break;
    case 2:
      fuzz_detail::version_order(text);
      break;
    default:
      fuzz_detail::stream_bytes(text);
      break;
  }
}

}  // namespace gpubench::testing
