#include "render/fleet_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "model/results_file.hpp"
#include "model/statistics.hpp"
#include "render/embedded_scripts.hpp"
#include "render/json_values.hpp"
#include "render/markup.hpp"
#include "render/text_table.hpp"

namespace gpubench {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string figure_name(const FleetSeries& series) {
  return series.unit.empty() ? series.metric : fmt::format("{} [{}]", series.metric, series.unit);
}

std::string drivers_of(const FleetGroup& group) {
  std::set<std::string, DriverVersionLess> drivers;
  for (const FleetNode& node : group.nodes)
    drivers.insert(node.driver_version);
  std::string out;
  for (const auto& driver : drivers)
    out += (out.empty() ? "" : ", ") + driver;
  return out;
}

std::string group_title(const FleetGroup& group) {
  return fmt::format("{}, {} profile", group.gpu_name, group.profile);
}

std::string group_line(const FleetGroup& group) {
  return fmt::format("{} node{} (driver {}), {} benchmark{} judged", group.nodes.size(),
                     group.nodes.size() == 1 ? "" : "s", drivers_of(group), group.series.size(),
                     group.series.size() == 1 ? "" : "s");
}

// Per flagged node: how many figures, the median change and the worst one.
struct NodeFlags {
  std::size_t count = 0;
  std::vector<double> deviations;
  const FleetSeries* worst = nullptr;
  double worst_deviation = 0;
};

std::map<std::size_t, NodeFlags> flags_by_node(const FleetGroup& group) {
  std::map<std::size_t, NodeFlags> by_node;
  for (const FleetSeries& series : group.series) {
    for (const NodeFigure& figure : series.figures) {
      if (!figure.flagged) continue;
      NodeFlags& flags = by_node[figure.node];
      ++flags.count;
      flags.deviations.push_back(figure.deviation);
      if (flags.worst == nullptr || std::abs(figure.deviation) > std::abs(flags.worst_deviation)) {
        flags.worst = &series;
        flags.worst_deviation = figure.deviation;
      }
    }
  }
  return by_node;
}

std::vector<std::vector<std::string>> flagged_rows(const FleetGroup& group) {
  std::vector<std::vector<std::string>> rows;
  for (const FleetSeries& series : group.series) {
    for (const NodeFigure& figure : series.figures) {
      if (!figure.flagged) continue;
      rows.push_back({node_label(group.nodes[figure.node]), series.benchmark, figure_name(series),
                      format_value(figure.median), format_value(series.fleet_median),
                      format_percent(figure.deviation),
                      format_p(figure.judgement ? figure.judgement->p_value : std::nullopt)});
    }
  }
  return rows;
}

const std::vector<std::string> kFlaggedHeader = {"node",         "benchmark", "figure", "node",
                                                 "fleet median", "change",    "p"};
const std::vector<std::string> kSeriesHeader = {
    "benchmark", "figure", "fleet median", "spread (IQR)", "min", "max", "nodes", "flagged"};

std::vector<std::vector<std::string>> series_rows(const FleetGroup& group) {
  std::vector<std::vector<std::string>> rows;
  for (const FleetSeries& series : group.series) {
    std::size_t flagged = 0;
    for (const NodeFigure& figure : series.figures)
      flagged += figure.flagged ? 1 : 0;
    rows.push_back({series.benchmark, figure_name(series), format_value(series.fleet_median),
                    format_percent(series.spread, false), format_value(series.min),
                    format_value(series.max), std::to_string(series.figures.size()),
                    std::to_string(flagged)});
  }
  return rows;
}

// Failed nodes, failed benchmarks, contended figures and unreadable files, one line each.
std::vector<std::string> not_judged_lines(const Fleet& fleet) {
  std::vector<std::string> lines;
  for (const FailedNode& node : fleet.failed_nodes) {
    lines.push_back(fmt::format("{}: {}{}", failed_node_label(node), node.reason,
                                node.message.empty() ? "" : fmt::format(" ({})", node.message)));
  }
  for (const FleetGroup& group : fleet.groups) {
    for (const NodeBenchmarkNote& note : group.failed) {
      lines.push_back(fmt::format("{}: {} failed: {}", node_label(group.nodes[note.node]),
                                  note.benchmark, note.reason));
    }
    for (const NodeBenchmarkNote& note : group.contended) {
      lines.push_back(fmt::format("{}: {} not judged: {}", node_label(group.nodes[note.node]),
                                  note.benchmark, note.reason));
    }
    for (const FleetNode& node : group.superseded) {
      lines.push_back(fmt::format("{}: older run {} not judged (a newer run of this node is)",
                                  node_label(node), node.path.string()));
    }
  }
  for (const SkippedFile& file : fleet.unreadable)
    lines.push_back(fmt::format("{}: unreadable: {}", file.path.string(), file.reason));
  return lines;
}

std::string summary_sentence(const Fleet& fleet) {
  std::size_t nodes = 0, flagged_nodes = 0;
  for (const FleetGroup& group : fleet.groups) {
    nodes += group.nodes.size();
    flagged_nodes += flags_by_node(group).size();
  }
  return fmt::format(
      "{} results file{} read, {} node{} in {} group{}; {} node{} flagged; {} failed node{}, {} "
      "unreadable file{}. A node is flagged on a benchmark when its primary figure is worse than "
      "the fleet median by more than {:.1f}% and SLOWER than the nodes nearest the fleet median by "
      "compare's verdict rule (beyond the recorded noise; rank test at alpha {} for files without "
      "it).",
      fleet.files_read, fleet.files_read == 1 ? "" : "s", nodes, nodes == 1 ? "" : "s",
      fleet.groups.size(), fleet.groups.size() == 1 ? "" : "s", flagged_nodes,
      flagged_nodes == 1 ? "" : "s", fleet.failed_nodes.size(),
      fleet.failed_nodes.size() == 1 ? "" : "s", fleet.unreadable.size(),
      fleet.unreadable.size() == 1 ? "" : "s", fleet.options.threshold * 100.0,
      fleet.options.alpha);
}

// Contended and failed figures of one node collapse to one line in the short text output.
std::vector<std::string> short_not_judged_lines(const Fleet& fleet) {
  std::vector<std::string> lines;
  for (const FailedNode& node : fleet.failed_nodes) {
    lines.push_back(fmt::format("{}: {}{}", failed_node_label(node), node.reason,
                                node.message.empty() ? "" : fmt::format(" ({})", node.message)));
  }
  for (const FleetGroup& group : fleet.groups) {
    auto collapse = [&](const std::vector<NodeBenchmarkNote>& notes, std::string_view what) {
      std::map<std::size_t, std::vector<std::string>> by_node;
      for (const auto& note : notes)
        by_node[note.node].push_back(note.benchmark);
      for (const auto& [node, names] : by_node) {
        lines.push_back(fmt::format("{}: {} {} figure{} not judged (first: {})",
                                    node_label(group.nodes[node]), names.size(), what,
                                    names.size() == 1 ? "" : "s", names.front()));
      }
    };
    collapse(group.failed, "failed");
    collapse(group.contended, "contended");
    if (!group.superseded.empty()) {
      lines.push_back(fmt::format("{} older run{} of nodes with a newer one not judged",
                                  group.superseded.size(),
                                  group.superseded.size() == 1 ? "" : "s"));
    }
  }
  for (const SkippedFile& file : fleet.unreadable)
    lines.push_back(fmt::format("{}: unreadable: {}", file.path.string(), file.reason));
  return lines;
}

std::string text_group(const FleetGroup& group, bool verbose) {
  std::string out = fmt::format("{}: {}\n", group_title(group), group_line(group));
  const auto by_node = flags_by_node(group);
  if (by_node.empty()) {
    out += "  no node flagged\n";
  }
  for (const auto& [node, flags] : by_node) {
    out += fmt::format("  FLAGGED {}: {} of {} figures, median change {}, worst {} {}\n",
                       node_label(group.nodes[node]), flags.count, group.series.size(),
                       format_percent(stats::median(flags.deviations)), flags.worst->benchmark,
                       format_percent(flags.worst_deviation));
  }
  if (verbose) {
    const auto right = [](std::size_t column) { return column >= 2; };
    if (!by_node.empty()) {
      out += format_text_table(kFlaggedHeader, flagged_rows(group), right, "  ");
    }
    out += format_text_table(kSeriesHeader, series_rows(group), right, "  ");
  }
  return out;
}

ordered_json node_json(const FleetNode& node) {
  return {{"label", node_label(node)},
          {"host_name", node.host_name},
          {"gpu_index", node.gpu_index},
          {"gpu_uuid", node.gpu_uuid},
          {"driver_version", node.driver_version},
          {"date", node.date},
          {"path", node.path.string()}};
}

ordered_json notes_json(const FleetGroup& group, const std::vector<NodeBenchmarkNote>& notes) {
  ordered_json out = ordered_json::array();
  for (const auto& note : notes) {
    out.push_back({{"node", node_label(group.nodes[note.node])},
                   {"benchmark", note.benchmark},
                   {"reason", note.reason}});
  }
  return out;
}

ordered_json series_json(const FleetGroup& group, const FleetSeries& series) {
  ordered_json figures = ordered_json::array();
  for (const NodeFigure& figure : series.figures) {
    const auto& j = figure.judgement;
    figures.push_back({{"node", node_label(group.nodes[figure.node])},
                       {"n", figure.n},
                       {"median", figure.median},
                       {"change", number_or_null(figure.deviation)},
                       {"verdict", j ? ordered_json(to_string(j->verdict)) : ordered_json()},
                       {"p_value", number_or_null(j ? j->p_value : std::nullopt)},
                       {"reason", j ? ordered_json(j->reason) : ordered_json()},
                       {"flagged", figure.flagged}});
  }
  return {{"benchmark", series.benchmark},
          {"metric", series.metric},
          {"unit", series.unit},
          {"direction", to_string(series.direction)},
          {"headline", series.headline},
          {"fleet_median", series.fleet_median},
          {"relative_iqr", number_or_null(series.spread)},
          {"min", series.min},
          {"max", series.max},
          {"nodes", std::move(figures)}};
}

ordered_json group_json(const FleetGroup& group) {
  ordered_json nodes = ordered_json::array(), superseded = ordered_json::array(),
               series = ordered_json::array();
  for (const FleetNode& node : group.nodes)
    nodes.push_back(node_json(node));
  for (const FleetNode& node : group.superseded)
    superseded.push_back(node_json(node));
  for (const FleetSeries& s : group.series)
    series.push_back(series_json(group, s));
  return {{"gpu_name", group.gpu_name},
          {"profile", group.profile},
          {"flagged", group.flagged_count()},
          {"nodes", std::move(nodes)},
          {"superseded", std::move(superseded)},
          {"failed_benchmarks", notes_json(group, group.failed)},
          {"contended", notes_json(group, group.contended)},
          {"series", std::move(series)}};
}

struct Section {
  std::string title;
  std::vector<std::string> paragraphs;
  std::vector<std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>>> tables;
  std::vector<std::string> bullets;
  std::vector<std::string> plots;  // plot names (HTML only)
};

std::vector<Section> document_sections(const Fleet& fleet) {
  std::vector<Section> sections;
  sections.push_back({"Summary", {summary_sentence(fleet)}, {}, {}, {}});
  for (const FleetGroup& group : fleet.groups) {
    Section section{group_title(group), {group_line(group) + "."}, {}, {}, {}};
    const auto flagged = flagged_rows(group);
    if (flagged.empty()) {
      section.paragraphs.push_back("No node flagged.");
    } else {
      section.tables.emplace_back(kFlaggedHeader, flagged);
    }
    for (const FleetSeries& series : group.series) {
      const bool has_flag = std::any_of(series.figures.begin(), series.figures.end(),
                                        [](const NodeFigure& f) { return f.flagged; });
      if (series.headline || has_flag) {
        section.plots.push_back(group_title(group) + ": " + series.benchmark);
      }
    }
    section.tables.emplace_back(kSeriesHeader, series_rows(group));
    sections.push_back(std::move(section));
  }
  Section not_judged{"Not judged", {}, {}, not_judged_lines(fleet), {}};
  if (not_judged.bullets.empty()) not_judged.paragraphs.push_back("Everything was judged.");
  sections.push_back(std::move(not_judged));
  return sections;
}

constexpr std::string_view kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 78em; padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; text-align: left; }
th { background: #f3f4f6; } figure img { max-width: 100%; border: 1px solid #eee; }
)css";

