#include "analysis/compare_format.hpp"

#include <fmt/format.h>

#include <cmath>

#include "analysis/compare.hpp"

namespace gpubench {

std::string format_value(double value) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.5g}", value);
}

std::string format_percent(std::optional<double> fraction, bool sign) {
  if (!fraction || std::isnan(*fraction)) return "-";
  if (std::isinf(*fraction)) return *fraction > 0 ? "inf" : "-inf";
  return sign ? fmt::format("{:+.1f}%", *fraction * 100.0)
              : fmt::format("{:.1f}%", *fraction * 100.0);
}

std::string format_p(std::optional<double> p) {
  if (!p) return "-";
  return fmt::format("{:.2g}", *p);
}

std::string side_label(const RunIdentity& identity) {
  if (!identity.has_manifest) return "no gpubench manifest (plain google/benchmark file)";
  return fmt::format("{}, driver {}{}{}", identity.gpu_name.value_or("?"),
                     identity.driver_version.value_or("?"),
                     identity.date ? ", " + *identity.date : "",
                     identity.host_name ? ", host " + *identity.host_name : "");
}

std::string metric_line(const MetricComparison& m) {
  const Judgement& j = m.judgement;
  const std::string evidence = j.method == VerdictMethod::kNoiseRule
                                   ? fmt::format("noise {}/{}", format_percent(j.base_noise, false),
                                                 format_percent(j.candidate_noise, false))
                                   : fmt::format("p={}", format_p(j.p_value));
  return fmt::format("{}{}: {} -> {} {} ({}, {}, clock-normalised {}){}", m.metric,
                     m.unit.empty() ? "" : " [" + m.unit + "]", format_value(j.base_median),
                     format_value(j.candidate_median), format_percent(j.change),
                     to_string(j.verdict), evidence, format_percent(m.clock_normalised_change),
                     j.reason.empty() ? "" : ": " + j.reason);
}

}  // namespace gpubench
