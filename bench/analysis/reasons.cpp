#include "analysis/reasons.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "gpubench/counters.hpp"
#include "gpubench/mma_sync_paths.hpp"
#include "model/gemm_plan.hpp"
#include "model/profile.hpp"

namespace gpubench {
namespace {

namespace c = counters;

struct NamedReason {
  ShortfallReason reason;
  std::string_view name;
};
constexpr std::array<NamedReason, 7> kReasonNames = {{
    {ShortfallReason::kPowerOrThermalCap, "power_or_thermal_cap"},
    {ShortfallReason::kMemoryBoundShape, "memory_bound_shape"},
    {ShortfallReason::kLibraryKernelUnderusesTensorCores, "library_kernel_underuses_tensor_cores"},
    {ShortfallReason::kContended, "contended"},
    {ShortfallReason::kEmulated, "emulated"},
    {ShortfallReason::kLaunchBound, "launch_bound"},
    {ShortfallReason::kUnknown, "unknown"},
}};

// A clock this far below the documented boost is a cap, not measurement noise.
constexpr double kCappedClockFraction = 0.95;
// Tensor pipe busier than this on a compute-bound shape is not the kernel's shortfall.
constexpr double kTensorPipeUnderusedPct = 50;
// A GEMM with fewer 128 x 128 output tiles than SMs leaves SMs idle; one shorter than this is
// dominated by launch and ramp-up.
constexpr double kTileEdge = 128;
constexpr double kLaunchBoundSeconds = 10e-6;

std::optional<double> counter(const std::map<std::string, double>& counters, std::string_view key) {
  const auto it = counters.find(std::string(key));
  if (it == counters.end()) return std::nullopt;
  return it->second;
}

// "gemm/cublas/int8_s32acc/4096x4096x4096/manual_time" -> components.
std::vector<std::string_view> components(std::string_view name) {
  std::vector<std::string_view> parts;
  while (!name.empty()) {
    const auto slash = name.find('/');
    parts.push_back(name.substr(0, slash));
    if (slash == std::string_view::npos) break;
    name.remove_prefix(slash + 1);
  }
  return parts;
}

struct GemmRowName {
  bool library = false;
  const GemmPrecisionInfo* precision = nullptr;
  std::optional<GemmShape> shape;
};

// "8192x64x28672" -> its dimensions; nullopt for any other name.
std::optional<GemmShape> shape_from_name(std::string_view name) {
  GemmShape shape{0, 0, 0, "custom", std::string(name)};
  std::int64_t* const dims[] = {&shape.m, &shape.n, &shape.k};
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t x = i < 2 ? name.find('x') : name.size();
    if (x == std::string_view::npos) return std::nullopt;
    const std::string_view part = name.substr(0, x);
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), *dims[i]);
    if (part.empty() || error != std::errc() || end != part.data() + part.size() || *dims[i] <= 0)
      return std::nullopt;
    name.remove_prefix(i < 2 ? x + 1 : x);
  }
  return shape;
}