// Plots are named "<group title>: <benchmark>"; at most this many, so that a fleet where every
// figure is flagged still gives a readable page.
constexpr std::size_t kMaxPlots = 24;

}  // namespace

std::string format_fleet_text(const Fleet& fleet, bool verbose) {
  std::string out;
  for (const FleetGroup& group : fleet.groups)
    out += text_group(group, verbose) + "\n";
  const auto lines = verbose ? not_judged_lines(fleet) : short_not_judged_lines(fleet);
  if (!lines.empty()) {
    out += "Not judged:\n";
    for (const auto& line : lines)
      out += "  " + line + "\n";
    out += "\n";
  }
  return out + summary_sentence(fleet) + "\n";
}

std::string fleet_to_json(const Fleet& fleet) {
  ordered_json out = versioned_document(kFleetJsonSchema);
  out["options"] = {{"alpha", fleet.options.alpha},
                    {"threshold", fleet.options.threshold},
                    {"benchmark_regex", value_or_null(fleet.options.benchmark_regex)}};
  out["files_read"] = fleet.files_read;
  out["flagged"] = fleet.any_flagged();
  ordered_json unreadable = ordered_json::array(), failed = ordered_json::array(),
               groups = ordered_json::array();
  for (const SkippedFile& file : fleet.unreadable)
    unreadable.push_back({{"path", file.path.string()}, {"reason", file.reason}});
  for (const FailedNode& node : fleet.failed_nodes) {
    failed.push_back({{"host_name", node.host_name},
                      {"task", node.task},
                      {"devices", node.devices},
                      {"exit_code", node.exit_code},
                      {"reason", node.reason},
                      {"message", node.message},
                      {"status_file", node.status_file.string()}});
  }
  for (const FleetGroup& group : fleet.groups)
    groups.push_back(group_json(group));
  out["unreadable"] = std::move(unreadable);
  out["failed_nodes"] = std::move(failed);
  out["groups"] = std::move(groups);
  return out.dump(2) + "\n";
}

