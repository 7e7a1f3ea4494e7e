// Custom GEMM shapes (issue 24) in reasons, the report and its plot data, from synthetic results
// files (every value invented): the same reasons as the profile's rows, a row each in the report,
// a point each on the roofline and on the GEMM-against-size plot.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "analysis/reasons.hpp"
#include "analysis/report.hpp"
#include "gpubench/counters.hpp"
#include "render/report_render.hpp"
#include "support/report_rows.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using nlohmann::json;
using testing::FixtureRow;
using testing::make_row;
using testing::synthetic_run;
using testing::TempDir;
using testing::write_run;
using Names = std::vector<std::string>;

Names reasons_of(std::string_view name, std::map<std::string, double> counters) {
  counters.emplace("tflops", 5.0);
  counters.emplace("pct_of_spec", 20.0);
  const ReasonContext context{
      .boost_clock_mhz = 1980, .compute_capability = ComputeCapability{9, 0}, .sm_count = 132};
  return reason_names(explain_shortfall(name, "", counters, context));
}

bool has(const Names& names, const char* name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(CustomShapeReasons, ANamedShapeIsLaunchBoundByTheDimensionsItRecorded) {
  // 1 x 4096: 32 output tiles of 128 x 128 for 132 SMs.
  const std::map<std::string, double> dims = {{std::string(counters::kGemmM), 1},
                                              {std::string(counters::kGemmN), 4096},
                                              {std::string(counters::kGemmK), 4096}};
  EXPECT_TRUE(has(reasons_of("gemm/cublas/fp16_f32acc/decode_t1", dims), "launch_bound"));
  // Without the dimensions a file's name says nothing of the shape.
  EXPECT_FALSE(has(reasons_of("gemm/cublas/fp16_f32acc/decode_t1", {}), "launch_bound"));
  // An MxNxK name carries them (files written before the dimension counters).
  EXPECT_TRUE(has(reasons_of("gemm/cublas/fp16_f32acc/1x4096x4096", {}), "launch_bound"));
  EXPECT_FALSE(has(reasons_of("gemm/cublas/fp16_f32acc/8192x8192x4096", {}), "launch_bound"));
  // A hostile dimension is ignored, not cast.
  EXPECT_FALSE(
      has(reasons_of("gemm/cublas/fp16_f32acc/decode_t1", {{std::string(counters::kGemmM), 1e300},
                                                           {std::string(counters::kGemmN), 4096},
                                                           {std::string(counters::kGemmK), 4096}}),
          "launch_bound"));
  // Memory-bound by its intensity, as any GEMM row.
  EXPECT_TRUE(has(reasons_of("gemm/cublas/fp16_f32acc/decode_t1",
                             {{std::string(counters::kArithmeticIntensity), 1},
                              {std::string(counters::kRidgePoint), 300}}),
                  "memory_bound_shape"));
}

FixtureRow gemm_row(const std::string& name, double tflops, std::int64_t m, std::int64_t n,
                    std::int64_t k) {
  return make_row(name, {{"fp16_tensor_fp32acc_tflops", tflops},
                         {std::string(counters::kArithmeticIntensity), 60},
                         {std::string(counters::kGemmM), static_cast<double>(m)},
                         {std::string(counters::kGemmN), static_cast<double>(n)},
                         {std::string(counters::kGemmK), static_cast<double>(k)}});
}

std::vector<FixtureRow> custom_rows() {
  return {gemm_row("gemm/cublas/fp16_f32acc/4096x4096x4096", 100, 4096, 4096, 4096),
          gemm_row("gemm/cublas/fp16_f32acc/8192x64x28672", 30, 8192, 64, 28672),
          gemm_row("gemm/own/fp16_f32acc/8192x64x28672", 20, 8192, 64, 28672),
          gemm_row("gemm/cublas/fp16_f32acc/mlp_up_t16", 10, 16, 28672, 8192)};
}

bool has_report_row(const Report& report, const std::string& name) {
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (family.name + "/" + row.benchmark == name) return true;
      }
    }
  }
  return false;
}

TEST(CustomShapeReport, EveryCustomRowIsInTheTablesTheRooflineAndTheSizePlot) {
  TempDir dir;
  const Report report = build_report(
      load_results_file(write_run(dir, synthetic_run(custom_rows()))), SpecDatabase::builtin(), "");
  for (const FixtureRow& row : custom_rows())
    EXPECT_TRUE(has_report_row(report, row.name)) << row.name;
  const json input = json::parse(plot_input_json(report));
  // The roofline: every compute row at its intensity.
  std::vector<std::string> placed;
  for (const auto& point : input["compute"]) {
    if (!point["flop_per_byte"].is_null()) placed.push_back(point["label"]);
  }
  EXPECT_EQ(placed.size(), 4u);
  EXPECT_TRUE(std::find(placed.begin(), placed.end(), "gemm/cublas/fp16_f32acc/mlp_up_t16") !=
              placed.end());
  // The square sweep keeps its plot; every other shape goes on the size plot at 2 m n k.
  ASSERT_EQ(input["gemm"].size(), 1u);
  EXPECT_EQ(input["gemm"][0]["points"], json::parse("[[4096, 100]]"));
  ASSERT_EQ(input["gemm_shapes"].size(), 2u);
  EXPECT_EQ(input["gemm_shapes"][0]["name"], "cublas/fp16_f32acc");
  EXPECT_EQ(input["gemm_shapes"][0]["points"],
            json::parse("[[30064771072, 30], [7516192768, 10]]"));
  EXPECT_EQ(input["gemm_shapes"][1]["name"], "own/fp16_f32acc");
  EXPECT_EQ(input["gemm_shapes"][1]["points"], json::parse("[[30064771072, 20]]"));

  std::string problem;
  const auto plots = render_plots(
      report, problem, std::filesystem::path(GPUBENCH_SOURCE_DIR) / "scripts" / "plot.py");
  if (!problem.empty()) GTEST_SKIP() << "no plots here: " << problem;
  std::vector<std::string> names;
  for (const auto& plot : plots)
    names.push_back(plot.name);
  EXPECT_TRUE(std::find(names.begin(), names.end(), "gemm_shapes") != names.end());
}

}  // namespace
}  // namespace gpubench
