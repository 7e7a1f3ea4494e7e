#pragma once
// The report as Markdown and as one self-contained HTML page with plots.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/report.hpp"

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

// What scripts/plot.py reads (JSON).
std::string plot_input_json(const Report& report);
// Runs plot.py (the copy compiled into the binary, or `script` when given) through
// run_matplotlib_script (gpubench/python_script.hpp). Returns the plots made;
// on failure returns none and sets `problem` to one sentence.
std::vector<EmbeddedPlot> render_plots(const Report& report, std::string& problem,
                                       const std::filesystem::path& script = {});
std::string_view builtin_plot_script();

std::string base64_encode(std::string_view bytes);

}  // namespace gpubench
