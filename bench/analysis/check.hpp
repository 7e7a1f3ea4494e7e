#pragma once
// `gpubench check`: is this box healthy? Each check judges one thing a results file records against
// a floor (analysis/check_thresholds.hpp) and answers PASS, WARN, FAIL, or NOT CHECKED when the
// file lacks the evidence (never a silent PASS), with the evidence in one line. As data: the
// renderers (render/check_render.hpp) word nothing but the layout.
//
// The checks (docs/health-check.md has the reasoning):
//   dram_triad            memory/stream/triad, percent of the documented bandwidth;
//   ffma                  compute/peak/fp32_ffma, percent of the documented FP32 peak and of
//                         SMs x rate x its measured clock;
//   tensor_peak/<row>     each tensor-core peak row (compute/peak/mma_*; on sm_90 the wgmma_* rows,
//                         since mma.sync is Hopper's legacy path and cannot reach the wgmma rate);
//   gemm/<precision>      the largest M x N x K GEMM of each precision, both percentages;
//   pcie_link             the best pinned host-to-device copy against the documented link rate
//                         (the file records the link's state only at rest);
//   clocks                the highest SM clock under load against the documented boost, clock
//                         event reasons at rest, and the throttle reasons seen under load;
//   ecc                   uncorrected (FAIL) and corrected (WARN) ECC errors, volatile and
//                         aggregate, where the file records them (kEccCountKeys);
//   contention            no figure marked contended, no other compute process at rest;
//   verification          no benchmark failed (every gpubench figure is checked against a
//                         reference; a failed check fails the benchmark).
// Not the card's fault: a figure below its floor for a reason in kNotTheCardsFault
// (analysis/reasons.hpp's vocabulary), or a tensor figure held down only by the software power cap
// at the card's default limit, is a WARN with that reason, not a FAIL.

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/check_thresholds.hpp"
#include "gpubench/errors.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"

namespace gpubench {

enum class CheckVerdict { kPass, kWarn, kFail, kNotChecked };
// "PASS", "WARN", "FAIL", "NOT CHECKED".
std::string_view verdict_name(CheckVerdict verdict);

// Shortfall reasons that say the figure is low for a cause outside the box.
inline constexpr std::array<std::string_view, 4> kNotTheCardsFault = {
    "library_kernel_underuses_tensor_cores", "emulated", "launch_bound", "memory_bound_shape"};
// The reason a tensor figure held down by the software power cap at the default limit carries.
inline constexpr std::string_view kPowerCapAtDefaultLimit = "software_power_cap_at_default_limit";
// A WARN between the fail and the warn floor.
inline constexpr std::string_view kBelowWarnFloor = "below_warn_floor";

// Manifest keys the ecc check reads (decimal counts since boot: volatile; over the card's life:
// aggregate). Absent from files whose run did not record them: the check then says so.
inline constexpr std::array<std::string_view, 4> kEccCountKeys = {
    "env_ecc_uncorrected_volatile", "env_ecc_uncorrected_aggregate", "env_ecc_corrected_volatile",
    "env_ecc_corrected_aggregate"};

struct CheckResult {
  std::string id;    // "dram_triad", "gemm/fp16_f32acc", ...
  std::string what;  // "DRAM triad"
  CheckVerdict verdict = CheckVerdict::kNotChecked;
  std::string evidence;             // one line
  std::string benchmark;            // the benchmark judged, empty for box-wide checks
  std::optional<double> value_pct;  // the judged percentage (the lower of the two for compute)
  std::optional<double> warn_below_pct;
  std::optional<double> fail_below_pct;
  std::string reason;  // why a WARN is not a FAIL (kNotTheCardsFault, kPowerCapAtDefaultLimit,
                       // kBelowWarnFloor), or the shortfall reason of a FAIL
};

// What identifies the run (the OpenMetrics labels and the JUnit suite).
struct CheckedRunIdentity {
  std::filesystem::path path;
  std::string gpu_name;
  std::string spec_id;
  std::string gpu_uuid;   // empty in files written before it was recorded
  std::string gpu_index;  // empty likewise
  std::string host;
  std::string driver_version;
  std::string cuda_version;  // the driver's CUDA version
  std::string gpubench_version;
  std::string date;  // ISO 8601, as google/benchmark wrote it
  std::string profile;
};

struct CheckedRun {
  CheckedRunIdentity identity;
  std::string thresholds_source;  // "built-in defaults" or the file
  std::vector<CheckResult> results;
  CheckVerdict overall() const;  // FAIL if any, else WARN if any, else PASS
};

// Throws UserError (exit 2) when the file is not a gpubench run.
CheckedRun check_run(const ResultsFile& run, const SpecDatabase& database,
                     const ThresholdSet& thresholds);

// kRegressionOrFailedCheck when any run has a FAIL, else kOk.
ExitCode check_exit_code(const std::vector<CheckedRun>& runs);

// The run's identity from its manifest.
CheckedRunIdentity run_identity(const ResultsFile& run);

}  // namespace gpubench
