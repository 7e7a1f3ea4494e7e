#pragma once
// One descriptor per counter of a results file: what it measures, in which unit, whether it is a
// figure or bookkeeping, which way is better, and which of gpubench's analyses judge it. Every
// consumer (compare, history, fleet, check, report, export) reads this table instead of guessing
// from a name; adding a counter is one row here (docs/results-counters.md), and a test fails for
// any counter in a results file that has none.

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "gpubench/counters.hpp"

namespace gpubench::counters {

// Which way is better for a metric. kNone: a parameter or a condition, never judged.
enum class Direction { kLowerIsBetter, kHigherIsBetter, kNone };

// What kind of figure a primary figure is; the report's columns and per-watt unit follow it.
// kRate: operations per second (driver-path rows).
enum class FigureKind { kBandwidth, kCompute, kLatency, kRate };

// A figure is something measured that a change can make better or worse; bookkeeping says how it
// was measured (samples, windows, clocks, noise, sizes, flags) and is never judged.
enum class Role { kFigure, kBookkeeping };

// Whose noise a figure carries: the timed samples' relative IQR (a median of those samples and
// every rate over it), or its own (measured by the kernel with the device's clocks, or by the host
// around the repetition), where only the spread of its repetitions is known.
enum class Noise { kTimedSamples, kOwnMeasurement };

// The analyses that judge a counter, as bits: compare and history (by default the primary figure,
// with --all-metrics every counter carrying kCompare / kHistory), fleet (the primary figures),
// check (its percentages and rates) and export (the OpenMetrics gauges).
enum Judge : unsigned {
  kNotJudged = 0,
  kCompare = 1u << 0,
  kHistory = 1u << 1,
  kFleet = 1u << 2,
  kCheck = 1u << 3,
  kExport = 1u << 4,
};

struct Descriptor {
  std::string_view name;
  std::string_view unit;  // as printed after a value: "GB/s", "%", "MHz"; "" for counts and flags
  Role role = Role::kBookkeeping;
  Direction direction = Direction::kNone;  // kNone for every bookkeeping counter
  unsigned judged_by = kNotJudged;         // Judge bits
  std::string_view display;                // a person's name for it, in tables and help
  // Primary figures only: their kind, and their place in the order a person looks for them (1
  // first; the first one a benchmark has is its primary figure). 0: never a primary figure.
  std::optional<FigureKind> figure_kind{};
  int primary_rank = 0;
  Noise noise = Noise::kTimedSamples;
  // The OpenMetrics family in Prometheus's base units where it has them ("" for gpubench_<name>)
  // and the factor from this counter's unit to it.
  std::string_view export_name{};
  double export_scale = 1;
};

namespace descriptor_rows {

inline constexpr unsigned kEveryAnalysis = kCompare | kHistory | kFleet | kCheck | kExport;

// A primary figure: by default judged by compare, history, fleet and export (check: its own rows).
constexpr Descriptor primary(std::string_view name, std::string_view unit, Direction direction,
                             std::string_view display, FigureKind kind, int rank,
                             unsigned judged_by = kCompare | kHistory | kFleet | kExport,
                             Noise noise = Noise::kTimedSamples, std::string_view export_name = {},
                             double export_scale = 1) {
  return {name, unit, Role::kFigure, direction,   judged_by,   display,
          kind, rank, noise,         export_name, export_scale};
}
// A figure that restates another (against a peak, per watt) or that no analysis judges.
constexpr Descriptor figure(std::string_view name, std::string_view unit, Direction direction,
                            unsigned judged_by, std::string_view display,
                            Noise noise = Noise::kTimedSamples) {
  return {name, unit, Role::kFigure, direction, judged_by, display, std::nullopt, 0, noise, {}, 1};
}
constexpr Descriptor bookkeeping(std::string_view name, std::string_view unit,
                                 std::string_view display) {
  return {name,
          unit,
          Role::kBookkeeping,
          Direction::kNone,
          kNotJudged,
          display,
          std::nullopt,
          0,
          Noise::kTimedSamples,
          {},
          1};
}

constexpr Direction kHigher = Direction::kHigherIsBetter;
constexpr Direction kLower = Direction::kLowerIsBetter;

}  // namespace descriptor_rows

// The table. Rows of one kind together; the order of the primary figures is their rank.
inline constexpr auto kDescriptors = [] {
  using namespace descriptor_rows;
  return std::array{
      // Primary figures.
      primary(kBandwidthGbs, "GB/s", kHigher, "bandwidth", FigureKind::kBandwidth, 1,
              kEveryAnalysis, Noise::kTimedSamples, "gpubench_bandwidth_bytes_per_second", 1e9),
      primary(kTflops, "TFLOPS", kHigher, "TFLOPS", FigureKind::kCompute, 2, kEveryAnalysis),
      primary(kTops, "TOPS", kHigher, "TOPS", FigureKind::kCompute, 3, kEveryAnalysis),
      primary(kOpsPerS, "ops/s", kHigher, "operations per second", FigureKind::kRate, 4),
      primary(kLatencyNs, "ns", kLower, "latency", FigureKind::kLatency, 5,
              kCompare | kHistory | kFleet | kExport, Noise::kOwnMeasurement,
              "gpubench_latency_seconds", 1e-9),
      primary(kLatencyUs, "us", kLower, "latency", FigureKind::kLatency, 6,
              kCompare | kHistory | kFleet | kExport, Noise::kTimedSamples,
              "gpubench_latency_seconds", 1e-6),
      primary(kLatencyCycles, "cycles", kLower, "latency in cycles", FigureKind::kLatency, 7,
              kCompare | kHistory | kFleet | kExport, Noise::kOwnMeasurement),
      // google/benchmark's: the time of a repetition (the primary figure of a benchmark without
      // any of the above), the host's time around it (only when asked for by name), and the rates
      // of plain google/benchmark files.
      figure(kRealTime, "", kLower, kCompare | kHistory | kFleet, "time per iteration"),
      figure(kCpuTime, "", kLower, kNotJudged, "host CPU time per iteration",
             Noise::kOwnMeasurement),
      figure(kItemsPerSecond, "items/s", kHigher, kCompare | kHistory, "items per second"),
      figure(kBytesPerSecond, "B/s", kHigher, kCompare | kHistory, "bytes per second"),
      // Restatements against a peak or another figure.
      figure(kPctOfSpec, "%", kHigher, kCompare | kHistory | kCheck | kExport, "% of spec"),
      figure(kPctOfClockPeak, "%", kHigher, kCompare | kHistory | kCheck,
             "% of rate x measured clock"),
      figure(kVsCounterpart, "x", kHigher, kCompare | kHistory, "measured / counterpart spec"),
      figure(kVsCublas, "x", kHigher, kCompare | kHistory, "own kernel / cuBLAS"),
      // One sustained power window per headline benchmark and run: no repetitions to judge a
      // change against, so shown in the report and never judged.
      figure(kGbsPerW, "GB/s/W", kHigher, kNotJudged, "bandwidth per W"),
      figure(kTflopsPerW, "TFLOPS/W", kHigher, kNotJudged, "TFLOPS per W"),
      figure(kEnergyJ, "J", kLower, kNotJudged, "energy per launch"),
      // Bookkeeping: how the figure was measured.
      bookkeeping(kSmClockMhz, "MHz", "SM clock of the timed launches"),
      bookkeeping(kSamples, "", "timed samples kept"),
      bookkeeping(kThrottledSamples, "", "throttled samples dropped"),
      bookkeeping(kNoisePct, "%", "noise (relative IQR of the samples)"),
      bookkeeping(kConverged, "", "stopping rule met"),
      bookkeeping(kMedianCiPct, "%", "median's 95% interval (+/-)"),
      bookkeeping(kSamplingS, "s", "sampling time of the repetition"),
      bookkeeping(kIterationsPerLaunch, "", "iterations per launch"),
      bookkeeping(kRelError, "", "relative error against the reference"),
      bookkeeping(kContended, "", "GPU shared (contended)"),
      bookkeeping(kContentionUnknown, "", "sharing unknown"),
      bookkeeping(kDisplayActivity, "", "display activity"),
      bookkeeping(kPowerMeanW, "W", "board power (sustained window)"),
      bookkeeping(kPowerWindowS, "s", "sustained power window"),
      bookkeeping(kPowerReadingsOverLimit, "", "power readings over the limit"),
      bookkeeping(kSmClockMeanMhz, "MHz", "mean SM clock"),
      bookkeeping(kSmClockMinMhz, "MHz", "lowest SM clock"),
      bookkeeping(kMemoryClockMhz, "MHz", "memory clock"),
      bookkeeping(kTemperatureMaxC, "C", "highest temperature"),
      bookkeeping(kArrayBytes, "B", "array size"),
      bookkeeping(kWorkingSetBytes, "B", "working set"),
      bookkeeping(kL2Bytes, "B", "L2 size"),
      bookkeeping(kTransferBytes, "B", "transfer size"),
      bookkeeping(kArithmeticIntensity, "FLOP/B", "arithmetic intensity"),
      bookkeeping(kRidgePoint, "FLOP/B", "ridge point"),
      bookkeeping(kGemmM, "", "GEMM M"),
      bookkeeping(kGemmN, "", "GEMM N"),
      bookkeeping(kGemmK, "", "GEMM K"),
      bookkeeping(kTensorCoreKernels, "", "kernels on tensor cores"),
      bookkeeping(kTensorPipeActivePct, "%", "tensor pipe active"),
      bookkeeping(kTensorPipeHmmaActivePct, "%", "tensor pipe active (HMMA)"),
      bookkeeping(kTensorPipeImmaActivePct, "%", "tensor pipe active (IMMA)"),
  };
}();

namespace descriptor_detail {

// The rows' indices sorted by name, for a binary search (the readers look up every counter of
// every record: a fleet of a thousand runs holds ~40 million).
inline constexpr auto kByName = [] {
  std::array<std::size_t, kDescriptors.size()> order{};
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [](std::size_t a, std::size_t b) {
    return kDescriptors[a].name < kDescriptors[b].name;
  });
  return order;
}();

constexpr bool rows_are_consistent() {
  for (std::size_t i = 1; i < kByName.size(); ++i) {
    if (kDescriptors[kByName[i - 1]].name == kDescriptors[kByName[i]].name) return false;
  }
  int rank = 0;
  for (const Descriptor& row : kDescriptors) {
    const bool bookkeeping = row.role == Role::kBookkeeping;
    if (bookkeeping && (row.direction != Direction::kNone || row.judged_by != kNotJudged)) {
      return false;
    }
    if (row.figure_kind.has_value() != (row.primary_rank > 0)) return false;
    if (row.primary_rank > 0 && row.primary_rank != ++rank) return false;  // 1, 2, ... in order
  }
  return true;
}
static_assert(rows_are_consistent(),
              "counter descriptors: a name twice, a judged bookkeeping counter, or primary ranks "
              "out of order");

}  // namespace descriptor_detail