std::string fleet_to_csv(const Fleet& fleet) {
  std::string out =
      "gpu_name,profile,benchmark,metric,unit,node,host_name,gpu_index,n,median,fleet_median,"
      "change,p_value,verdict,flagged\n";
  for (const FleetGroup& group : fleet.groups) {
    for (const FleetSeries& series : group.series) {
      for (const NodeFigure& figure : series.figures) {
        const FleetNode& node = group.nodes[figure.node];
        const auto& j = figure.judgement;
        out += fmt::format(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(group.gpu_name),
            csv_field(group.profile), csv_field(series.benchmark), csv_field(series.metric),
            csv_field(series.unit), csv_field(node_label(node)), csv_field(node.host_name),
            csv_field(node.gpu_index), figure.n, csv_number(figure.median),
            csv_number(series.fleet_median), csv_number(figure.deviation),
            j && j->p_value ? csv_number(*j->p_value) : "", j ? to_string(j->verdict) : "",
            figure.flagged ? 1 : 0);
      }
    }
  }
  return out;
}

std::string render_fleet_markdown(const Fleet& fleet) {
  std::string out = "# gpubench fleet report\n\n";
  for (const Section& section : document_sections(fleet)) {
    out += fmt::format("## {}\n\n", section.title);
    for (const auto& paragraph : section.paragraphs)
      out += paragraph + "\n\n";
    for (const auto& [header, rows] : section.tables)
      out += markdown_table(header, rows) + "\n";
    for (const auto& bullet : section.bullets)
      out += "- " + bullet + "\n";
    if (!section.bullets.empty()) out += "\n";
  }
  return out + "Plots of each headline figure per node are in the HTML report (-o fleet.html).\n";
}

