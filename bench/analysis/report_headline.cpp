// The report's opening lines: the card's headline figures, each against its documented spec and
// the counterpart's: the DRAM triad, the best measured figure of each documented rate (FP32, FP16
// tensor with FP32 accumulate first; tensor precisions from the GEMMs when the run has them), and
// the fastest pinned host-to-device copy. Chosen by spec key and counter, not by row names.

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "analysis/pcie_link.hpp"
#include "analysis/report_detail.hpp"

namespace gpubench::report_detail {
namespace {

struct RateLabel {
  std::string_view spec_key;
  std::string_view label;
};
// In the order the headline lists them: FP32 and FP16 tensor with FP32 accumulate first.
constexpr std::array<RateLabel, 10> kRateLabels = {{
    {"fp32_tflops", "FP32"},
    {"fp16_tensor_fp32acc_tflops", "FP16 tensor, FP32 accumulate"},
    {"fp16_tensor_fp16acc_tflops", "FP16 tensor, FP16 accumulate"},
    {"bf16_tensor_tflops", "BF16 tensor"},
    {"tf32_tensor_tflops", "TF32 tensor"},
    {"fp8_tensor_fp32acc_tflops", "FP8 tensor, FP32 accumulate"},
    {"fp8_tensor_fp16acc_tflops", "FP8 tensor, FP16 accumulate"},
    {"int8_tensor_tops", "INT8 tensor"},
    {"fp16_tflops", "FP16 (no tensor cores)"},
    {"fp64_tflops", "FP64"},
}};

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

// Host to device: the fastest pinned transfer, against the documented PCIe link when the sheets
// give generation and lanes.
void add_host_to_device(Report& report) {
  const Found found = best_row(report, [](const std::string& family, const ReportRow& row) {
    return family == "memory" && row.kind == FigureKind::kBandwidth &&
           row.benchmark.starts_with("h2d/pinned");
  });
  if (found.row == nullptr) return;
  HeadlineFigure figure = from_row("Host to device (pinned)", found);
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

}  // namespace

void add_headline(Report& report) {
  const Found triad = best_row(report, [](const std::string& family, const ReportRow& row) {
    return family == "memory" && row.benchmark == "stream/triad";
  });
  if (triad.row != nullptr) report.headline.push_back(from_row("DRAM triad", triad));
  for (const RateLabel& rate : kRateLabels) {
    auto of_rate = [&](const std::string&, const ReportRow& row) {
      return row.kind == FigureKind::kCompute && row.spec_key == rate.spec_key;
    };
    // Tensor-core precisions: what a program gets through a GEMM, when the run has one, rather
    // than the mma.sync microbenchmark.
    Found best;
    if (rate.spec_key.find("tensor") != std::string_view::npos) {
      best = best_row(report, [&](const std::string& family, const ReportRow& row) {
        return family == "gemm" && of_rate(family, row);
      });
    }
    if (best.row == nullptr) best = best_row(report, of_rate);
    if (best.row != nullptr) report.headline.push_back(from_row(std::string(rate.label), best));
  }
  add_host_to_device(report);
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
