// The results loader parses with simdjson since fleet reads a thousand full runs; before, it built
// an nlohmann/json DOM. The real runs load to exactly what the nlohmann loader made of them
// (digests it computed), RecordsKept::kSamples and the primary-figure counter filter change
// nothing extract_samples sees, and the corners where the two parsers differ behave as the loader
// always has (duplicate keys, a byte order mark, -0, keys that escape alike) or are refused with a
// message saying why.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "analysis/compare_samples.hpp"
#include "gpubench/errors.hpp"
#include "model/results_file.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

namespace fs = std::filesystem;

// Every field of a loaded file, doubles by their bits.
std::string canonical(const ResultsFile& file) {
  std::string out;
  const auto bits = [](double value) {
    std::uint64_t raw = 0;
    std::memcpy(&raw, &value, sizeof raw);
    return std::to_string(raw);
  };
  for (const auto& [key, value] : file.context)
    out += "context " + key + "=" + value + "\n";
  out += "schema " + std::to_string(file.schema_version.value_or(-1)) + "\n";
  for (const auto& b : file.benchmarks) {
    out += "run " + b.name + "|" + b.run_name + "|" + b.run_type + "|" + b.aggregate_name + "|" +
           b.time_unit + "|" + b.label + "|" + std::to_string(b.repetitions) + "|" +
           std::to_string(b.repetition_index) + "|" + std::to_string(b.iterations) + "|" +
           bits(b.real_time) + "|" + bits(b.cpu_time) + "|" + (b.error_occurred ? "failed" : "ok") +
           "|" + b.error_message + "\n";
    for (const auto& [key, value] : b.counters)
      out += " " + key + "=" + bits(value) + "\n";
    if (b.reasons) {
      out += " reasons";
      for (const auto& reason : *b.reasons)
        out += " [" + reason + "]";
      out += "\n";
    }
  }
  return out;
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

struct Golden {
  const char* path;  // from the repository root
  std::size_t records;
  std::uint64_t digest;  // fnv1a(canonical(...)) of what the nlohmann/json loader read
};

// Computed with the nlohmann/json loader of commit d69b520 (the last before simdjson).
constexpr Golden kGolden[] = {
    {"results/runs/h100-sxm5/580.159.04/20261124T181947Z-vm.json", 711u, 0x19553ed714f68e30ull},
    {"results/runs/h100-sxm5/580.159.04/20261124T184150Z-vm.json", 180u, 0xb9cae4d72f4632abull},
    {"tests/fixtures/runs/h200-b376421/contended.json", 350u, 0x2baef297255dd4cfull},
    {"tests/fixtures/runs/h200-b376421/full.json", 2232u, 0x86fdf958e1b35a79ull},
    {"tests/fixtures/runs/h200-b376421/quick1.json", 553u, 0x8c65e8d94b7c55d0ull},
    {"tests/fixtures/runs/h200-b376421/quick2.json", 553u, 0x06c541ad8529b46cull},
};

fs::path in_repository(const char* path) {
  return fs::path(GPUBENCH_SOURCE_DIR) / path;
}

TEST(ResultsReader, RealRunsLoadExactlyAsTheNlohmannLoaderReadThem) {
  for (const Golden& golden : kGolden) {
    const ResultsFile file = load_results_file(in_repository(golden.path));
    EXPECT_EQ(file.benchmarks.size(), golden.records) << golden.path;
    EXPECT_EQ(fnv1a(canonical(file)), golden.digest) << golden.path;
    EXPECT_EQ(fnv1a(canonical(parse_results(testing::read_file(in_repository(golden.path)),
                                            in_repository(golden.path)))),
              golden.digest)
        << golden.path << " through parse_results";
  }
}

std::string samples_text(const std::vector<RunSamples>& runs) {
  std::string out;
  for (const RunSamples& run : runs) {
    out += run.run_name + (run.from_aggregate ? " aggregate" : "") +
           (run.contended ? " contended" : "") + " " + run.failure.value_or("-") + "\n";
    for (const auto& [metric, samples] : run.metrics) {
      out += " " + metric + " " + samples.unit;
      for (std::size_t i = 0; i < samples.values.size(); ++i) {
        out +=
            fmt::format(" {}/{}/{}", samples.values[i], samples.sm_clock_mhz[i], samples.noise[i]);
      }
      out += "\n";
    }
  }
  return out;
}

TEST(ResultsReader, SamplesOnlyLoadingChangesNothingExtractSamplesSees) {
  for (const Golden& golden : kGolden) {
    const ResultsFile all = load_results_file(in_repository(golden.path));
    const ResultsFile samples =
        load_results_file(in_repository(golden.path), RecordsKept::kSamples);
    EXPECT_LT(samples.benchmarks.size(), all.benchmarks.size()) << golden.path;
    EXPECT_EQ(samples.context, all.context);
    for (const auto& regex : {std::optional<std::string>(), std::optional<std::string>(".")}) {
      const MetricSelector selector(regex);
      EXPECT_EQ(samples_text(extract_samples(samples, selector)),
                samples_text(extract_samples(all, selector)))
          << golden.path;
    }
  }
  // A run with aggregates only keeps its median; one whose aggregate comes first keeps it.
  const std::string text = R"({"context": {}, "benchmarks": [
      {"name": "a_mean", "run_name": "a", "run_type": "aggregate", "aggregate_name": "mean",
       "real_time": 2, "cpu_time": 2, "time_unit": "ns"},
      {"name": "a_cv", "run_name": "a", "run_type": "aggregate", "aggregate_name": "cv",
       "real_time": 1, "cpu_time": 1, "time_unit": "ns"},
      {"name": "a", "run_type": "iteration", "real_time": 3, "cpu_time": 3, "time_unit": "ns"},
      {"name": "a_median", "run_name": "a", "run_type": "aggregate", "aggregate_name": "median",
       "real_time": 3, "cpu_time": 3, "time_unit": "ns"}]})";
  const ResultsFile kept = parse_results(text, "kept.json", RecordsKept::kSamples);
  ASSERT_EQ(kept.benchmarks.size(), 2u);
  EXPECT_EQ(kept.benchmarks[0].name, "a_mean");
  EXPECT_EQ(kept.benchmarks[1].name, "a");
}