std::optional<GemmRowName> parse_gemm_row(std::string_view name,
                                          const std::map<std::string, double>& counters) {
  const auto parts = components(name);
  if (parts.size() < 4 || parts[0] != "gemm") return std::nullopt;
  GemmRowName row;
  row.library = parts[1] == "cublas";
  for (const GemmPrecision precision : all_gemm_precisions()) {
    if (gemm_precision_info(precision).name == parts[2])
      row.precision = &gemm_precision_info(precision);
  }
  if (row.precision == nullptr) return std::nullopt;
  // The dimensions the row recorded (runs since custom shapes, whose names may be a file's).
  // Only whole values cuBLAS takes: a hostile file's 1e300 must not reach the cast.
  const auto dimension = [&](std::string_view key) -> std::optional<double> {
    const auto value = counter(counters, key);
    if (!value || !(*value >= 1 && *value <= 2147483647.0)) return std::nullopt;
    return value;
  };
  const auto m = dimension(c::kGemmM), n = dimension(c::kGemmN), k = dimension(c::kGemmK);
  if (m && n && k) {
    row.shape = GemmShape{static_cast<std::int64_t>(*m), static_cast<std::int64_t>(*n),
                          static_cast<std::int64_t>(*k), "custom", std::string(parts[3])};
    return row;
  }
  // Older files: every shape any profile runs, whatever the memory (the names identify the
  // dimensions), or an MxNxK name.
  const auto every = gemm_shapes(full_profile(), std::numeric_limits<std::int64_t>::max() / 4,
                                 row.precision->input_bytes, row.precision->output_bytes);
  for (const GemmShape& shape : every) {
    if (shape.name == parts[3]) row.shape = shape;
  }
  if (!row.shape) row.shape = shape_from_name(parts[3]);
  return row;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// mma.sync forms ptxas emulates (gpubench/mma_sync_paths.hpp, the compute suite's rule too), and
// BF16 before Ampere.
std::optional<std::string> emulation(std::string_view name, const ReasonContext& context) {
  if (!context.compute_capability) return std::nullopt;
  const ComputeCapability cc = *context.compute_capability;
  const int sm = cc.major * 10 + cc.minor;
  if (const auto input = mma_sync_input_of_row(name); input && mma_sync_emulated(*input, sm)) {
    return fmt::format("{} mma.sync is emulated on sm_{}", mma_sync_input_name(*input), sm);
  }
  if (cc < ComputeCapability{8, 0} && contains(name, "bf16")) {
    return fmt::format("BF16 has no native unit before sm_80 (this card: sm_{}{})", cc.major,
                       cc.minor);
  }
  return std::nullopt;
}

std::optional<std::string> power_or_thermal(std::string_view label,
                                            const std::map<std::string, double>& counters,
                                            const ReasonContext& context, bool clock_explains) {
  if (const auto throttled = counter(counters, c::kThrottledSamples); throttled && *throttled > 0) {
    return fmt::format("{:.3g} sample(s) taken with clocks held down", *throttled);
  }
  if (const auto at = label.find("throttle:"); at != std::string_view::npos) {
    return std::string(label.substr(at, label.find(';', at) - at));
  }
  const auto clock = counter(counters, c::kSmClockMhz).has_value()
                         ? counter(counters, c::kSmClockMhz)
                         : counter(counters, c::kSmClockMeanMhz);
  if (!clock || !context.boost_clock_mhz) return std::nullopt;
  const double fraction = *clock / *context.boost_clock_mhz;
  if (fraction < kCappedClockFraction || (clock_explains && fraction < 1)) {
    return fmt::format("SM clock {:.0f} MHz, {:.0f}% of the {:.0f} MHz boost", *clock,
                       fraction * 100, *context.boost_clock_mhz);
  }
  return std::nullopt;
}

std::optional<std::string> launch_bound(const GemmRowName& row,
                                        const std::map<std::string, double>& counters,
                                        const ReasonContext& context) {
  if (!row.shape) return std::nullopt;
  const GemmShape& shape = *row.shape;
  const double tiles = std::ceil(static_cast<double>(shape.m) / kTileEdge) *
                       std::ceil(static_cast<double>(shape.n) / kTileEdge);
  if (context.sm_count > 0 && tiles < context.sm_count) {
    return fmt::format("{:.0f} output tiles of 128x128 for {} SMs", tiles, context.sm_count);
  }
  const auto rate = counter(counters, row.precision->integer ? c::kTops : c::kTflops);
  if (rate && *rate > 0) {
    const double seconds = shape.flops() / (*rate * 1e12);
    if (seconds < kLaunchBoundSeconds) {
      return fmt::format("{:.1f} us per launch", seconds * 1e6);
    }
  }
  return std::nullopt;
}

std::optional<std::string> underused_tensor_cores(const GemmRowName& row,
                                                  const std::map<std::string, double>& counters) {
  if (!row.library || row.precision->peak == Throughput::kFp32) return std::nullopt;
  const auto intensity = counter(counters, c::kArithmeticIntensity);
  const auto ridge = counter(counters, c::kRidgePoint);
  if (!intensity || !ridge || *intensity < *ridge) return std::nullopt;  // not compute-bound
  if (const auto tensor = counter(counters, c::kTensorCoreKernels); tensor && *tensor == 0) {
    return std::string("a SIMT kernel ran a tensor-core precision on a compute-bound shape");
  }
  if (const auto pipe = counter(counters, c::kTensorPipeActivePct);
      pipe && *pipe < kTensorPipeUnderusedPct) {
    return fmt::format("tensor pipe {:.0f}% busy on a compute-bound shape", *pipe);
  }
  return std::nullopt;
}

}  // namespace

std::string_view reason_name(ShortfallReason reason) {
  for (const NamedReason& named : kReasonNames) {
    if (named.reason == reason) return named.name;
  }
  return "unknown";
}

