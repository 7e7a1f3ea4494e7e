#pragma once
// `gpubench report`: one run's figures against this card's documented specs and the counterpart's,
// and what they mean for ML work. Everything here is driven by counter names, never by benchmark
// names, so a new suite's rows appear without report code:
//   - the family is the first component of the benchmark name ("memory/stream/read" -> memory), the
//     section the second (stream);
//   - the row's figure is the first counter present of: a counter named after a spec key ending in
//     _tflops or _tops (fp32_tflops, fp16_tensor_fp32acc_tflops, ...: compared with that key),
//     tflops (no documented figure), bandwidth_gbs (compared with memory_bandwidth_gbs when the
//     run compared it, i.e. recorded pct_of_spec), latency_ns (latency_cycles shown beside it);
//   - working_set_bytes with l2_bytes says where the data lived (only >= 4 x L2 is DRAM-bound);
//   - arithmetic_intensity places a compute figure on the roofline; a cube's edge on the GEMM
//     plot, any other shape's FLOP per launch (gemm_m x gemm_n x gemm_k, or its MxNxK name) on
//     the GEMM shapes plot;
//   - a tflops/tops figure with pct_of_spec recorded is compared with the rate spec key the run
//   used
//     (the benchmark name's precision, checked against the recorded percentage);
//   - latency_us / ops_per_s: driver-path rows (the driver family), without documented figures;
//   - per-watt figures only from power measured over a sustained window (power_window_s >= 1 s);
//     per-repetition power (older files) is shown as telemetry but never divided into a figure;
//   - sm_clock_mean_mhz, temperature_max_c come from NVML telemetry;
//   - reasons: why a figure is below 85% of its peak (analysis/reasons.hpp).
// Documented values come from the SpecDatabase at report time; measured ones only from the file.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpubench/counter_descriptors.hpp"
#include "model/results_file.hpp"
#include "model/spec_database.hpp"
#include "model/sustained_power.hpp"

