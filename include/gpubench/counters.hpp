#pragma once
// The names of the counters gpubench writes into a results file, and reads back in report,
// compare, history, fleet, check and export. Part of the results format: renaming one breaks every
// stored run, so each name is written once, here, and a misspelt constant does not compile. Units
// live in the names. What each one means (unit, figure or bookkeeping, direction, who judges it,
// display name) is its descriptor in gpubench/counter_descriptors.hpp (docs/results-counters.md).

#include <string_view>

namespace gpubench::counters {

// Primary figures (what a person looks for first).
inline constexpr std::string_view kBandwidthGbs = "bandwidth_gbs";
inline constexpr std::string_view kTflops = "tflops";
inline constexpr std::string_view kTops = "tops";
inline constexpr std::string_view kLatencyNs = "latency_ns";
inline constexpr std::string_view kLatencyCycles = "latency_cycles";
inline constexpr std::string_view kLatencyUs = "latency_us";  // driver-path latencies
inline constexpr std::string_view kOpsPerS = "ops_per_s";

// How a figure relates to its peaks and to other figures.
inline constexpr std::string_view kPctOfSpec = "pct_of_spec";
inline constexpr std::string_view kPctOfClockPeak = "pct_of_clock_peak";
inline constexpr std::string_view kVsCounterpart = "vs_counterpart";
inline constexpr std::string_view kVsCublas = "vs_cublas";

// Conditions of the measurement.
inline constexpr std::string_view kSmClockMhz = "sm_clock_mhz";
inline constexpr std::string_view kSamples = "samples";
inline constexpr std::string_view kThrottledSamples = "throttled_samples";
inline constexpr std::string_view kNoisePct = "noise_pct";
inline constexpr std::string_view kConverged = "converged";
// How well a repetition's figure is known and what it cost (issue 27): the larger side of the
// median's distribution-free 95% interval over the median, in percent, and the wall time its
// sampling loop took (its share of the run's budget is in gpubench_stopping_rule).
inline constexpr std::string_view kMedianCiPct = "median_ci_pct";
inline constexpr std::string_view kSamplingS = "sampling_s";
inline constexpr std::string_view kIterationsPerLaunch = "iterations_per_launch";
inline constexpr std::string_view kRelError = "rel_error";
// 1 when another process or activity outside gpubench shared the GPU during the figure.
inline constexpr std::string_view kContended = "contended";
// 1 when NVML could not show whether the GPU was shared (a MIG slice, WSL 2, gpubench's own PID
// not found in a container): neither contended nor clean (docs/platforms.md).
inline constexpr std::string_view kContentionUnknown = "contention_unknown";
// 1 when the desktop's graphics processes used the SMs, too little to move the figure.
inline constexpr std::string_view kDisplayActivity = "display_activity";

// Telemetry over a benchmark. Power and energy only for the headline benchmarks, from a
// dedicated sustained window (model/sustained_power.hpp); never from one repetition's samples.
inline constexpr std::string_view kPowerMeanW = "power_mean_w";
inline constexpr std::string_view kEnergyJ = "energy_j";  // per launch, at the sustained power
inline constexpr std::string_view kPowerWindowS = "power_window_s";  // the settled window
inline constexpr std::string_view kPowerReadingsOverLimit = "power_readings_over_limit";
inline constexpr std::string_view kGbsPerW = "gbs_per_w";
inline constexpr std::string_view kTflopsPerW = "tflops_per_w";
inline constexpr std::string_view kSmClockMeanMhz = "sm_clock_mean_mhz";
inline constexpr std::string_view kSmClockMinMhz = "sm_clock_min_mhz";
inline constexpr std::string_view kMemoryClockMhz = "memory_clock_mhz";
inline constexpr std::string_view kTemperatureMaxC = "temperature_max_c";

// Shapes and sizes.
inline constexpr std::string_view kArrayBytes = "array_bytes";
inline constexpr std::string_view kWorkingSetBytes = "working_set_bytes";
inline constexpr std::string_view kL2Bytes = "l2_bytes";
inline constexpr std::string_view kTransferBytes = "transfer_bytes";
inline constexpr std::string_view kArithmeticIntensity = "arithmetic_intensity";
inline constexpr std::string_view kRidgePoint = "ridge_point";
// A GEMM row's dimensions (C is m x n, k the shared one): reasons and the plots read the shape
// here, since a custom shape's name may be the one its file gave ("gemm/.../mlp_up_t64").
inline constexpr std::string_view kGemmM = "gemm_m";
inline constexpr std::string_view kGemmN = "gemm_n";
inline constexpr std::string_view kGemmK = "gemm_k";

// What CUPTI saw of a GEMM row's kernels.
inline constexpr std::string_view kTensorCoreKernels = "tensor_core_kernels";
inline constexpr std::string_view kTensorPipeActivePct = "tensor_pipe_active_pct";
inline constexpr std::string_view kTensorPipeHmmaActivePct = "tensor_pipe_hmma_active_pct";
inline constexpr std::string_view kTensorPipeImmaActivePct = "tensor_pipe_imma_active_pct";

// google/benchmark's own fields and counters, which compare and history read like counters.
inline constexpr std::string_view kRealTime = "real_time";
inline constexpr std::string_view kCpuTime = "cpu_time";
inline constexpr std::string_view kItemsPerSecond = "items_per_second";
inline constexpr std::string_view kBytesPerSecond = "bytes_per_second";

}  // namespace gpubench::counters
