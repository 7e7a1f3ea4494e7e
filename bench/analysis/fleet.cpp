#include "analysis/fleet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "analysis/history_files.hpp"
#include "gpubench/counters.hpp"
#include "gpubench/errors.hpp"
#include "gpubench/headlines.hpp"
#include "model/statistics.hpp"
#include "model/text_excerpt.hpp"
#include "platform/parallel.hpp"

namespace gpubench {
namespace {

// A node is judged against the repetitions of this many other nodes, those whose medians lie
// nearest the fleet median: the fleet's typical behaviour, with a cost that does not grow with the
// fleet (1,000 nodes x 250 benchmarks must be judged in seconds).
constexpr std::size_t kReferenceNodes = 5;

// The headline figures drawn per node (gpubench/headlines.hpp, the rows naming a benchmark): of
// the benchmarks each covers, the one with the largest fleet median (the largest transfer or GEMM:
// the highest rate, or the longest time).
bool drawn_per_node(const headlines::Headline& row) {
  return row.match != headlines::Match::kNone;
}

struct RunFigure {
  std::string benchmark;
  std::string metric;
  std::string unit;
  std::vector<double> values;
  std::optional<double> within_noise;
  std::optional<std::string> failure;
  bool contended = false;
};

// What one file contributes, extracted by a reader thread.
struct NodeFileSummary {
  std::optional<std::string> error;
  std::string gpu_name;
  std::string profile;
  FleetNode node;
  std::vector<RunFigure> runs;
};

NodeFileSummary summarise_file(const std::filesystem::path& path, const MetricSelector& selector,
                               const BenchmarkFilter& benchmark_filter) {
  NodeFileSummary summary;
  summary.node.path = path;
  summary.error = read_or_reason(path, [&] {
    const ResultsFile file =
        load_results_file(path, RecordsKept::kSamples, read_for_primary_figure);
    summary.gpu_name =
        file.context_value(context_keys::kGpuName).value_or(std::string(kUnknownGpu));
    summary.profile =
        file.context_value(context_keys::kProfile).value_or(std::string(kUnknownProfile));
    summary.node.host_name = file.context_value(context_keys::kHostName).value_or("unknown host");
    summary.node.gpu_index = file.context_value(context_keys::kGpuIndex).value_or("");
    summary.node.gpu_uuid = file.context_value(context_keys::kGpuUuid).value_or("");
    summary.node.driver_version =
        file.context_value(context_keys::kDriverVersion).value_or(std::string(kUnknownDriver));
    summary.node.date = file.context_value(context_keys::kDate).value_or("");
    for (RunSamples& run : extract_samples(file, selector, benchmark_filter)) {
      RunFigure figure{run.run_name, "", "", {}, std::nullopt, run.failure, run.contended};
      if (!run.metrics.empty()) {  // the selector keeps the primary figure only
        auto& [metric, samples] = *run.metrics.begin();
        figure.metric = metric;
        figure.unit = samples.unit;
        figure.within_noise = samples.repetitions().within_noise;
        figure.values = std::move(samples.values);
      }
      summary.runs.push_back(std::move(figure));
    }
  });
  return summary;
}

std::vector<NodeFileSummary> summarise_files(const std::vector<std::filesystem::path>& files,
                                             const FleetOptions& options) {
  struct ReaderState {  // one per thread: the selector caches, std::regex is not shared
    MetricSelector selector;
    BenchmarkFilter filter;
  };
  std::vector<NodeFileSummary> summaries(files.size());
  for_each_index_in_parallel(
      files.size(), options.jobs,
      [&] {
        return ReaderState{MetricSelector(std::nullopt, false, counters::kFleet),
                           BenchmarkFilter(options.benchmark_regex)};
      },
      [&](const ReaderState& state, std::size_t i) {
        summaries[i] = summarise_file(files[i], state.selector, state.filter);
      });
  return summaries;
}

std::tuple<std::string, long long, std::string, std::string> node_order_key(const FleetNode& n) {
  long long index = -1;
  std::from_chars(n.gpu_index.data(), n.gpu_index.data() + n.gpu_index.size(), index);
  return {n.host_name, index, n.gpu_uuid, n.path.string()};
}

// One node per host and GPU: its newest run; older runs are listed as superseded.
std::vector<const NodeFileSummary*> newest_per_node(std::vector<const NodeFileSummary*> files,
                                                    FleetGroup& group) {
  std::sort(files.begin(), files.end(), [](const NodeFileSummary* a, const NodeFileSummary* b) {
    const auto ka = std::tie(a->node.host_name, a->node.gpu_uuid, a->node.gpu_index);
    const auto kb = std::tie(b->node.host_name, b->node.gpu_uuid, b->node.gpu_index);
    if (ka != kb) return node_order_key(a->node) < node_order_key(b->node);
    if (a->node.date != b->node.date) return date_before(b->node.date, a->node.date);
    return a->node.path < b->node.path;
  });
  std::vector<const NodeFileSummary*> kept;
  for (const NodeFileSummary* file : files) {
    if (!kept.empty() && kept.back()->node.host_name == file->node.host_name &&
        kept.back()->node.gpu_uuid == file->node.gpu_uuid &&
        kept.back()->node.gpu_index == file->node.gpu_index) {
      group.superseded.push_back(file->node);
      continue;
    }
    kept.push_back(file);
  }
  return kept;
}

struct SeriesBuilder {
  std::string benchmark;
  std::string metric;
  std::string unit;
  std::vector<std::pair<std::size_t, std::vector<double>>> samples;  // node, values
  std::vector<std::optional<double>> within_noise;                   // per node
};

std::vector<SeriesBuilder> collect_series(const std::vector<const NodeFileSummary*>& files,
                                          FleetGroup& group) {
  std::vector<SeriesBuilder> builders;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (std::size_t node = 0; node < files.size(); ++node) {
    for (const RunFigure& run : files[node]->runs) {
      if (run.failure) {
        group.failed.push_back({node, run.benchmark, *run.failure});
        continue;
      }
      if (run.contended) {
        group.contended.push_back(
            {node, run.benchmark, "another process used the GPU during this figure"});
        continue;
      }
      if (run.metric.empty() || run.values.empty()) continue;
      const auto [it, inserted] =
          index.emplace(std::pair{run.benchmark, run.metric}, builders.size());
      if (inserted) builders.push_back({run.benchmark, run.metric, run.unit, {}, {}});
      SeriesBuilder& builder = builders[it->second];
      std::vector<double> values = run.values;
      if (run.unit != builder.unit) {
        const double factor = time_unit_factor(run.unit, builder.unit);
        for (double& value : values)
          value *= factor;
      }
      builder.samples.emplace_back(node, std::move(values));
      builder.within_noise.push_back(run.within_noise);
    }
  }
  return builders;
}

// Worse than the fleet median by more than the threshold, in the metric's direction.
bool worse_beyond(double deviation, Direction direction, double threshold) {
  if (!std::isfinite(deviation)) return false;
  return direction == Direction::kHigherIsBetter  ? deviation < -threshold
         : direction == Direction::kLowerIsBetter ? deviation > threshold
                                                  : false;
}

FleetSeries judge_series(SeriesBuilder& builder, const FleetOptions& options) {
  FleetSeries series;
  series.benchmark = std::move(builder.benchmark);
  series.metric = std::move(builder.metric);
  series.unit = std::move(builder.unit);
  series.direction = metric_direction(series.metric);
  std::vector<double> medians;
  for (const auto& [node, values] : builder.samples)
    medians.push_back(stats::median(values));
  series.fleet_median = stats::median(medians);
  series.spread = stats::relative_iqr(medians);
  series.min = *std::min_element(medians.begin(), medians.end());
  series.max = *std::max_element(medians.begin(), medians.end());

  // Nodes ordered by how near their median lies to the fleet median; the first ones (other than
  // the node judged) are its reference.
  std::vector<std::size_t> nearest(medians.size());
  for (std::size_t i = 0; i < nearest.size(); ++i)
    nearest[i] = i;
  std::stable_sort(nearest.begin(), nearest.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(medians[a] - series.fleet_median) < std::abs(medians[b] - series.fleet_median);
  });
  const VerdictRule rule{options.alpha, options.threshold};
  for (std::size_t i = 0; i < builder.samples.size(); ++i) {
    NodeFigure figure;
    figure.node = builder.samples[i].first;
    figure.n = builder.samples[i].second.size();
    figure.median = medians[i];
    figure.deviation = series.fleet_median != 0
                           ? (medians[i] - series.fleet_median) / series.fleet_median
                           : std::nan("");
    std::vector<double> reference;
    std::optional<double> reference_noise = 0.0;
    std::size_t used = 0;
    for (std::size_t k = 0; k < nearest.size() && used < kReferenceNodes; ++k) {
      if (nearest[k] == i) continue;
      const auto& values = builder.samples[nearest[k]].second;
      reference.insert(reference.end(), values.begin(), values.end());
      const auto& noise = builder.within_noise[nearest[k]];
      reference_noise =
          noise && reference_noise ? std::max(*noise, *reference_noise) : std::optional<double>();
      ++used;
    }
    if (used > 0) {
      figure.judgement = judge(Repetitions{reference, reference_noise},
                               Repetitions{builder.samples[i].second, builder.within_noise[i]},
                               series.direction, rule);
      figure.flagged = figure.judgement->verdict == Verdict::kSlower &&
                       worse_beyond(figure.deviation, series.direction, options.threshold);
    }
    series.figures.push_back(std::move(figure));
  }
  return series;
}

void mark_headlines(std::vector<FleetSeries>& series) {
  for (const headlines::Headline& row : headlines::kHeadlines) {
    if (!drawn_per_node(row)) continue;
    FleetSeries* best = nullptr;
    for (FleetSeries& s : series) {
      if (!headlines::covers(row, s.benchmark)) continue;
      if (best == nullptr || s.fleet_median > best->fleet_median) best = &s;
    }
    if (best != nullptr) best->headline = true;
  }
}

FleetGroup build_group(std::string gpu_name, std::string profile,
                       std::vector<const NodeFileSummary*> files, const FleetOptions& options) {
  FleetGroup group;
  group.gpu_name = std::move(gpu_name);
  group.profile = std::move(profile);
  files = newest_per_node(std::move(files), group);
  for (const NodeFileSummary* file : files)
    group.nodes.push_back(file->node);
  for (SeriesBuilder& builder : collect_series(files, group)) {
    group.series.push_back(judge_series(builder, options));
  }
  mark_headlines(group.series);
  return group;
}

void validate(const FleetOptions& options) {
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw UserError(fmt::format("--alpha must lie between 0 and 1 (got {}).", options.alpha));
  }
  if (!(options.threshold >= 0.0 && options.threshold < 1.0)) {
    throw UserError(fmt::format("--threshold must be a percentage from 0 to 100 (got {}).",
                                options.threshold * 100));
  }
  const BenchmarkFilter check(options.benchmark_regex);  // a bad regex fails before reading
}