namespace gpubench {

// One benchmark of a run reduced to its repetitions' medians (google/benchmark's median aggregate
// when the file has it, else the median of the repetitions) and their spread.
struct MeasuredBenchmark {
  std::string name;     // "memory/stream/read" ("/manual_time" and similar suffixes dropped)
  std::string family;   // "memory"
  std::string section;  // "stream"
  std::string label;
  std::map<std::string, double> median;  // counter -> median over the repetitions
  std::map<std::string, double> cv_pct;  // counter -> coefficient of variation in percent
  std::int64_t repetitions = 0;
  bool failed = false;
  std::string error_message;
};

// In the order the benchmarks first appear in the file.
std::vector<MeasuredBenchmark> summarize_benchmarks(const ResultsFile& run);

// The figure's kind, from its counter's descriptor (gpubench/counter_descriptors.hpp).
using counters::FigureKind;

// Where a figure with a working set lived: in L2, partly, or DRAM-bound (>= 4 x the larger L2).
enum class Residency { kUnknown, kL2, kL2AndDram, kDram };

struct ReportRow {
  std::string benchmark;  // name without the family: "stream/read"
  std::string counter;    // the figure's counter: "bandwidth_gbs"
  FigureKind kind = FigureKind::kBandwidth;
  std::string unit;  // "GB/s", "TFLOPS", "ns"
  double measured = 0;
  std::optional<double> spread_pct;  // CV across the repetitions
  std::optional<double> noise_pct;   // median relative IQR of the samples within a repetition
  std::string secondary;             // "39.6 cycles" for latency rows
  Residency residency = Residency::kUnknown;
  std::string spec_key;  // empty when no documented figure applies
  std::optional<double> this_spec;
  std::optional<double> pct_of_spec;
  std::optional<double> counterpart_spec;
  std::optional<double> vs_counterpart;            // measured / counterpart's documented figure
  std::optional<double> projected_counterpart;     // this card's efficiency x counterpart's spec
  std::optional<double> per_watt;                  // measured / mean board power
  std::optional<double> counterpart_per_watt_tdp;  // counterpart's documented figure / its TDP
  std::optional<double> energy_pj_per_unit;        // pJ per byte or per FLOP
  std::string per_watt_problem;              // why no per-watt figure although power was recorded
  std::vector<std::string> reasons;          // below 85% of its peak: the vocabulary names
  std::vector<std::string> reason_evidence;  // one phrase per reason, same order
  std::optional<double> pct_of_peak;         // the peak the reasons were judged against
  std::string note;
  bool failed = false;
};

struct ReportSection {
  std::string name;
  std::vector<ReportRow> rows;
};

struct ReportFamily {
  std::string name;
  std::vector<ReportSection> sections;
  std::string projection_note;  // how far the projected counterpart figures hold
};

// LLM decode reads every weight once per generated token, so measured DRAM bandwidth / weight bytes
// is an upper bound on tokens per second (KV cache, activations and kernel overheads only lower
// it). "Fits" leaves 10% of the documented memory for the KV cache, activations and the context.
struct DecodeEstimate {
  std::string model;  // "7B"
  double parameters = 0;
  std::string precision;  // "FP16", "8-bit", "4-bit"
  double bytes_per_parameter = 0;
  double weight_gb = 0;
  bool fits_this = false;
  bool fits_counterpart = false;
  std::optional<double> tokens_per_s_this;
  std::optional<double> tokens_per_s_counterpart;
};
inline constexpr double kMemoryUsableFraction = 0.9;

std::vector<DecodeEstimate> llm_decode_estimates(double bandwidth_gbs, double memory_gb,
                                                 std::optional<double> counterpart_bandwidth_gbs,
                                                 std::optional<double> counterpart_memory_gb);

// The counterpart figure if it reached the same fraction of its documented figure as this card.
double project_to_counterpart(double measured, double this_spec, double counterpart_spec);
// Energy per unit of work in picojoules: power / (rate per second). For GB/s: pJ per byte; for
// TFLOPS: pJ per FLOP.
double energy_pj_per_unit(double power_w, double rate, FigureKind kind);

// One line of the report's opening section: a headline figure of the card.
struct HeadlineFigure {
  std::string what;       // "DRAM triad", "FP32", "FP16 tensor, FP32 accumulate", "H2D (pinned)"
  std::string benchmark;  // "memory/stream/triad"
  std::string unit;
  double measured = 0;
  std::string spec_key;    // empty: no documented figure
  std::string spec_basis;  // how the documented figure is made when it is not printed as is
  std::optional<double> this_spec;
  std::optional<double> pct_of_spec;
  std::optional<double> counterpart_spec;
  std::optional<double> projected_counterpart;
  std::vector<std::string> reasons;
};

// A documented rate the projection onto the counterpart cannot carry, and why (report_unprojected).
struct UnprojectedRate {
  std::string spec_key;  // "fp4_tensor_tflops"
  std::string reason;    // "the NVIDIA GeForce RTX 4070 documents no such rate, ..."
};

// What the report keeps of a run's filter (--benchmark REGEX).
struct ReportOptions {
  std::string against;           // counterpart spec id; empty: the one the run recorded
  std::string benchmark_filter;  // ECMAScript regex searched in the benchmark name; empty: all
};

struct Report {
  bool specs_only = false;
  std::string title;
  std::filesystem::path run_path;
  SpecSheet sheet;  // this card's
  std::optional<SpecSheet> counterpart;
  // (what, value): GPU, driver, CUDA, cuBLAS, gpubench version, profile, ...
  std::vector<std::pair<std::string, std::string>> manifest;
  std::vector<std::pair<std::string, std::string>> environment;  // env_* entries of the manifest
  std::vector<std::string> warnings;  // environment warnings and the report's own
  std::vector<ReportFamily> families;
  std::vector<HeadlineFigure> headline;
  bool has_gemm = false;
  bool has_telemetry = false;
  // Power was recorded, but never over a sustained window: why no per-watt figure is given.
  std::string power_problem;
  std::string benchmark_filter;

  // The DRAM-bound bandwidth "what this means" uses, and which benchmark gave it.
  std::optional<double> dram_bandwidth_gbs;
  std::string dram_bandwidth_source;
  std::optional<double> projected_counterpart_bandwidth_gbs;
  std::vector<DecodeEstimate> decode;
  std::vector<std::string> meaning;  // paragraphs of "What this means"

  // Plot data (see plot_input_json).
  std::optional<double> l2_bytes;
  std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> working_set_series;
  std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> gemm_series;
  // Every other GEMM shape (LLM and ResNet layers, custom shapes): series "cublas/fp16_f32acc"
  // -> (FLOP per launch, TFLOPS).
  std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> gemm_shape_series;
  struct ComputePoint {
    std::string label;
    double tflops = 0;
    std::optional<double> flop_per_byte;
  };
  std::vector<ComputePoint> compute_points;
  // Host-device transfers: series "h2d/pinned" -> (transfer bytes, GB/s).
  std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> transfer_series;

  // Documented comparison (specs-only reports, and the appendix of run reports).
  std::vector<SpecComparisonRow> documented;
  // Rates one card documents that no verified row of the run can be projected through.
  std::vector<UnprojectedRate> unprojected;
};

// Throws UserError when the file is not a gpubench run, names an unknown counterpart, or the
// filter is not a regular expression or selects nothing.
Report build_report(const ResultsFile& run, const SpecDatabase& database,
                    const ReportOptions& options);
inline Report build_report(const ResultsFile& run, const SpecDatabase& database,
                           std::string_view against) {
  return build_report(run, database, ReportOptions{std::string(against), ""});
}
Report build_specs_only_report(const SpecSheet& a, const SpecSheet& b);

// About 4 significant figures without exponents: 3063, 282.5, 11.28, 1.234, 0.638.
std::string format_figure(double value);

}  // namespace gpubench
