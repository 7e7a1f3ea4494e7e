#pragma once
// Why a figure falls short of its peak: every benchmark that has a peak (the documented spec,
// pct_of_spec, or SMs x rate x the measured clock, pct_of_clock_peak) and reaches less than 85% of
// it gets one or more reasons from a fixed vocabulary, each with the evidence that supports it.
// Judged from what a results file holds (counters, label, name, the manifest) and the card's spec
// sheet, so it works on files written before gpubench recorded reasons.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/rate_table.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"

namespace gpubench {

inline constexpr double kShortfallThresholdPct = 85;

enum class ShortfallReason {
  kPowerOrThermalCap,                  // throttle reasons, or the SM clock below boost
  kMemoryBoundShape,                   // arithmetic intensity below the ridge point
  kLibraryKernelUnderusesTensorCores,  // library tensor GEMM, compute-bound, pipe < 50% or SIMT
  kContended,                          // the GPU was shared during the figure
  kEmulated,                           // the operation has no native unit on this architecture
  kLaunchBound,                        // the shape is too small to fill the card
  kUnknown,                            // none of the above is supported by the evidence
};

// The results-file spelling: "power_or_thermal_cap", "memory_bound_shape", ...
std::string_view reason_name(ShortfallReason reason);
std::optional<ShortfallReason> parse_reason(std::string_view name);
const std::vector<ShortfallReason>& all_reasons();

struct ReasonEvidence {
  ShortfallReason reason = ShortfallReason::kUnknown;
  std::string evidence;  // "tensor pipe 13% busy on a compute-bound shape"
};

struct Shortfall {
  double pct_of_peak = 0;  // the lower of pct_of_spec and pct_of_clock_peak
  std::vector<ReasonEvidence> reasons;
};

// What the judgement needs beyond one benchmark's own fields.
struct ReasonContext {
  std::optional<double> boost_clock_mhz;  // documented, from the card's sheet
  std::optional<ComputeCapability> compute_capability;
  int sm_count = 0;
};
// From the run's manifest and the sheet of its gpu_spec_id (when the database has it).
ReasonContext reason_context(const ResultsFile& run, const SpecDatabase& database);

// nullopt when the benchmark has no peak or reaches at least kShortfallThresholdPct of it.
// `name` is the benchmark name ("gemm/cublas/int8_s32acc/4096x4096x4096[/manual_time...]"),
// `counters` its counters (one repetition's, or the medians).
std::optional<Shortfall> explain_shortfall(std::string_view name, std::string_view label,
                                           const std::map<std::string, double>& counters,
                                           const ReasonContext& context);

// The vocabulary names of a shortfall's reasons, in order; empty for no shortfall.
std::vector<std::string> reason_names(const std::optional<Shortfall>& shortfall);

// Whether a record carries figures reasons apply to: a repetition, or its mean or median (not
// its spread).
bool record_takes_reasons(const BenchmarkRecord& record);

// The record's reasons: as stored by `gpubench run`, else judged now (older files).
std::vector<std::string> record_reasons(const BenchmarkRecord& record,
                                        const ReasonContext& context);

}  // namespace gpubench