// Status files of nodes whose run failed, and of nodes that say they ran but left no results.
void add_status_files(const std::vector<std::filesystem::path>& status_files,
                      const std::set<std::string>& hosts_with_results, Fleet& fleet) {
  for (const auto& path : status_files) {
    try {
      FailedNode node = read_node_status(path);
      if (node.exit_code == 0) {
        if (hosts_with_results.contains(node.host_name)) continue;
        node.reason = "its run succeeded but no results file from it was found";
      }
      fleet.failed_nodes.push_back(std::move(node));
    } catch (const UserError& error) {
      fleet.unreadable.push_back({path, error.what()});
    }
  }
  std::stable_sort(
      fleet.failed_nodes.begin(), fleet.failed_nodes.end(),
      [](const FailedNode& a, const FailedNode& b) { return a.host_name < b.host_name; });
}

}  // namespace

std::string node_label(const FleetNode& node) {
  if (!node.gpu_index.empty()) return fmt::format("{}/gpu{}", node.host_name, node.gpu_index);
  if (!node.gpu_uuid.empty()) return fmt::format("{}/{}", node.host_name, node.gpu_uuid);
  return node.host_name;
}

std::string failed_node_label(const FailedNode& node) {
  return node.task.empty() ? node.host_name
                           : fmt::format("{} (task {})", node.host_name, node.task);
}

