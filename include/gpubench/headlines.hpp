#pragma once
// The headline figures, defined once: what the report opens with, what fleet and `run --device`
// draw per node, what check judges first, and which benchmarks measure a sustained power window.
// Each row names its benchmark (or, for the report's other documented rates, only its spec key),
// the spec key its figure is compared with, and its power-window role.

#include <array>
#include <string_view>

namespace gpubench::headlines {

// How a row's `benchmark` names the benchmarks it covers.
enum class Match {
  kNone,          // no benchmark: the best figure documented under spec_key (report only)
  kExact,         // that one benchmark
  kLargestShape,  // the largest M x N x K shape under the prefix ("gemm/cublas/fp16_f32acc/")
  kLargest,       // of the benchmarks under the prefix, the one with the largest figure
};

struct Headline {
  std::string_view label;        // the report's: "DRAM triad"
  std::string_view short_label;  // a column's, in fleet and `run --device`: "STREAM triad"
  std::string_view benchmark;    // a name, or a prefix ending in "/"; "" with Match::kNone
  Match match = Match::kNone;
  // The documented figure it is compared with (model/spec_database.hpp's key); "" for the host-
  // to-device copy, compared with the PCIe link rate the sheet implies.
  std::string_view spec_key;
  // Whether it measures a sustained power window after its timed repetitions (the one figure of
  // its kind with power and energy; bench/harness/power_window.hpp).
  bool sustained_power = false;
};

// The four headline benchmarks, by name for the consumers that judge one of them.
inline constexpr Headline kDramTriad = {"DRAM triad",           "STREAM triad",
                                        "memory/stream/triad",  Match::kExact,
                                        "memory_bandwidth_gbs", true};
inline constexpr Headline kFp32Ffma = {"FP32",        "FP32 FFMA",   "compute/peak/fp32_ffma",
                                       Match::kExact, "fp32_tflops", true};
inline constexpr Headline kFp16Gemm = {"FP16 tensor, FP32 accumulate", "cuBLAS FP16 GEMM",
                                       "gemm/cublas/fp16_f32acc/",     Match::kLargestShape,
                                       "fp16_tensor_fp32acc_tflops",   true};
inline constexpr Headline kHostToDevice = {
    "Host to device (pinned)", "H2D pinned", "memory/h2d/pinned/", Match::kLargest, "", false};

// Every headline, in the order the report lists them: the DRAM triad, the documented rates (FP32
// and FP16 tensor with FP32 accumulate first), the pinned host-to-device copy.
inline constexpr std::array<Headline, 12> kHeadlines = {{
    kDramTriad,
    kFp32Ffma,
    kFp16Gemm,
    {"FP16 tensor, FP16 accumulate", "", "", Match::kNone, "fp16_tensor_fp16acc_tflops", false},
    {"BF16 tensor", "", "", Match::kNone, "bf16_tensor_tflops", false},
    {"TF32 tensor", "", "", Match::kNone, "tf32_tensor_tflops", false},
    {"FP8 tensor, FP32 accumulate", "", "", Match::kNone, "fp8_tensor_fp32acc_tflops", false},
    {"FP8 tensor, FP16 accumulate", "", "", Match::kNone, "fp8_tensor_fp16acc_tflops", false},
    {"INT8 tensor", "", "", Match::kNone, "int8_tensor_tops", false},
    {"FP16 (no tensor cores)", "", "", Match::kNone, "fp16_tflops", false},
    {"FP64", "", "", Match::kNone, "fp64_tflops", false},
    kHostToDevice,
}};

namespace detail {
constexpr bool is_shape(std::string_view text) {  // "4096x4096x4096"
  int crosses = 0;
  bool digit = false;
  for (const char ch : text) {
    if (ch == 'x' && digit) {
      ++crosses;
      digit = false;
    } else if (ch >= '0' && ch <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return crosses == 2 && digit;
}
}  // namespace detail

// Whether a benchmark (as registered, "memory/stream/triad", or as a results file's run_name,
// "memory/stream/triad/manual_time") is one the row covers.
constexpr bool covers(const Headline& row, std::string_view name) {
  switch (row.match) {
    case Match::kNone:
      return false;
    case Match::kExact:
      return name == row.benchmark || (name.starts_with(row.benchmark) &&
                                       name.substr(row.benchmark.size()).starts_with('/'));
    case Match::kLargest:
      return name.starts_with(row.benchmark);
    case Match::kLargestShape: {
      if (!name.starts_with(row.benchmark)) return false;
      const std::string_view rest = name.substr(row.benchmark.size());
      return detail::is_shape(rest.substr(0, rest.find('/')));
    }
  }
  return false;
}

// Whether the benchmark is one a headline measures a sustained power window for (the GEMM suite
// then keeps the largest shape only).
constexpr bool sustained_power(std::string_view name) {
  for (const Headline& row : kHeadlines) {
    if (row.sustained_power && covers(row, name)) return true;
  }
  return false;
}

}  // namespace gpubench::headlines
