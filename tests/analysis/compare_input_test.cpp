// `gpubench compare` on runs that do not pair cleanly or cannot be read: benchmarks on one side
// only, different GPUs, the manifest header, plain google/benchmark files, negative and non-finite
// values, and empty, truncated or missing files (exit 2, naming the file). Every fixture is
// generated here (support/compare_fixtures.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "analysis/compare.hpp"
#include "gpubench/errors.hpp"
#include "support/compare_fixtures.hpp"
#include "support/synthetic_results.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::around;
using testing::as_results;
using testing::kChanged;
using testing::kStable;
using testing::kTight;
using testing::planted;
using testing::run_compare;
using testing::run_gpubench;
using testing::SyntheticRun;
using testing::TempDir;

TEST(Compare, BenchmarksMissingOnEitherSideAreListed) {
  SyntheticRun base;
  base.benchmarks = {{kStable, around(1.0, kTight)}, {"synthetic/removed", around(1.0, kTight)}};
  SyntheticRun candidate;
  candidate.benchmarks = {{kStable, around(1.0, kTight)}, {"synthetic/added", around(1.0, kTight)}};
  const Comparison comparison = compare_runs(as_results(base, "b"), as_results(candidate, "n"), {});
  EXPECT_EQ(comparison.only_in_base, std::vector<std::string>{"synthetic/removed"});
  EXPECT_EQ(comparison.only_in_candidate, std::vector<std::string>{"synthetic/added"});
  ASSERT_EQ(comparison.benchmarks.size(), 1u);

  const auto run = run_compare(base, candidate);
  EXPECT_EQ(run->result.exit_code, 0) << run->result.err;
  EXPECT_NE(run->result.out.find("only in base: synthetic/removed"), std::string::npos);
  EXPECT_NE(run->result.out.find("only in new:  synthetic/added"), std::string::npos);

  // Nothing in common (here: a new run that holds no benchmark at all) is bad input, not a pass.
  SyntheticRun empty;
  const auto nothing = run_compare(base, empty);
  EXPECT_EQ(nothing->result.exit_code, 2);
  EXPECT_NE(nothing->result.err.find("no benchmark in common"), std::string::npos)
      << nothing->result.err;
}

TEST(Compare, DifferentGpusAreRefusedUnlessAllowed) {
  auto [base, candidate] = planted(1.0, kTight);
  candidate.gpu_name = "Synthetic GPU B";
  EXPECT_THROW(compare_runs(as_results(base, "b"), as_results(candidate, "n"), {}), UserError);

  const auto refused = run_compare(base, candidate);
  EXPECT_EQ(refused->result.exit_code, 2);
  EXPECT_NE(refused->result.err.find("different GPUs"), std::string::npos) << refused->result.err;
  EXPECT_NE(refused->result.err.find("--allow-different-gpu"), std::string::npos);
  EXPECT_TRUE(refused->result.out.empty());

  const auto allowed = run_compare(base, candidate, "--allow-different-gpu");
  EXPECT_EQ(allowed->result.exit_code, 0) << allowed->result.err;
  EXPECT_NE(allowed->result.out.find("gpu_name"), std::string::npos) << allowed->result.out;
  EXPECT_NE(allowed->result.out.find("Synthetic GPU A -> Synthetic GPU B"), std::string::npos);
}

TEST(Compare, ManifestHeaderListsWhatDiffers) {
  const auto [base, candidate] = planted(1.0, kTight);
  const Comparison comparison = compare_runs(as_results(base, "b"), as_results(candidate, "n"), {});
  ASSERT_EQ(comparison.manifest_differences.size(), 1u);
  EXPECT_EQ(comparison.manifest_differences[0].key, "driver_version");
  EXPECT_EQ(comparison.manifest_differences[0].base, "550.54.15");
  EXPECT_EQ(comparison.manifest_differences[0].candidate, "580.95.05");
  const auto run = run_compare(base, candidate);
  EXPECT_NE(run->result.out.find("driver_version  550.54.15 -> 580.95.05"), std::string::npos)
      << run->result.out;
}

