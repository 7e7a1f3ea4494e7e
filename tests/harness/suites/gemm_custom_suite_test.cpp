// `gpubench run --gemm-file` on a real device (issue 24): three custom shapes through cuBLAS and
// the own kernels, each row verified against the FP64 reference, named as compare and history
// match them, judged for reasons, and shown by the report. Skipped without a GPU.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "analysis/report.hpp"
#include "gpubench/counters.hpp"
#include "kernels/common/cuda_device.hpp"
#include "model/gemm_plan.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

TEST(CustomGemmSuiteGpu, ThreeShapesThroughBothImplementationsAreVerifiedAndReported) {
  GPUBENCH_REQUIRE_GPU();
  testing::TempDir dir;
  const auto out = dir.path() / "custom.json";
  // A decode step, an odd tail shape and a layer the file names.
  const auto file = dir.write("shapes.csv",
                              "1,4096,4096\n"
                              "100,200,300\n"
                              "16,2048,1024,mlp_up_t16\n");
  const testing::CommandResult run = testing::run_gpubench(
      "run --quick --gemm-file '" + file.string() +
      "' --impl own,cublas --precision fp32,fp16_f32acc --out '" + out.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const ResultsFile results = load_results_file(out);

  std::set<std::string> seen;
  for (const BenchmarkRecord& record : results.benchmarks) {
    EXPECT_FALSE(record.error_occurred) << record.name << ": " << record.error_message;
    if (record.aggregate_name != "median") continue;
    const std::string name = record.run_name.substr(0, record.run_name.rfind("/manual_time"));
    seen.insert(name);
    // Verified against the FP64 reference within the precision's tolerance.
    const bool fp32 = name.find("/fp32/") != std::string::npos;
    const double k = record.counters.at(std::string(counters::kGemmK));
    const auto error = record.counters.find(std::string(counters::kRelError));
    if (error != record.counters.end()) {
      EXPECT_LE(error->second,
                gemm_tolerance(fp32 ? GemmPrecision::kFp32 : GemmPrecision::kFp16Fp32Acc,
                               static_cast<std::int64_t>(k)))
          << name;
    }
    EXPECT_GT(record.counters.at(std::string(counters::kTflops)), 0) << name;
    EXPECT_TRUE(record.reasons.has_value()) << name;
  }
  std::set<std::string> expected;
  for (const char* shape : {"1x4096x4096", "100x200x300", "mlp_up_t16"}) {
    for (const char* precision : {"fp32", "fp16_f32acc"}) {
      expected.insert(fmt::format("gemm/cublas/{}/{}", precision, shape));
      // The own HGEMM needs sm_80; the own SGEMM runs everywhere.
      if (std::string(precision) == "fp32" || current_device_sm() >= 80)
        expected.insert(fmt::format("gemm/own/{}/{}", precision, shape));
    }
  }
  EXPECT_EQ(seen, expected);

  const Report report = build_report(results, SpecDatabase::builtin(), "");
  std::set<std::string> reported;
  for (const auto& family : report.families) {
    for (const auto& section : family.sections) {
      for (const auto& row : section.rows)
        reported.insert(family.name + "/" + row.benchmark);
    }
  }
  EXPECT_EQ(reported, expected);
}

}  // namespace
}  // namespace gpubench
