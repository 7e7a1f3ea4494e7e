#pragma once
// What each results file contributes to `gpubench history`, read by parallel reader threads.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/compare_samples.hpp"
#include "analysis/history.hpp"

namespace gpubench {

struct FileSummary {
  std::filesystem::path path;
  std::optional<std::string> error;  // why the file is skipped
  std::string gpu_name;
  std::string driver_version;
  std::string date;
  std::vector<RunSamples> runs;
};

// Runs read(), which loads and summarises `path`; returns none when it succeeded, else why the file
// is skipped as one sentence: a UserError's own, any other failure as "Cannot read PATH: ...",
// escaped. history and fleet read each file through it.
std::optional<std::string> read_or_reason(const std::filesystem::path& path,
                                          const std::function<void()>& read);

// One summary per file, in the order given.
std::vector<FileSummary> summarise_files(const std::vector<std::filesystem::path>& files,
                                         const HistoryOptions& options);

}  // namespace gpubench