std::string render_fleet_html(const Fleet& fleet, const std::vector<EmbeddedPlot>& plots,
                              std::string_view plot_problem) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"generator\" content=\"gpubench {}\">\n<title>gpubench fleet report</title>\n"
      "<style>{}</style>\n</head>\n<body>\n<h1>gpubench fleet report</h1>\n",
      escape_markup(gpubench_version()), kStyle);
  if (!plot_problem.empty()) {
    out += fmt::format("<p>Plots unavailable: {}</p>\n", escape_markup(plot_problem));
  }
  for (const Section& section : document_sections(fleet)) {
    out += fmt::format("<h2>{}</h2>\n", escape_markup(section.title));
    for (const auto& paragraph : section.paragraphs)
      out += fmt::format("<p>{}</p>\n", escape_markup(paragraph));
    for (const auto& name : section.plots) {
      const auto found = std::find_if(plots.begin(), plots.end(),
                                      [&](const EmbeddedPlot& plot) { return plot.name == name; });
      if (found == plots.end()) continue;
      out += fmt::format(
          "<figure>\n<img alt=\"{0}\" src=\"data:image/png;base64,{1}\">\n"
          "<figcaption>{0}</figcaption>\n</figure>\n",
          escape_markup(found->caption), base64_encode(found->png));
    }
    for (const auto& [header, rows] : section.tables)
      out += html_table(header, rows);
    if (!section.bullets.empty()) {
      out += "<ul>\n";
      for (const auto& bullet : section.bullets)
        out += fmt::format("<li>{}</li>\n", escape_markup(bullet));
      out += "</ul>\n";
    }
  }
  return out + "</body>\n</html>\n";
}