std::optional<ShortfallReason> parse_reason(std::string_view name) {
  for (const NamedReason& named : kReasonNames) {
    if (named.name == name) return named.reason;
  }
  return std::nullopt;
}

const std::vector<ShortfallReason>& all_reasons() {
  static const std::vector<ShortfallReason> all = [] {
    std::vector<ShortfallReason> list;
    for (const NamedReason& named : kReasonNames)
      list.push_back(named.reason);
    return list;
  }();
  return all;
}

ReasonContext reason_context(const ResultsFile& run, const SpecDatabase& database) {
  ReasonContext context;
  if (const auto id = run.context_value(context_keys::kGpuSpecId)) {
    if (const SpecSheet* sheet = database.find(*id)) {
      context.boost_clock_mhz = sheet->number("boost_clock_mhz");
    }
  }
  if (const auto cc = run.context_value(context_keys::kComputeCapability)) {
    context.compute_capability = ComputeCapability::parse(*cc);
  }
  if (const auto sms = run.context_value(context_keys::kSmCount)) {
    try {
      context.sm_count = std::stoi(*sms);
    } catch (const std::exception&) {
      context.sm_count = 0;  // a manifest without a usable count: no tile judgement
    }
  }
  return context;
}

std::optional<Shortfall> explain_shortfall(std::string_view name, std::string_view label,
                                           const std::map<std::string, double>& counters,
                                           const ReasonContext& context) {
  const auto spec = counter(counters, c::kPctOfSpec);
  const auto at_clock = counter(counters, c::kPctOfClockPeak);
  if (!spec && !at_clock) return std::nullopt;
  Shortfall shortfall;
  shortfall.pct_of_peak = spec && at_clock ? std::min(*spec, *at_clock) : spec ? *spec : *at_clock;
  if (shortfall.pct_of_peak >= kShortfallThresholdPct) return std::nullopt;
  auto add = [&](ShortfallReason reason, std::optional<std::string> evidence) {
    if (evidence) shortfall.reasons.push_back({reason, std::move(*evidence)});
  };
  if (const auto contended = counter(counters, c::kContended); contended && *contended > 0) {
    add(ShortfallReason::kContended, "the GPU was shared during the measurement");
  }
  add(ShortfallReason::kEmulated, emulation(name, context));
  // At its measured clock the figure reaches its peak: the clock is the whole story.
  const bool short_at_clock = !at_clock || *at_clock < kShortfallThresholdPct;
  add(ShortfallReason::kPowerOrThermalCap,
      power_or_thermal(label, counters, context, !short_at_clock));
  if (short_at_clock) {
    if (const auto row = parse_gemm_row(name, counters)) {
      add(ShortfallReason::kLaunchBound, launch_bound(*row, counters, context));
      const auto intensity = counter(counters, c::kArithmeticIntensity);
      const auto ridge = counter(counters, c::kRidgePoint);
      if (intensity && ridge && *intensity < *ridge) {
        add(ShortfallReason::kMemoryBoundShape,
            fmt::format("{:.0f} FLOP/byte, below the {:.0f} FLOP/byte ridge point", *intensity,
                        *ridge));
      }
      add(ShortfallReason::kLibraryKernelUnderusesTensorCores,
          underused_tensor_cores(*row, counters));
    }
  }
  if (shortfall.reasons.empty()) {
    add(ShortfallReason::kUnknown,
        fmt::format("{:.0f}% of peak with no evidence of a cause", shortfall.pct_of_peak));
  }
  return shortfall;
}

std::vector<std::string> reason_names(const std::optional<Shortfall>& shortfall) {
  std::vector<std::string> names;
  if (!shortfall) return names;
  for (const ReasonEvidence& evidence : shortfall->reasons)
    names.emplace_back(reason_name(evidence.reason));
  return names;
}

bool record_takes_reasons(const BenchmarkRecord& record) {
  return record.run_type != "aggregate" || record.aggregate_name == "mean" ||
         record.aggregate_name == "median";
}

std::vector<std::string> record_reasons(const BenchmarkRecord& record,
                                        const ReasonContext& context) {
  if (record.reasons) return *record.reasons;
  if (record.error_occurred || !record_takes_reasons(record)) return {};
  return reason_names(explain_shortfall(record.name, record.label, record.counters, context));
}

}  // namespace gpubench
