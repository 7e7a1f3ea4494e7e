#include "analysis/history_files.hpp"

#include <fmt/format.h>

#include <set>

#include "gpubench/errors.hpp"
#include "model/text_excerpt.hpp"
#include "platform/parallel.hpp"

namespace gpubench {
namespace {

FileSummary summarise_file(const std::filesystem::path& path, const MetricSelector& selector,
                           const BenchmarkFilter& filter) {
  FileSummary summary;
  summary.path = path;
  summary.error = read_or_reason(path, [&] {
    const ResultsFile file = load_results_file(
        path, RecordsKept::kSamples, selector.primary_only() ? read_for_primary_figure : nullptr);
    summary.gpu_name =
        file.context_value(context_keys::kGpuName).value_or(std::string(kUnknownGpu));
    summary.driver_version =
        file.context_value(context_keys::kDriverVersion).value_or(std::string(kUnknownDriver));
    summary.date = file.context_value(context_keys::kDate).value_or("");
    summary.runs = extract_samples(file, selector, filter);
  });
  return summary;
}

}  // namespace

std::optional<std::string> read_or_reason(const std::filesystem::path& path,
                                          const std::function<void()>& read) {
  try {
    read();
  } catch (const UserError& error) {
    return error.what();
  } catch (const std::exception& error) {
    return fmt::format("Cannot read {}: {}.", printable_path(path.string()),
                       escaped_excerpt(error.what(), 120));
  }
  return std::nullopt;
}

std::vector<FileSummary> summarise_files(const std::vector<std::filesystem::path>& files,
                                         const HistoryOptions& options) {
  std::vector<FileSummary> summaries(files.size());
  struct ReaderState {  // one per thread: the selector caches decisions, std::regex is not shared
    MetricSelector selector;
    BenchmarkFilter filter;
  };
  for_each_index_in_parallel(
      files.size(), options.jobs,
      [&] {
        return ReaderState{
            MetricSelector(options.metric_regex, options.all_metrics, counters::kHistory),
            BenchmarkFilter(options.benchmark_regex)};
      },
      [&](const ReaderState& state, std::size_t i) {
        summaries[i] = summarise_file(files[i], state.selector, state.filter);
      });
  return summaries;
}

std::vector<std::filesystem::path> collect_result_files(
    const std::vector<std::filesystem::path>& inputs, std::vector<SkippedFile>& skipped) {
  namespace fs = std::filesystem;
  std::set<fs::path> files;
  for (const auto& input : inputs) {
    std::error_code error;
    const fs::file_status status = fs::status(input, error);
    if (error || !fs::exists(status)) {
      throw UserError(fmt::format("{} does not exist; name results files or directories of them.",
                                  printable_path(input.string())));
    }
    if (!fs::is_directory(status)) {
      files.insert(input.lexically_normal());
      continue;
    }
    fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied,
                                        error);
    if (error) {
      skipped.push_back({input, fmt::format("Cannot list {}: {}.", printable_path(input.string()),
                                            error.message())});
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (error) {
        skipped.push_back({input, fmt::format("Cannot list part of {}: {}.",
                                              printable_path(input.string()), error.message())});
        break;
      }
      const fs::path& path = it->path();
      const std::string name = path.filename().string();
      if (path.extension() != ".json" || name.find(".json.tmp") != std::string::npos) continue;
      std::error_code kind_error;
      if (!it->is_regular_file(kind_error)) continue;
      files.insert(path.lexically_normal());
    }
  }
  return {files.begin(), files.end()};
}

}  // namespace gpubench
