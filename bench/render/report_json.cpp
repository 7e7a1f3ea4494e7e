// `gpubench report --json`: the report's data for dashboards. Absent figures are null, never
// guessed; per-watt figures appear only where the power came from a sustained window.

#include <nlohmann/json.hpp>

#include "render/json_values.hpp"
#include "render/report_render.hpp"

namespace gpubench {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string_view kind_name(FigureKind kind) {
  switch (kind) {
    case FigureKind::kBandwidth:
      return "bandwidth";
    case FigureKind::kCompute:
      return "compute";
    case FigureKind::kLatency:
      return "latency";
    case FigureKind::kRate:
      return "rate";
  }
  return "unknown";
}

std::string_view residency_name(Residency residency) {
  switch (residency) {
    case Residency::kL2:
      return "l2";
    case Residency::kL2AndDram:
      return "l2_and_dram";
    case Residency::kDram:
      return "dram";
    case Residency::kUnknown:
      break;
  }
  return "unknown";
}

ordered_json reasons_json(const std::vector<std::string>& names,
                          const std::vector<std::string>& evidence) {
  ordered_json out = ordered_json::array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    out.push_back({{"reason", names[i]},
                   {"evidence", i < evidence.size() ? text_or_null(evidence[i]) : ordered_json()}});
  }
  return out;
}

ordered_json row_json(const ReportFamily& family, const ReportSection& section,
                      const ReportRow& row) {
  ordered_json out = {
      {"benchmark", family.name + "/" + row.benchmark},
      {"family", family.name},
      {"section", text_or_null(section.name)},
      {"failed", row.failed},
  };
  if (row.failed || row.counter.empty()) {
    out["note"] = text_or_null(row.note);
    return out;
  }
  out.update(ordered_json{
      {"counter", row.counter},
      {"kind", kind_name(row.kind)},
      {"unit", row.unit},
      {"measured", row.measured},
      {"spread_pct", number_or_null(row.spread_pct)},
      {"noise_pct", number_or_null(row.noise_pct)},
      {"residency", residency_name(row.residency)},
      {"spec_key", text_or_null(row.spec_key)},
      {"this_spec", number_or_null(row.this_spec)},
      {"pct_of_spec", number_or_null(row.pct_of_spec)},
      {"counterpart_spec", number_or_null(row.counterpart_spec)},
      {"vs_counterpart", number_or_null(row.vs_counterpart)},
      {"projected_counterpart", number_or_null(row.projected_counterpart)},
      {"per_watt", number_or_null(row.per_watt)},
      {"energy_pj_per_unit", number_or_null(row.energy_pj_per_unit)},
      {"per_watt_problem", text_or_null(row.per_watt_problem)},
      {"pct_of_peak", number_or_null(row.pct_of_peak)},
      {"reasons", reasons_json(row.reasons, row.reason_evidence)},
      {"note", text_or_null(row.note)},
  });
  return out;
}

// The rates a projection onto the counterpart cannot carry: [{"spec_key", "reason"}].
ordered_json unprojected_json(const Report& report) {
  ordered_json out = ordered_json::array();
  for (const UnprojectedRate& rate : report.unprojected)
    out.push_back({{"spec_key", rate.spec_key}, {"reason", rate.reason}});
  return out;
}

ordered_json headline_json(const Report& report) {
  ordered_json out = ordered_json::array();
  for (const HeadlineFigure& figure : report.headline) {
    ordered_json reasons = ordered_json::array();
    for (const auto& reason : figure.reasons)
      reasons.push_back(reason);
    out.push_back({{"figure", figure.what},
                   {"benchmark", figure.benchmark},
                   {"unit", figure.unit},
                   {"measured", figure.measured},
                   {"spec_key", text_or_null(figure.spec_key)},
                   {"spec_basis", text_or_null(figure.spec_basis)},
                   {"this_spec", number_or_null(figure.this_spec)},
                   {"pct_of_spec", number_or_null(figure.pct_of_spec)},
                   {"counterpart_spec", number_or_null(figure.counterpart_spec)},
                   {"projected_counterpart", number_or_null(figure.projected_counterpart)},
                   {"reasons", reasons}});
  }
  return out;
}

}  // namespace

std::string render_report_json(const Report& report) {
  ordered_json manifest = ordered_json::object();
  for (const auto& [what, value] : report.manifest)
    manifest[what] = value;
  ordered_json rows = ordered_json::array();
  ordered_json projections = ordered_json::object();
  for (const ReportFamily& family : report.families) {
    for (const ReportSection& section : family.sections) {
      for (const ReportRow& row : section.rows)
        rows.push_back(row_json(family, section, row));
    }
    if (!family.projection_note.empty()) projections[family.name] = family.projection_note;
  }
  const ordered_json out = {
      {"title", report.title},
      {"run", report.run_path.string()},
      {"spec_id", report.sheet.id},
      {"counterpart_id",
       report.counterpart ? ordered_json(report.counterpart->id) : ordered_json()},
      {"benchmark_filter", text_or_null(report.benchmark_filter)},
      {"manifest", manifest},
      {"warnings", report.warnings},
      {"headline", headline_json(report)},
      {"unprojected", unprojected_json(report)},
      {"power_problem", text_or_null(report.power_problem)},
      {"dram_bandwidth_gbs", number_or_null(report.dram_bandwidth_gbs)},
      {"dram_bandwidth_source", text_or_null(report.dram_bandwidth_source)},
      {"projected_counterpart_bandwidth_gbs",
       number_or_null(report.projected_counterpart_bandwidth_gbs)},
      {"projections", projections},
      {"rows", rows},
      {"meaning", report.meaning},
  };
  return out.dump(1) + "\n";
}

}  // namespace gpubench
