// `gpubench check` on the real H200 runs in tests/fixtures/runs/h200-b376421: the healthy runs pass
// (WARNs allowed), the contended one fails on FFMA, and copies with one figure degraded per check
// fail exactly that check.
#include "analysis/check.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "analysis/check_learn.hpp"
#include "analysis/environment_check.hpp"
#include "support/h200_runs.hpp"

namespace gpubench {
namespace {

using nlohmann::json;

std::filesystem::path fixture(const std::string& name) {
  return testing::h200_run(name);
}

json fixture_json(const std::string& name) {
  return testing::h200_run_json(name);
}

CheckedRun check_json(const json& run, const ThresholdSet& thresholds = {}) {
  return check_run(parse_results(run.dump(), "degraded.json"), SpecDatabase::builtin(), thresholds);
}

CheckedRun check_fixture(const std::string& name) {
  return check_run(load_results_file(fixture(name)), SpecDatabase::builtin(), ThresholdSet{});
}

std::set<std::string> ids_with(const CheckedRun& run, CheckVerdict verdict) {
  std::set<std::string> ids;
  for (const CheckResult& result : run.results) {
    if (result.verdict == verdict) ids.insert(result.id);
  }
  return ids;
}

const CheckResult& result_of(const CheckedRun& run, const std::string& id) {
  for (const CheckResult& result : run.results) {
    if (result.id == id) return result;
  }
  throw std::runtime_error("no check " + id);
}

// Multiplies each named counter of every record of `benchmark` (its repetitions and aggregates).
void scale(json& run, const std::string& benchmark, const std::vector<std::string>& counters,
           double factor) {
  int touched = 0;
  for (auto& record : run["benchmarks"]) {
    if (!record["run_name"].get<std::string>().starts_with(benchmark)) continue;
    for (const std::string& counter : counters) {
      if (record.contains(counter)) {
        record[counter] = record[counter].get<double>() * factor;
        ++touched;
      }
    }
  }
  if (touched == 0) throw std::runtime_error("nothing to scale in " + benchmark);
}

TEST(Check, HealthyH200RunsPassWithWarningsAllowed) {
  for (const char* name : {"full.json", "quick1.json", "quick2.json"}) {
    const CheckedRun run = check_fixture(name);
    EXPECT_EQ(ids_with(run, CheckVerdict::kFail), std::set<std::string>{}) << name;
    EXPECT_EQ(check_exit_code({run}), ExitCode::kOk) << name;
    // The INT8 cuBLAS kernel's shortfall is cuBLAS's, not the card's.
    const CheckResult& int8 = result_of(run, "gemm/int8_s32acc");
    EXPECT_EQ(int8.verdict, CheckVerdict::kWarn) << name;
    EXPECT_EQ(int8.reason, "library_kernel_underuses_tensor_cores") << name;
    for (const CheckResult& result : run.results) {
      EXPECT_FALSE(result.evidence.empty()) << result.id;
      EXPECT_EQ(result.evidence.find('\n'), std::string::npos) << result.id;
    }
  }
}

TEST(Check, ContendedRunFailsOnFfmaAlthoughNothingInTheFileSaysSo) {
  const CheckedRun run = check_fixture("contended.json");
  EXPECT_EQ(ids_with(run, CheckVerdict::kFail), std::set<std::string>{"ffma"});
  EXPECT_EQ(check_exit_code({run}), ExitCode::kRegressionOrFailedCheck);
  EXPECT_NE(result_of(run, "ffma").evidence.find("48.1% of spec"), std::string::npos);
}

TEST(Check, EvidenceTheFileLacksIsNotCheckedNeverAPass) {
  const CheckedRun run = check_fixture("full.json");
  // No ECC counts recorded; on sm_90 only mma.sync (legacy) tensor rows.
  EXPECT_EQ(result_of(run, "ecc").verdict, CheckVerdict::kNotChecked);
  EXPECT_EQ(result_of(run, "tensor_peak").verdict, CheckVerdict::kNotChecked);
  const CheckedRun contended = check_fixture("contended.json");  // memory and compute suites only
  EXPECT_EQ(result_of(contended, "gemm").verdict, CheckVerdict::kNotChecked);
}

struct Degradation {
  const char* check;
  std::function<void(json&)> degrade;
};

TEST(Check, EachDegradedCopyFailsExactlyItsOwnCheck) {
  const std::vector<Degradation> cases = {
      {"dram_triad",
       [](json& run) {
         scale(run, "memory/stream/triad/", {"bandwidth_gbs", "pct_of_spec"}, 0.5);
       }},
      {"ffma",
       [](json& run) {
         scale(run, "compute/peak/fp32_ffma/", {"tflops", "pct_of_spec", "pct_of_clock_peak"}, 0.5);
       }},
      {"gemm/fp16_f32acc",
       [](json& run) {
         scale(run, "gemm/cublas/fp16_f32acc/16384x16384x16384/",
               {"tflops", "pct_of_spec", "pct_of_clock_peak"}, 0.5);
       }},
      {"pcie_link", [](json& run) { scale(run, "memory/h2d/pinned/", {"bandwidth_gbs"}, 0.5); }},
      {"clocks",
       [](json& run) { run["context"]["env_clock_event_reasons"] = "hardware thermal slowdown"; }},
      {"ecc", [](json& run) { run["context"][std::string(kEccCountKeys[0])] = "3"; }},
      {"contention",
       [](json& run) {
         for (auto& record : run["benchmarks"]) {
           if (record["run_name"].get<std::string>().starts_with("memory/stream/read/")) {
             record["contended"] = 1;
           }
         }
       }},
      {"verification",
       [](json& run) {
         for (auto& record : run["benchmarks"]) {
           if (record["run_name"].get<std::string>().starts_with("memory/stream/read/")) {
             record["error_occurred"] = true;
             record["error_message"] = "VERIFICATION FAILED: element 7 is 3, expected 4";
           }
         }
       }},
  };
  const json healthy = fixture_json("full.json");
  ASSERT_EQ(ids_with(check_json(healthy), CheckVerdict::kFail), std::set<std::string>{});
  for (const Degradation& degradation : cases) {
    json run = healthy;
    degradation.degrade(run);
    const CheckedRun checked = check_json(run);
    EXPECT_EQ(ids_with(checked, CheckVerdict::kFail), std::set<std::string>{degradation.check})
        << degradation.check;
    EXPECT_EQ(check_exit_code({checked}), ExitCode::kRegressionOrFailedCheck) << degradation.check;
  }
}

TEST(Check, ClocksBelowBoostUnderLoadFail) {
  json run = fixture_json("quick1.json");
  for (auto& record : run["benchmarks"]) {
    for (const char* counter : {"sm_clock_mhz", "sm_clock_mean_mhz"}) {
      if (record.contains(counter)) record[counter] = record[counter].get<double>() * 0.8;
    }
  }
  EXPECT_EQ(ids_with(check_json(run), CheckVerdict::kFail), std::set<std::string>{"clocks"});
}

// The fixtures' commit predates the wgmma rows; a current run on sm_90 records them. Their
// mma.sync rows stand in (renamed), so the tensor-peak check is judged on real figures.
TEST(Check, TensorPeakOnHopperJudgesTheWgmmaRows) {
  json run = fixture_json("full.json");
  for (auto& record : run["benchmarks"]) {
    for (const char* key : {"name", "run_name"}) {
      std::string name = record[key].get<std::string>();
      if (name.starts_with("compute/peak/mma_f16_f32acc/")) {
        record[key] = "compute/peak/wgmma_f16_f32acc/" + name.substr(28);
      }
    }
  }
  EXPECT_NE(result_of(check_json(run), "tensor_peak/wgmma_f16_f32acc").verdict,
            CheckVerdict::kFail);
  scale(run, "compute/peak/wgmma_f16_f32acc/", {"tflops", "pct_of_spec", "pct_of_clock_peak"}, 0.5);
  EXPECT_EQ(ids_with(check_json(run), CheckVerdict::kFail),
            std::set<std::string>{"tensor_peak/wgmma_f16_f32acc"});
}

TEST(Check, PowerCapAtTheDefaultLimitIsAWarnAndALoweredLimitAFail) {
  json run = fixture_json("full.json");
  // Below the fail floor against the spec, but above it at the clock the power cap allowed.
  scale(run, "gemm/cublas/fp16_f32acc/16384x16384x16384/", {"tflops", "pct_of_spec"}, 0.6);
  const CheckResult capped = result_of(check_json(run), "gemm/fp16_f32acc");
  EXPECT_EQ(capped.verdict, CheckVerdict::kWarn) << capped.evidence;
  EXPECT_EQ(capped.reason, kPowerCapAtDefaultLimit);
  run["context"]["env_power_limit"] = "500 W (default 700 W)";
  const CheckedRun lowered = check_json(run);
  EXPECT_EQ(result_of(lowered, "gemm/fp16_f32acc").verdict, CheckVerdict::kFail);
  EXPECT_EQ(result_of(lowered, "clocks").verdict, CheckVerdict::kFail);
}

TEST(Check, EccCountsZeroPassCorrectedWarnUncorrectedFail) {
  json run = fixture_json("quick1.json");
  for (const std::string_view key : kEccCountKeys)
    run["context"][std::string(key)] = "0";
  EXPECT_EQ(result_of(check_json(run), "ecc").verdict, CheckVerdict::kPass);
  run["context"][std::string(kEccCountKeys[3])] = "12";  // corrected aggregate
  EXPECT_EQ(result_of(check_json(run), "ecc").verdict, CheckVerdict::kWarn);
  run["context"][std::string(kEccCountKeys[1])] = "1";  // uncorrected aggregate
  EXPECT_EQ(result_of(check_json(run), "ecc").verdict, CheckVerdict::kFail);
}

// What `gpubench run` records (the pre-run environment check's context) is what the ecc check
// reads: zero counts pass, one uncorrected error since the driver loaded fails.
TEST(Check, EccCountsAsTheRunRecordsThemAreJudged) {
  NvmlDeviceReport nvml;
  nvml.ecc_enabled = true;
  nvml.ecc_errors = {0, 0, 0, 0};
  json run = fixture_json("quick1.json");
  auto record = [&] {
    for (const auto& [key, value] : environment_context(check_environment(nvml, 1))) {
      if (key.starts_with("env_ecc")) run["context"][key] = value;
    }
  };
  record();
  const CheckResult clean = result_of(check_json(run), "ecc");
  EXPECT_EQ(clean.verdict, CheckVerdict::kPass) << clean.evidence;
  nvml.ecc_errors.uncorrected_volatile = 1;
  record();
  const CheckResult failed = result_of(check_json(run), "ecc");
  EXPECT_EQ(failed.verdict, CheckVerdict::kFail) << failed.evidence;
  EXPECT_NE(failed.evidence.find("uncorrected_volatile 1"), std::string::npos) << failed.evidence;
}

TEST(Check, OtherComputeProcessesAtRestFailContention) {
  json run = fixture_json("quick1.json");
  run["context"]["env_compute_processes"] = "1 (pid 4242)";
  EXPECT_EQ(ids_with(check_json(run), CheckVerdict::kFail), std::set<std::string>{"contention"});
}

TEST(Check, ACardsThresholdsOverrideTheDefaultsForThatCardOnly) {
  const ThresholdSet set = parse_thresholds(R"(
version = 1
[default.ffma]
warn_below_pct = 99.5
fail_below_pct = 99
[card.h200-sxm.dram_triad]
warn_below_pct = 99
fail_below_pct = 95
)",
                                            "t.toml");
  const CheckedRun run = check_json(fixture_json("full.json"), set);
  EXPECT_EQ(ids_with(run, CheckVerdict::kFail), (std::set<std::string>{"dram_triad", "ffma"}));
  EXPECT_EQ(set.for_card("l4").at(FloorKey::kDramTriad).fail_below_pct,
            default_thresholds().at(FloorKey::kDramTriad).fail_below_pct);
  EXPECT_EQ(set.for_card("h200-sxm").at(FloorKey::kFfma).fail_below_pct, 99);
}

TEST(Check, ThresholdsRoundTripThroughTheirFile) {
  ThresholdSet set;
  set.per_card["rtx-4070"] = default_thresholds();
  set.per_card["rtx-4070"].floors[FloorKey::kGemm] = {65.5, 55.25};
  const ThresholdSet back = parse_thresholds(thresholds_to_toml(set, "learnt\nfrom 4 nodes"), "x");
  EXPECT_EQ(back.for_card("rtx-4070").at(FloorKey::kGemm).fail_below_pct, 55.3);  // 1 decimal
  EXPECT_EQ(back.defaults.at(FloorKey::kPcieLink).warn_below_pct,
            default_thresholds().at(FloorKey::kPcieLink).warn_below_pct);
}

TEST(Check, BadThresholdsFilesAreRefusedInOneSentence) {
  for (const char* text :
       {"[default.dram_triad\n", "[default.dram_triad]\nwarn_below = 3\n",
        "[default.dram_triad]\nfail_below_pct = \"70\"\n",
        "[default.dram_triad]\nfail_below_pct = 90\nwarn_below_pct = 80\n",
        "[default.triad]\nfail_below_pct = 70\n", "version = 2\n",
        "[cards.l4.gemm]\nfail_below_pct = 1\n", "[default.gemm]\nfail_below_pct = 250\n"}) {
    try {
      parse_thresholds(text, "bad.toml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const UserError& error) {
      EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
      const std::string message = error.what();
      EXPECT_NE(message.find("bad.toml"), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

TEST(Check, FloorsLearntFromTheHealthyRunsPassThemAndFailTheContendedOne) {
  std::vector<CheckedRun> healthy;
  for (const char* name : {"full.json", "quick1.json", "quick2.json"})
    healthy.push_back(check_fixture(name));
  const LearntThresholds learnt = learn_thresholds(healthy);
  ASSERT_EQ(learnt.set.per_card.count("h200-sxm"), 1u);
  const CheckThresholds& h200 = learnt.set.for_card("h200-sxm");
  // Triads of 89.8-90.3% spread less than run-to-run noise: the 1% floor on the spread decides.
  EXPECT_NEAR(h200.at(FloorKey::kDramTriad).fail_below_pct, 90.0 * (1 - 4 * 0.01), 0.5);
  EXPECT_LT(h200.at(FloorKey::kDramTriad).fail_below_pct,
            h200.at(FloorKey::kDramTriad).warn_below_pct);
  const ThresholdSet back = parse_thresholds(thresholds_to_toml(learnt.set, "learnt"), "t.toml");
  for (const char* name : {"full.json", "quick1.json", "quick2.json"}) {
    EXPECT_EQ(ids_with(check_run(load_results_file(fixture(name)), SpecDatabase::builtin(), back),
                       CheckVerdict::kFail),
              std::set<std::string>{})
        << name;
  }
  const CheckedRun contended =
      check_run(load_results_file(fixture("contended.json")), SpecDatabase::builtin(), back);
  EXPECT_EQ(ids_with(contended, CheckVerdict::kFail), std::set<std::string>{"ffma"});
  // Two runs are no fleet: the defaults stay.
  const LearntThresholds two = learn_thresholds({healthy[0], healthy[1]});
  EXPECT_TRUE(two.set.per_card.empty());
  EXPECT_EQ(two.notes.size(), 1u);
}

}  // namespace
}  // namespace gpubench
