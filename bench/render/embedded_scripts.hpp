#pragma once
// The matplotlib scripts compiled into gpubench (generated from scripts/*.py by CMake), so an
// installed binary draws plots from any directory with only a Python that has matplotlib.

#include <filesystem>
#include <string_view>

namespace gpubench {

std::string_view builtin_plot_script();          // scripts/plot.py: the report's plots
std::string_view builtin_history_plot_script();  // scripts/plot_history.py: history --plot
std::string_view builtin_fleet_plot_script();    // scripts/plot_fleet.py: the fleet report

// Writes `text` to directory/name and returns the path (the scripts run from a scratch copy).
std::filesystem::path write_script(const std::filesystem::path& directory, std::string_view name,
                                   std::string_view text);

}  // namespace gpubench
