#pragma once
// The report as Markdown, as one self-contained HTML page with plots, as JSON for dashboards, and
// its headline as plain text for a terminal.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/report.hpp"
#include "render/embedded_scripts.hpp"

namespace gpubench {

struct EmbeddedPlot {
  std::string name;  // "working_set"
  std::string caption;
  std::string png;  // raw bytes
};

std::string render_markdown(const Report& report);
// One self-contained document: styles inline, plots as base64 PNG data URIs. `plot_problem` is
// said in the document when plots are missing.
std::string render_html(const Report& report, const std::vector<EmbeddedPlot>& plots,
                        std::string_view plot_problem);

// The headline figures as a padded plain-text table (scripts/run.sh prints it).
std::string render_headline_text(const Report& report);

// The report's data: headline, rows (with reasons and per-watt figures or why none), projections,
// warnings and the manifest (`gpubench report --json`).
std::string render_report_json(const Report& report);

// What scripts/plot.py reads (JSON).
std::string plot_input_json(const Report& report);
// Runs plot.py (the copy compiled into the binary, or `script` when given) through
// run_matplotlib_script (gpubench/python_script.hpp). Returns the plots made;
// on failure returns none and sets `problem` to one sentence.
std::vector<EmbeddedPlot> render_plots(const Report& report, std::string& problem,
                                       const std::filesystem::path& script = {});
// The machinery under render_plots, for any plot script with the same contract (argv: INPUT.json
// OUTDIR; writes PNGs and OUTDIR/plots.json [{"name", "file", "caption"}]): runs `script`, or the
// text `builtin_script` when no script is given, on `input_json` in a scratch directory.
std::vector<EmbeddedPlot> draw_plots(std::string_view input_json, std::string_view builtin_script,
                                     const std::filesystem::path& script, std::string& problem);

std::string base64_encode(std::string_view bytes);

}  // namespace gpubench