std::size_t FleetGroup::flagged_count() const {
  std::size_t count = 0;
  for (const FleetSeries& s : series) {
    for (const NodeFigure& figure : s.figures)
      count += figure.flagged ? 1 : 0;
  }
  return count;
}

bool Fleet::any_flagged() const {
  return std::any_of(groups.begin(), groups.end(),
                     [](const FleetGroup& group) { return group.flagged_count() > 0; });
}

std::string describe_run_exit(int exit_code) {
  switch (exit_code) {
    case 0:
      return "its run succeeded";
    case 1:
      return "a benchmark failed on this node (failed verification or a GPU that failed)";
    case 2:
      return std::string(kNoUsableGpu);
    case 124:
      return "its run was stopped by a time limit";
    case 129:
    case 130:
    case 143:
      return fmt::format("its run was interrupted (exit {})", exit_code);
    default:
      return fmt::format("its run ended with exit code {}", exit_code);
  }
}

FailedNode read_node_status(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw UserError(
        fmt::format("Cannot read node status file {}: it cannot be opened.", path.string()));
  }
  std::map<std::string, std::string> fields;
  std::string line;
  while (std::getline(in, line)) {
    const auto equals = line.find('=');
    if (equals != std::string::npos) fields[line.substr(0, equals)] = line.substr(equals + 1);
  }
  FailedNode node;
  node.status_file = path;
  node.host_name = fields["host_name"];
  node.task = fields["task"];
  node.devices = fields["devices"];
  node.message = fields["message"];
  const std::string& code = fields["exit_code"];
  const auto [end, error] = std::from_chars(code.data(), code.data() + code.size(), node.exit_code);
  if (node.host_name.empty() || code.empty() || error != std::errc{} ||
      end != code.data() + code.size()) {
    throw UserError(fmt::format(
        "Cannot read node status file {}: it needs host_name=... and a numeric exit_code=... "
        "lines.",
        path.string()));
  }
  node.reason = describe_run_exit(node.exit_code);
  return node;
}