// The counter's descriptor; nullptr for a name gpubench does not know.
constexpr const Descriptor* find_descriptor(std::string_view name) {
  const auto& order = descriptor_detail::kByName;
  const auto it = std::lower_bound(
      order.begin(), order.end(), name,
      [](std::size_t row, std::string_view wanted) { return kDescriptors[row].name < wanted; });
  if (it == order.end() || kDescriptors[*it].name != name) return nullptr;
  return &kDescriptors[*it];
}

// Whether `analysis` (a Judge bit) judges the counter; false for an unknown one.
constexpr bool judged_by(std::string_view name, Judge analysis) {
  const Descriptor* row = find_descriptor(name);
  return row != nullptr && (row->judged_by & analysis) != 0;
}

// The primary figure among the names of a range (of names, or of name -> value pairs, as a
// record's counters): the one of lowest primary_rank; nullptr when there is none.
template <typename Range>
constexpr const Descriptor* primary_figure(const Range& names) {
  const Descriptor* best = nullptr;
  for (const auto& entry : names) {
    const Descriptor* row = nullptr;
    if constexpr (requires { entry.first; }) {
      row = find_descriptor(entry.first);
    } else {
      row = find_descriptor(entry);
    }
    if (row != nullptr && row->primary_rank > 0 &&
        (best == nullptr || row->primary_rank < best->primary_rank)) {
      best = row;
    }
  }
  return best;
}

// The per-watt counter of a figure kind: gbs_per_w for bandwidth, tflops_per_w for the rest.
constexpr std::string_view per_watt_counter(FigureKind kind) {
  return kind == FigureKind::kBandwidth ? kGbsPerW : kTflopsPerW;
}

// The unit of a per-watt figure of that kind, as every report spells it: "GB/s/W", "TFLOPS/W".
constexpr std::string_view per_watt_unit(FigureKind kind) {
  return find_descriptor(per_watt_counter(kind))->unit;
}

}  // namespace gpubench::counters
