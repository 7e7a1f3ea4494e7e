#include "render/history_render.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "render/json_values.hpp"
#include "render/text_table.hpp"

namespace gpubench {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string format_change(double change) {
  if (!std::isfinite(change)) return "-";
  return fmt::format("{:+.1f}%", change * 100.0);
}

const HistoryStep* step_into(const HistorySeries& series, std::size_t column) {
  for (const auto& step : series.steps) {
    if (step.to == column) return &step;
  }
  return nullptr;
}

bool is_marked(const HistoryStep* step) {
  return step != nullptr && (step->judgement.verdict == Verdict::kFaster ||
                             step->judgement.verdict == Verdict::kSlower);
}

ordered_json series_to_json(const HistoryGroup& group, const HistorySeries& series) {
  ordered_json points = ordered_json::array();
  for (std::size_t column = 0; column < series.points.size(); ++column) {
    const auto& point = series.points[column];
    if (!point) {
      points.push_back(nullptr);
      continue;
    }
    points.push_back({{"driver_version", group.drivers[column].driver_version},
                      {"runs", point->runs},
                      {"n", point->n},
                      {"median", point->median},
                      {"relative_iqr", number_or_null(point->spread)},
                      {"noise", number_or_null(point->noise)},
                      {"contended_runs", point->contended_runs}});
  }
  ordered_json steps = ordered_json::array();
  for (const auto& step : series.steps) {
    const Judgement& j = step.judgement;
    steps.push_back({{"from", group.drivers[step.from].driver_version},
                     {"to", group.drivers[step.to].driver_version},
                     {"change", number_or_null(j.change)},
                     {"method", to_string(j.method)},
                     {"detectable_change", number_or_null(j.detectable_change)},
                     {"p_value", number_or_null(j.p_value)},
                     {"verdict", to_string(j.verdict)},
                     {"reason", j.reason}});
  }
  return ordered_json({{"benchmark", series.benchmark},
                       {"metric", series.metric},
                       {"unit", series.unit},
                       {"direction", to_string(series.direction)},
                       {"points", std::move(points)},
                       {"steps", std::move(steps)}});
}

}  // namespace

std::string format_history_table(const History& history) {
  std::string out;
  for (const HistoryGroup& group : history.groups) {
    std::size_t runs = 0;
    for (const auto& driver : group.drivers)
      runs += driver.runs.size();
    out += fmt::format("{}: {} run{} on {} driver version{}\n", group.gpu_name, runs,
                       runs == 1 ? "" : "s", group.drivers.size(),
                       group.drivers.size() == 1 ? "" : "s");
    for (const auto& driver : group.drivers) {
      const std::string& first = driver.runs.front().date;
      const std::string& last = driver.runs.back().date;
      out += fmt::format("  driver {}: {} run{}{}\n", driver.driver_version, driver.runs.size(),
                         driver.runs.size() == 1 ? "" : "s",
                         first.empty()   ? ""
                         : first == last ? ", " + first
                                         : fmt::format(", {} .. {}", first, last));
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"benchmark", "metric"};
    for (const auto& driver : group.drivers)
      header.push_back(driver.driver_version);
    for (const HistorySeries& series : group.series) {
      std::vector<std::string> row = {
          series.benchmark,
          series.unit.empty() ? series.metric : fmt::format("{} [{}]", series.metric, series.unit)};
      for (std::size_t column = 0; column < series.points.size(); ++column) {
        const auto& point = series.points[column];
        if (!point) {
          row.emplace_back("-");
          continue;
        }
        std::string cell = format_value(point->median);
        if (point->contended_runs > 0) cell += " (contended)";
        const HistoryStep* step = step_into(series, column);
        if (is_marked(step)) {
          cell += fmt::format(" {} {}", format_change(step->judgement.change),
                              to_string(step->judgement.verdict));
        }
        row.push_back(std::move(cell));
      }
      rows.push_back(std::move(row));
    }
    out += format_text_table(
        header, rows, [](std::size_t) { return false; }, "  ");
    for (const StepResolution& step : group.step_resolutions) {
      out += fmt::format("  driver {} -> {}: {}.\n", group.drivers[step.from].driver_version,
                         group.drivers[step.to].driver_version,
                         describe_resolution(step.resolution, "series"));
    }
    out += "\n";
  }
  out += fmt::format(
      "{} file{} read, {} skipped. Each cell: the median over every repetition of the runs with "
      "that driver; a step is marked SLOWER/FASTER when it exceeds {:.1f}% and {:g}x the noise, as "
      "gpubench compare judges (files without per-repetition samples: Mann-Whitney U, p < {}).\n",
      history.files_read, history.files_read == 1 ? "" : "s", history.skipped.size(),
      history.options.threshold * 100.0, kNoiseMultiple, history.options.alpha);
  return out;
}

