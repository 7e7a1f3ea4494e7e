#pragma once
// What the report's translation units share (analysis/report*.cpp); not part of the report's API.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/reasons.hpp"
#include "analysis/report.hpp"

namespace gpubench::report_detail {

inline constexpr double kMiB = 1024.0 * 1024.0;

std::optional<double> counter(const MeasuredBenchmark& benchmark, std::string_view name);
std::string without_family(std::string_view name);
std::string last_component(std::string_view name);
std::string text_value(const SpecSheet& sheet, std::string_view key);
std::string format_bytes_short(double bytes);
std::string per_watt_unit(FigureKind kind);

// How far "this card's efficiency applied to the counterpart's documented figure" holds.
std::string projection_note(const SpecSheet& sheet, const std::optional<SpecSheet>& counterpart,
                            bool has_bandwidth, bool has_compute, bool specs_only = false);
void add_decode(Report& report);
// The documented rates a projection onto the counterpart cannot carry, by spec key.
std::vector<UnprojectedRate> unprojected_rates(const Report& report);
void add_meaning(Report& report, bool documented_only);

// Everything the rows of one run share while they are built.
struct RowContext {
  const Report& report;
  std::optional<double> counterpart_l2_bytes;
  bool sheet_changed_warned = false;
  ReasonContext reasons;
};
// One benchmark's row: its figure, documented comparison, power and notes. Adds to the report's
// warnings through `warnings` (at most one "the sheet changed" warning per report).
ReportRow make_row(const MeasuredBenchmark& benchmark, RowContext& context,
                   std::vector<std::string>& warnings);
// The rows' plot points (working set, roofline, GEMM sizes, host-device transfers).
void add_plot_points(Report& report, const MeasuredBenchmark& benchmark, const ReportRow& row);
// The report's opening lines (report.headline), once every row is built.
void add_headline(Report& report);

}  // namespace gpubench::report_detail
