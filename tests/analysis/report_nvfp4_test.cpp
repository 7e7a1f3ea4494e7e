// The NVFP4 GEMM row in the report (issue 25, item 4), from a synthetic run (every measured value
// invented): its figure is read against the sheet's fp4_tensor_tflops, as each GEMM precision is
// against its own key.
#include <gtest/gtest.h>

#include "analysis/report.hpp"
#include "support/report_rows.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::make_row;
using testing::synthetic_run;
using testing::TempDir;
using testing::write_run;

const ReportRow* find_gemm_row(const Report& report, const std::string& benchmark) {
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows) {
        if (family.name + "/" + row.benchmark == benchmark) return &row;
      }
    }
  }
  return nullptr;
}

TEST(ReportNvfp4, TheRowIsReadAgainstTheFp4Peak) {
  const double fp4 = *SpecDatabase::builtin().at("rtx-5090").number("fp4_tensor_tflops");
  const double measured = 0.5 * fp4;  // synthetic: half the documented peak
  TempDir dir;
  const auto run = synthetic_run({make_row("gemm/cublas/nvfp4_f32acc/8192x8192x8192",
                                           {{"tflops", measured}, {"pct_of_spec", 50}})},
                                 "rtx-5090", "rtx-5080");
  const Report report =
      build_report(load_results_file(write_run(dir, run)), SpecDatabase::builtin(), "");
  const ReportRow* row = find_gemm_row(report, "gemm/cublas/nvfp4_f32acc/8192x8192x8192");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->spec_key, "fp4_tensor_tflops");
  ASSERT_TRUE(row->pct_of_spec.has_value());
  EXPECT_NEAR(*row->pct_of_spec, 50.0, 1e-9);
}

}  // namespace
}  // namespace gpubench
