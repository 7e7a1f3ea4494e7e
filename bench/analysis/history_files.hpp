#pragma once
// What each results file contributes to `gpubench history`, read by parallel reader threads.

#include <filesystem>
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

// One summary per file, in the order given.
std::vector<FileSummary> summarise_files(const std::vector<std::filesystem::path>& files,
                                         const HistoryOptions& options);

}  // namespace gpubench
