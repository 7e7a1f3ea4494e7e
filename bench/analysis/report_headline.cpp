// The report's opening lines: the card's headline figures, each against its documented spec and
// the counterpart's: the DRAM triad, the best measured figure of each documented rate (FP32, FP16
// tensor with FP32 accumulate first; tensor precisions from the GEMMs when the run has them), and
// the fastest pinned host-to-device copy: the rows of gpubench/headlines.hpp, in its order.

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "analysis/pcie_link.hpp"
#include "analysis/report_detail.hpp"
#include "gpubench/headlines.hpp"

namespace gpubench::report_detail {
namespace {

struct Found {
  const ReportRow* row = nullptr;
  std::string family;
};

template <typename Accept>
Found best_row(const Report& report, Accept accept) {
  Found best;
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (row.failed || row.counter.empty() || !accept(family.name, row)) continue;
        if (best.row == nullptr || row.measured > best.row->measured) best = {&row, family.name};
      }
    }
  }
  return best;
}

HeadlineFigure from_row(std::string what, const Found& found) {
  const ReportRow& row = *found.row;
  HeadlineFigure figure;
  figure.what = std::move(what);
  figure.benchmark = fmt::format("{}/{}", found.family, row.benchmark);
  figure.unit = row.unit;
  figure.measured = row.measured;
  figure.spec_key = row.spec_key;
  figure.this_spec = row.this_spec;
  figure.pct_of_spec = row.pct_of_spec;
  figure.counterpart_spec = row.counterpart_spec;
  figure.projected_counterpart = row.projected_counterpart;
  figure.reasons = row.reasons;
  return figure;
}

// The report's name of a row: "memory/stream/triad" for "stream/triad" of family "memory".
bool covers(const headlines::Headline& headline, const std::string& family, const ReportRow& row) {
  return headlines::covers(headline, fmt::format("{}/{}", family, row.benchmark));
}

// Host to device: the fastest pinned transfer, against the documented PCIe link when the sheets
// give generation and lanes.
void add_host_to_device(Report& report, const headlines::Headline& headline) {
  const Found found = best_row(report, [&](const std::string& family, const ReportRow& row) {
    return row.kind == FigureKind::kBandwidth && covers(headline, family, row);
  });
  if (found.row == nullptr) return;
  HeadlineFigure figure = from_row(std::string(headline.label), found);
  figure.this_spec = pcie_link_gbs(report.sheet);
  if (figure.this_spec) {
    figure.spec_basis =
        fmt::format("PCIe {:g}.0 x{:g} link rate", *report.sheet.number("pcie_generation"),
                    *report.sheet.number("pcie_lanes"));
    figure.pct_of_spec = figure.measured / *figure.this_spec * 100;
    if (report.counterpart) figure.counterpart_spec = pcie_link_gbs(*report.counterpart);
    if (figure.counterpart_spec) {
      figure.projected_counterpart =
          project_to_counterpart(figure.measured, *figure.this_spec, *figure.counterpart_spec);
    }
  }
  report.headline.push_back(std::move(figure));
}

// A documented rate: the best figure compared with its spec key. Tensor-core precisions: what a
// program gets through a GEMM, when the run has one, rather than the mma.sync microbenchmark.
Found best_rate(const Report& report, std::string_view spec_key) {
  auto of_rate = [&](const std::string&, const ReportRow& row) {
    return row.kind == FigureKind::kCompute && row.spec_key == spec_key;
  };
  Found best;
  if (spec_key.find("tensor") != std::string_view::npos) {
    best = best_row(report, [&](const std::string& family, const ReportRow& row) {
      return family == "gemm" && of_rate(family, row);
    });
  }
  return best.row != nullptr ? best : best_row(report, of_rate);
}

}  // namespace

void add_headline(Report& report) {
  for (const headlines::Headline& headline : headlines::kHeadlines) {
    if (headline.spec_key.empty()) {
      add_host_to_device(report, headline);
      continue;
    }
    // A rate: the best figure of its spec key; a bandwidth: the headline benchmark itself.
    const Found found =
        is_rate_spec_key(headline.spec_key)
            ? best_rate(report, headline.spec_key)
            : best_row(report, [&](const std::string& family, const ReportRow& row) {
                return covers(headline, family, row);
              });
    if (found.row != nullptr)
      report.headline.push_back(from_row(std::string(headline.label), found));
  }
}

}  // namespace gpubench::report_detail

namespace gpubench {

// GB/s one direction of a PCIe link: 2.5/5 GT/s with 8b/10b (gen 1-2), 8/16/32 GT/s with 128b/130b
// (gen 3-5), per the PCI Express Base Specifications; nullopt for anything else.
std::optional<double> pcie_link_gbs(const SpecSheet& sheet) {
  const auto generation = sheet.number("pcie_generation");
  const auto lanes = sheet.number("pcie_lanes");
  if (!generation || !lanes) return std::nullopt;
  constexpr std::array<double, 5> kGtPerS = {2.5, 5, 8, 16, 32};
  const int index = static_cast<int>(std::lround(*generation)) - 1;
  if (index < 0 || index >= static_cast<int>(kGtPerS.size())) return std::nullopt;
  const double encoding = index < 2 ? 8.0 / 10.0 : 128.0 / 130.0;
  return kGtPerS[static_cast<std::size_t>(index)] * encoding / 8 * *lanes;
}

}  // namespace gpubench