std::size_t counter_count(const ResultsFile& file) {
  std::size_t count = 0;
  for (const auto& record : file.benchmarks)
    count += record.counters.size();
  return count;
}

// fleet (and history without --metric) keep only the counters the primary figure needs.
TEST(ResultsReader, PrimaryFigureCountersChangeNothingThePrimarySelectorSees) {
  const MetricSelector primary(std::nullopt);
  for (const Golden& golden : kGolden) {
    const fs::path path = in_repository(golden.path);
    const ResultsFile samples = load_results_file(path, RecordsKept::kSamples);
    const ResultsFile few = load_results_file(path, RecordsKept::kSamples, read_for_primary_figure);
    EXPECT_EQ(few.benchmarks.size(), samples.benchmarks.size()) << golden.path;
    EXPECT_LT(counter_count(few), counter_count(samples)) << golden.path;
    EXPECT_EQ(samples_text(extract_samples(few, primary)),
              samples_text(extract_samples(samples, primary)))
        << golden.path;
  }
}

TEST(ResultsReader, ACounterFilterDecidesOnEachKeysLastValue) {
  const std::string text = R"({"context": {}, "benchmarks": [{"name": "a", "real_time": 1,
      "cpu_time": 1, "time_unit": "ns", "tflops": 5, "vs_counterpart": -1, "vs_counterpart": 2,
      "pct_of_spec": 3, "pct_of_spec": -4, "sm_clock_mhz": 1800, "bytes": 7}]})";
  const ResultsFile file =
      parse_results(text, "f.json", RecordsKept::kAll, read_for_primary_figure);
  const CounterMap expected{{"pct_of_spec", -4}, {"sm_clock_mhz", 1800}, {"tflops", 5}};
  EXPECT_EQ(file.benchmarks.at(0).counters, expected);
  // The negative value is kept so that extract_samples refuses it, as it does from a whole file.
  const MetricSelector primary(std::nullopt);
  EXPECT_THROW(extract_samples(file, primary), UserError);
  EXPECT_THROW(extract_samples(parse_results(text, "all.json"), primary), UserError);
}

