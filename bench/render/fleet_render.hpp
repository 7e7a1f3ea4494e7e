#pragma once
// `gpubench fleet` output: a short terminal summary, JSON, CSV, Markdown and one self-contained
// HTML page with a plot of each headline figure per node, from a Fleet.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/fleet.hpp"
#include "render/report_render.hpp"

namespace gpubench {

// The flagged nodes, and every node, file and figure that was not judged; with `verbose`, a row
// for every benchmark too.
std::string format_fleet_text(const Fleet& fleet, bool verbose);
std::string fleet_to_json(const Fleet& fleet);
// One row per group, benchmark and node.
std::string fleet_to_csv(const Fleet& fleet);
std::string render_fleet_markdown(const Fleet& fleet);
std::string render_fleet_html(const Fleet& fleet, const std::vector<EmbeddedPlot>& plots,
                              std::string_view plot_problem);

// What scripts/plot_fleet.py reads: one plot per headline figure and per figure with a flagged
// node, each node's median as a bar.
std::string fleet_plot_input_json(const Fleet& fleet);
// Draws them (the compiled-in script, or `script` when given); on failure returns none and sets
// `problem` to one sentence.
std::vector<EmbeddedPlot> render_fleet_plots(const Fleet& fleet, std::string& problem,
                                             const std::filesystem::path& script = {});

}  // namespace gpubench