std::string history_to_json(const History& history) {
  ordered_json out = versioned_document(kHistoryJsonSchema);
  out["options"] = {{"alpha", history.options.alpha},
                    {"threshold", history.options.threshold},
                    {"noise_multiple", kNoiseMultiple},
                    {"metric_regex", value_or_null(history.options.metric_regex)},
                    {"all_metrics", history.options.all_metrics},
                    {"benchmark_regex", value_or_null(history.options.benchmark_regex)},
                    {"allow_contended", history.options.allow_contended}};
  out["files_read"] = history.files_read;
  ordered_json skipped = ordered_json::array();
  for (const auto& file : history.skipped) {
    skipped.push_back({{"path", file.path.string()}, {"reason", file.reason}});
  }
  out["skipped"] = std::move(skipped);
  ordered_json contended = ordered_json::array();
  for (const auto& figure : history.contended) {
    contended.push_back({{"path", figure.path.string()},
                         {"benchmark", figure.benchmark},
                         {"pooled", figure.pooled}});
  }
  out["contended"] = std::move(contended);
  ordered_json groups = ordered_json::array();
  for (const HistoryGroup& group : history.groups) {
    ordered_json drivers = ordered_json::array();
    for (const auto& driver : group.drivers) {
      ordered_json runs = ordered_json::array();
      for (const auto& run : driver.runs) {
        runs.push_back({{"path", run.path.string()}, {"date", run.date}});
      }
      drivers.push_back({{"driver_version", driver.driver_version}, {"runs", std::move(runs)}});
    }
    ordered_json series_list = ordered_json::array();
    for (const HistorySeries& series : group.series)
      series_list.push_back(series_to_json(group, series));
    ordered_json resolutions = ordered_json::array();
    for (const StepResolution& step : group.step_resolutions) {
      const Resolution& r = step.resolution;
      resolutions.push_back(
          {{"from", group.drivers[step.from].driver_version},
           {"to", group.drivers[step.to].driver_version},
           {"change", r.change},
           {"rows", r.rows},
           {"resolving", r.resolving},
           {"share", r.share()},
           {"median_detectable_change", number_or_null(r.median_detectable_change)}});
    }
    groups.push_back({{"gpu_name", group.gpu_name},
                      {"drivers", std::move(drivers)},
                      {"series", std::move(series_list)},
                      {"step_resolutions", std::move(resolutions)}});
  }
  out["groups"] = std::move(groups);
  return out.dump(2) + "\n";
}

std::string history_to_csv(const History& history) {
  std::string out =
      "gpu_name,benchmark,metric,unit,driver_version,runs,n,median,relative_iqr,step_change,"
      "step_p_value,step_verdict\n";
  for (const HistoryGroup& group : history.groups) {
    for (const HistorySeries& series : group.series) {
      for (std::size_t column = 0; column < series.points.size(); ++column) {
        const auto& point = series.points[column];
        if (!point) continue;
        const HistoryStep* step = step_into(series, column);
        out +=
            fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(group.gpu_name),
                        csv_field(series.benchmark), csv_field(series.metric),
                        csv_field(series.unit), csv_field(group.drivers[column].driver_version),
                        point->runs, point->n, csv_number(point->median), csv_number(point->spread),
                        step ? csv_number(step->judgement.change) : "",
                        step && step->judgement.p_value ? csv_number(*step->judgement.p_value) : "",
                        step ? std::string(to_string(step->judgement.verdict)) : "");
      }
    }
  }
  return out;
}

}  // namespace gpubench