std::string fleet_plot_input_json(const Fleet& fleet) {
  ordered_json plots = ordered_json::array();
  for (const Section& section : document_sections(fleet)) {
    for (const std::string& name : section.plots) {
      if (plots.size() >= kMaxPlots) break;
      for (const FleetGroup& group : fleet.groups) {
        for (const FleetSeries& series : group.series) {
          if (group_title(group) + ": " + series.benchmark != name) continue;
          ordered_json nodes = ordered_json::array();
          for (const NodeFigure& figure : series.figures) {
            nodes.push_back({{"label", node_label(group.nodes[figure.node])},
                             {"value", figure.median},
                             {"flagged", figure.flagged}});
          }
          plots.push_back({{"name", name},
                           {"title", fmt::format("{} per node ({})", name, figure_name(series))},
                           {"unit", figure_name(series)},
                           {"fleet_median", series.fleet_median},
                           {"threshold", fleet.options.threshold},
                           {"higher_is_better", series.direction == Direction::kHigherIsBetter},
                           {"nodes", std::move(nodes)}});
        }
      }
    }
  }
  return ordered_json{{"plots", std::move(plots)}}.dump(1);
}

std::vector<EmbeddedPlot> render_fleet_plots(const Fleet& fleet, std::string& problem,
                                             const std::filesystem::path& script) {
  return draw_plots(fleet_plot_input_json(fleet), builtin_fleet_plot_script(), script, problem);
}

}  // namespace gpubench