std::vector<std::filesystem::path> collect_node_status_files(
    const std::vector<std::filesystem::path>& inputs) {
  namespace fs = std::filesystem;
  std::set<fs::path> found;
  for (const auto& input : inputs) {
    std::error_code error;
    if (!fs::is_directory(input, error)) {
      if (input.filename() == kNodeStatusFileName) found.insert(input.lexically_normal());
      continue;
    }
    fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied,
                                        error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (it->path().filename() == kNodeStatusFileName) found.insert(it->path().lexically_normal());
    }
  }
  return {found.begin(), found.end()};
}

std::vector<std::string_view> headline_labels() {
  std::vector<std::string_view> labels;
  for (const headlines::Headline& row : headlines::kHeadlines) {
    if (drawn_per_node(row)) labels.push_back(row.short_label);
  }
  return labels;
}

std::vector<std::optional<NodeHeadline>> headline_figures(const ResultsFile& file) {
  const std::vector<RunSamples> runs =
      extract_samples(file, MetricSelector(std::nullopt, false, counters::kFleet));
  std::vector<std::optional<NodeHeadline>> figures;
  for (const headlines::Headline& row : headlines::kHeadlines) {
    if (!drawn_per_node(row)) continue;
    std::optional<NodeHeadline> best;
    for (const RunSamples& run : runs) {
      if (run.failure || run.metrics.empty() || !headlines::covers(row, run.run_name)) continue;
      const auto& [metric, samples] = *run.metrics.begin();
      const double median = stats::median(samples.values);
      if (!best || median > best->median) best = {run.run_name, metric, samples.unit, median};
    }
    figures.push_back(std::move(best));
  }
  return figures;
}

Fleet build_fleet(const std::vector<std::filesystem::path>& result_files,
                  const std::vector<std::filesystem::path>& status_files,
                  const FleetOptions& options) {
  validate(options);
  Fleet fleet;
  fleet.options = options;
  const std::vector<NodeFileSummary> summaries = summarise_files(result_files, options);
  std::map<std::pair<std::string, std::string>, std::vector<const NodeFileSummary*>> by_model;
  std::set<std::string> hosts_with_results;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const NodeFileSummary& summary = summaries[i];
    if (summary.error) {
      fleet.unreadable.push_back({result_files[i], *summary.error});
      continue;
    }
    ++fleet.files_read;
    hosts_with_results.insert(summary.node.host_name);
    by_model[{summary.gpu_name, summary.profile}].push_back(&summary);
  }
  for (auto& [key, files] : by_model) {
    fleet.groups.push_back(build_group(key.first, key.second, std::move(files), options));
  }
  add_status_files(status_files, hosts_with_results, fleet);
  return fleet;
}

}  // namespace gpubench