TEST(ResultsReader, DuplicateKeysKeepTheLastAsNlohmannDid) {
  const ResultsFile file = parse_results(
      R"({"context": {"host_name": "first", "host_name": "second", "gone": "x", "gone": null},
          "benchmarks": [{"name": "a", "name": "b", "real_time": 1, "cpu_time": 1,
          "time_unit": "ns", "c": 1, "c": 2, "d": 1, "d": "not a number", "e": -0}]})",
      "dup.json");
  EXPECT_EQ(file.context.at("host_name"), "second");
  EXPECT_FALSE(file.context.contains("gone"));
  ASSERT_EQ(file.benchmarks.size(), 1u);
  EXPECT_EQ(file.benchmarks[0].name, "b");
  EXPECT_EQ(file.benchmarks[0].counters.at("c"), 2);
  EXPECT_FALSE(file.benchmarks[0].counters.contains("d"));
  EXPECT_FALSE(std::signbit(file.benchmarks[0].counters.at("e"))) << "-0 is the integer 0";
}

TEST(ResultsReader, KeysThatEscapeAlikeKeepTheOneSortingLast) {
  // "k\u0007" escapes to k\x07, which another key spells literally; nlohmann's sorted map made
  // the literal one (backslash sorts after BEL) win.
  const ResultsFile file = parse_results(
      R"({"context": {}, "benchmarks": [{"name": "a", "real_time": 1, "cpu_time": 1,
          "time_unit": "ns", "k\\x07": 2, "k\u0007": 1}]})",
      "escape.json");
  EXPECT_EQ(file.benchmarks.at(0).counters.at("k\\x07"), 2);
  EXPECT_EQ(file.benchmarks.at(0).counters.size(), 1u);
}

std::string refusal(const std::string& text) {
  try {
    (void)parse_results(text, "odd.json");
  } catch (const UserError& error) {
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
    return error.what();
  }
  return "accepted";
}

TEST(ResultsReader, ParserCornersAreReadOrRefusedWithAReason) {
  const std::string run =
      R"({"context": {}, "benchmarks": [{"name": "a", "real_time": 1, "cpu_time": 1,
          "time_unit": "ns"}]})";
  EXPECT_EQ(parse_results("\xEF\xBB\xBF" + run, "bom.json").benchmarks.size(), 1u)
      << "a byte order mark is skipped";
  EXPECT_NE(refusal(run + " {}").find("not valid JSON"), std::string::npos) << refusal(run + " {}");
  EXPECT_NE(refusal(run + "}").find("not valid JSON"), std::string::npos);
  const std::string huge =
      R"({"context": {"n": 123456789012345678901234567890}, "benchmarks": []})";
  EXPECT_NE(refusal(huge).find("beyond 64 bits"), std::string::npos) << refusal(huge);
  const std::string deep = R"({"context": {"n": )" + std::string(2000, '[') +
                           std::string(2000, ']') + R"(}, "benchmarks": []})";
  EXPECT_NE(refusal(deep).find("nested deeper than 1,024 levels"), std::string::npos);
  const std::string not_run = std::string(2000, '[') + std::string(2000, ']');
  EXPECT_NE(refusal(not_run).find("not a google/benchmark JSON file"), std::string::npos);
  // error_occurred true: a skipped of the wrong type is never looked at, as before.
  EXPECT_EQ(refusal(R"({"context": {}, "benchmarks": [{"name": "a", "error_occurred": true,
                        "skipped": "yes"}]})"),
            "accepted");
  EXPECT_NE(refusal(R"({"context": {}, "benchmarks": [{"name": "a", "error_occurred": false,
                        "skipped": 1}]})")
                .find("benchmarks[0] has a field of the wrong type (type must be boolean, but is "
                      "number)"),
            std::string::npos);
}

}  // namespace
}  // namespace gpubench
