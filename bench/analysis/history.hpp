#pragma once
// `gpubench history`: many results files, grouped by GPU model, ordered by driver version, with a
// median per benchmark, metric (by default its primary figure) and driver version, and the step
// between neighbouring driver versions judged by the same rule as `gpubench compare`.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/compare.hpp"

namespace gpubench {

// Orders driver versions numerically component by component ("535.104.05" < "550.54.15" <
// "580.95.05", "580.95.05" < "580.159.04"); a text component sorts after a number, a prefix before
// its extensions ("550.54" < "550.54.15"). Versions equal as numbers ("550.54.5", "550.54.05") fall
// back to plain text order, so distinct strings never compare equal. Returns <0, 0 or >0.
int compare_driver_versions(std::string_view a, std::string_view b);

struct DriverVersionLess {
  bool operator()(std::string_view a, std::string_view b) const {
    return compare_driver_versions(a, b) < 0;
  }
};

// Orders google/benchmark context dates ("2026-01-31T10:00:00+01:00") by the instant they name;
// dates that do not parse sort after those that do, as text.
bool date_before(std::string_view a, std::string_view b);

// The label runs without a gpubench manifest are grouped under, and their driver version.
inline constexpr std::string_view kUnknownGpu = "unknown GPU (no gpubench manifest)";
inline constexpr std::string_view kUnknownDriver = "unknown";

// allow_contended: pool contended figures (marked) instead of leaving them out.
struct HistoryOptions : VerdictOptions {
  unsigned jobs = 0;  // reader threads; 0: one per hardware thread
};

struct SkippedFile {
  std::filesystem::path path;
  std::string reason;
};

struct HistoryRun {
  std::filesystem::path path;
  std::string date;
};

struct DriverColumn {
  std::string driver_version;
  std::vector<HistoryRun> runs;  // by date
};

struct HistoryPoint {
  std::size_t runs = 0;  // runs that contributed repetitions
  std::size_t n = 0;     // repetitions pooled over those runs
  double median = 0;
  double spread = 0;  // relative IQR of the pooled repetitions
  // The noise the verdict used for this side of a step (analysis/verdict.hpp); NaN when the runs
  // record no per-repetition samples.
  double noise = 0;
  std::size_t contended_runs = 0;  // runs measured while the GPU was shared (allow_contended)
};

struct HistoryStep {
  std::size_t from = 0;  // column indexes into HistoryGroup::drivers
  std::size_t to = 0;
  Judgement judgement;
};

struct HistorySeries {
  std::string benchmark;
  std::string metric;
  std::string unit;
  Direction direction = Direction::kNone;
  std::vector<std::optional<HistoryPoint>> points;  // one per driver column
  std::vector<HistoryStep> steps;                   // between neighbouring present points
};

// What the verdicts of one driver step are worth: of the series with a step from `from` to `to`,
// how many could resolve a change of the threshold (analysis/verdict.hpp).
struct StepResolution {
  std::size_t from = 0;  // column indexes into HistoryGroup::drivers
  std::size_t to = 0;
  Resolution resolution;
};

struct HistoryGroup {
  std::string gpu_name;
  std::vector<DriverColumn> drivers;             // by driver version
  std::vector<HistorySeries> series;             // in the order the benchmarks first appear
  std::vector<StepResolution> step_resolutions;  // by from, then to
};

// A benchmark of one file measured while the GPU was shared.
struct ContendedFigure {
  std::filesystem::path path;
  std::string benchmark;
  bool pooled = false;  // allow_contended: pooled with the rest; else left out
};

struct History {
  HistoryOptions options;
  std::size_t files_read = 0;
  std::vector<ContendedFigure> contended;
  std::vector<SkippedFile> skipped;  // unreadable, malformed or invalid files, with the reason
  std::vector<HistoryGroup> groups;  // by GPU name
};

// Every *.json file under each directory (recursively; gpubench's *.json.tmp* leftovers excluded)
// and each file named directly, sorted and without duplicates. Throws UserError for an input that
// does not exist; directory entries that cannot be read are added to `skipped`.
std::vector<std::filesystem::path> collect_result_files(
    const std::vector<std::filesystem::path>& inputs, std::vector<SkippedFile>& skipped);

// Reads the files (in parallel), skipping and reporting those that fail to load or hold invalid
// values, and summarises them; contended figures are left out and listed unless allow_contended.
// Throws UserError for invalid options, a bad --metric or --benchmark regex, or a --benchmark
// regex that matches no benchmark in any file read.
History build_history(const std::vector<std::filesystem::path>& files,
                      const HistoryOptions& options);

}  // namespace gpubench