TEST(Compare, PlainGoogleBenchmarkFilesCompareAndSaySoInTheHeader) {
  auto [base, candidate] = planted(1.10, kTight);
  base.manifest = false;
  candidate.manifest = false;
  const auto run = run_compare(base, candidate);
  EXPECT_EQ(run->result.exit_code, 1) << run->result.err;
  EXPECT_NE(run->result.out.find("no gpubench manifest (plain google/benchmark file)"),
            std::string::npos)
      << run->result.out;
}

TEST(Compare, NegativeValuesAreRejectedNamingFileBenchmarkAndMetric) {
  auto [base, candidate] = planted(1.0, kTight);
  candidate.benchmarks[1].times[2] = -2.0;
  EXPECT_THROW(compare_runs(as_results(base, "b"), as_results(candidate, "n"), {}), UserError);
  const auto run = run_compare(base, candidate);
  EXPECT_EQ(run->result.exit_code, 2);
  EXPECT_NE(run->result.err.find("new.json"), std::string::npos) << run->result.err;
  EXPECT_NE(run->result.err.find(kChanged), std::string::npos) << run->result.err;
  EXPECT_NE(run->result.err.find("negative"), std::string::npos) << run->result.err;
}

TEST(Compare, NonFiniteValuesAreRejectedNotCompared) {
  const auto [base, candidate] = planted(1.0, kTight);
  // Through the API (a ResultsFile built in memory can hold what JSON cannot).
  for (const double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    ResultsFile broken = as_results(candidate, "new.json");
    broken.benchmarks[0].counters["bandwidth_gbs"] = bad;
    try {
      compare_runs(as_results(base, "base.json"), broken, {});
      ADD_FAILURE() << "accepted " << bad;
    } catch (const UserError& error) {
      EXPECT_NE(std::string(error.what()).find("not a finite number"), std::string::npos)
          << error.what();
    }
  }
  // Through the command line, as google/benchmark writes them: bare NaN / Infinity, and a value
  // that overflows a double.
  for (const std::string bad : {"NaN", "Infinity", "1e999"}) {
    TempDir dir;
    const auto base_path = dir.write("base.json", testing::synthetic_results(base).dump(2));
    std::string text = testing::synthetic_results(candidate).dump(2);
    const auto at = text.find("\"bandwidth_gbs\": ");
    ASSERT_NE(at, std::string::npos);
    const auto value_at = at + std::string("\"bandwidth_gbs\": ").size();
    text.replace(value_at, text.find_first_of(",\n}", value_at) - value_at, bad);
    const auto new_path = dir.write("new.json", text);
    const auto result =
        run_gpubench("compare '" + base_path.string() + "' '" + new_path.string() + "'");
    EXPECT_EQ(result.exit_code, 2) << bad << result.out;
    EXPECT_NE(result.err.find("new.json"), std::string::npos) << bad << result.err;
    EXPECT_EQ(result.err.find("internal error"), std::string::npos) << bad << result.err;
    EXPECT_TRUE(result.out.empty()) << bad;
  }
}

TEST(Compare, EmptyTruncatedAndMissingFilesExit2NamingTheFile) {
  const auto [base, candidate] = planted(1.0, kTight);
  TempDir dir;
  const auto good = dir.write("good.json", testing::synthetic_results(base).dump(2));
  const std::string whole = testing::synthetic_results(candidate).dump(2);
  const auto empty = dir.write("empty.json", "");
  const auto truncated = dir.write("truncated.json", whole.substr(0, whole.size() * 2 / 3));
  for (const auto& [bad, words] : std::vector<std::pair<std::filesystem::path, std::string>>{
           {empty, "empty"},
           {truncated, "ends early"},
           {dir.path() / "absent.json", "does not exist"}}) {
    for (const bool bad_is_base : {true, false}) {
      const auto result = run_gpubench("compare '" + (bad_is_base ? bad : good).string() + "' '" +
                                       (bad_is_base ? good : bad).string() + "'");
      EXPECT_EQ(result.exit_code, 2) << bad;
      EXPECT_NE(result.err.find(bad.filename().string()), std::string::npos) << result.err;
      EXPECT_NE(result.err.find(words), std::string::npos) << result.err;
    }
  }
}

}  // namespace
}  // namespace gpubench
