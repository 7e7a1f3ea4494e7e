// `gpubench export --openmetrics`: gauges for Prometheus, through node_exporter's textfile
// collector or a Pushgateway. The text is valid OpenMetrics 1.0 and Prometheus 0.0.4 at once:
// gauges only, HELP without quotes, no sample timestamps, and "# EOF" (a comment to 0.0.4).

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "gpubench/counter_descriptors.hpp"
#include "gpubench/errors.hpp"
#include "render/check_render.hpp"

namespace gpubench {
namespace {

// Label values: backslash, double quote and line feed escaped (both formats agree on these).
std::string label_value(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '"') {
      out += "\\\"";
    } else if (ch == '\n') {
      out += "\\n";
    } else {
      out += ch;
    }
  }
  return out;
}

// A figure in Prometheus's base units where it has them (seconds, bytes: promtool refuses
// abbreviated units); operation rates keep the figure's own unit (tflops, tops, ops_per_s).
struct Metric {
  std::string name;
  double scale = 1;
};
Metric metric_of(std::string_view counter) {
  if (const auto* row = counters::find_descriptor(counter); row && !row->export_name.empty()) {
    return {std::string(row->export_name), row->export_scale};
  }
  std::string out = "gpubench_";
  for (const char ch : counter) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_';
    out += ok ? ch : '_';
  }
  return {out, 1};
}

std::string run_labels(const CheckedRunIdentity& id) {
  std::string out;
  for (const auto& [name, value] : {std::pair{"gpu_model", id.gpu_name},
                                    {"spec_id", id.spec_id},
                                    {"gpu_uuid", id.gpu_uuid},
                                    {"gpu_index", id.gpu_index},
                                    {"host", id.host},
                                    {"driver", id.driver_version},
                                    {"cuda", id.cuda_version},
                                    {"gpubench_version", id.gpubench_version}}) {
    if (value.empty()) continue;
    out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", name, label_value(value));
  }
  return out;
}

// Families in the order they first appear; each one's samples together, as both formats require.
class Families {
 public:
  void add(const std::string& name, std::string_view help, const std::string& labels,
           double value) {
    if (!std::isfinite(value)) return;  // a figure without a value is left out, never "nan"
    auto [it, inserted] = index_.emplace(name, families_.size());
    if (inserted) families_.push_back({name, std::string(help), {}});
    families_[it->second].samples.push_back(fmt::format("{}{{{}}} {}", name, labels, value));
  }
  std::string text() const {
    std::string out;
    for (const Family& family : families_) {
      out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", family.name, family.help, family.name);
      for (const std::string& sample : family.samples)
        out += sample + "\n";
    }
    return out + "# EOF\n";
  }

 private:
  struct Family {
    std::string name;
    std::string help;
    std::vector<std::string> samples;
  };
  std::vector<Family> families_;
  std::map<std::string, std::size_t> index_;
};

double status_value(CheckVerdict verdict) {
  switch (verdict) {
    case CheckVerdict::kPass:
      return 0;
    case CheckVerdict::kWarn:
      return 1;
    case CheckVerdict::kFail:
      return 2;
    case CheckVerdict::kNotChecked:
      break;
  }
  return -1;
}

void add_figures(const ExportedRun& run, const std::string& labels, Families& families) {
  for (const ReportFamily& family : run.report.families) {
    for (const ReportSection& section : family.sections) {
      for (const ReportRow& row : section.rows) {
        if (row.failed || row.counter.empty()) continue;
        // A counter named after a rate spec key (older files) has no descriptor: a rate, exported.
        const auto* row_counter = counters::find_descriptor(row.counter);
        if (row_counter != nullptr && (row_counter->judged_by & counters::kExport) == 0) continue;
        const std::string with = fmt::format("{},benchmark=\"{}\"", labels,
                                             label_value(family.name + "/" + row.benchmark));
        const Metric metric = metric_of(row.counter);
        families.add(metric.name,
                     metric.scale == 1
                         ? fmt::format("The benchmark's primary figure ({}), the median of its "
                                       "repetitions.",
                                       row.unit)
                         : "The benchmark's primary figure in base units, the median of its "
                           "repetitions.",
                     with, row.measured * metric.scale);
        if (row.pct_of_spec && counters::judged_by(counters::kPctOfSpec, counters::kExport)) {
          families.add(metric_of(counters::kPctOfSpec).name,
                       "The figure in percent of the card's documented figure.", with,
                       *row.pct_of_spec);
        }
      }
    }
  }
}

void add_checks(const CheckedRun& run, const std::string& labels, Families& families) {
  for (const CheckResult& result : run.results) {
    const std::string with = fmt::format("{},check=\"{}\"", labels, label_value(result.id));
    families.add("gpubench_check_status",
                 "gpubench check verdict: 0 PASS, 1 WARN, 2 FAIL, -1 NOT CHECKED.", with,
                 status_value(result.verdict));
    if (result.value_pct) {
      families.add("gpubench_check_value_pct", "The percentage the check judged.", with,
                   *result.value_pct);
    }
    if (result.warn_below_pct) {
      families.add("gpubench_check_warn_below_pct", "The check's warn floor in percent.", with,
                   *result.warn_below_pct);
    }
    if (result.fail_below_pct) {
      families.add("gpubench_check_fail_below_pct", "The check's fail floor in percent.", with,
                   *result.fail_below_pct);
    }
  }
  families.add("gpubench_check_overall_status",
               "The run's gpubench check verdict: 0 PASS, 1 WARN, 2 FAIL.", labels,
               status_value(run.overall()));
}

}  // namespace

std::optional<long long> run_unix_seconds(const std::string& date) {
  std::tm utc{};
  int offset_hours = 0, offset_minutes = 0;
  char sign = '+';
  const int read =
      std::sscanf(date.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                  &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &sign, &offset_hours, &offset_minutes);
  if (read != 6 && read != 9) return std::nullopt;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  long long seconds = static_cast<long long>(timegm(&utc));
  if (read == 9) {
    const long long offset = (offset_hours * 60LL + offset_minutes) * 60;
    seconds += sign == '-' ? offset : -offset;
  }
  return seconds;
}

std::string render_openmetrics(const std::vector<ExportedRun>& runs) {
  Families families;
  std::set<std::string> seen;
  for (const ExportedRun& run : runs) {
    const std::string labels = run_labels(run.checked.identity);
    if (!seen.insert(labels).second) {
      throw UserError(fmt::format(
          "{} has the same GPU, host and versions as another run given: export one run per GPU, "
          "so that no two series carry the same labels.",
          run.checked.identity.path.string()));
    }
    if (const auto seconds = run_unix_seconds(run.checked.identity.date)) {
      families.add("gpubench_run_timestamp_seconds",
                   "When the run started, in seconds since the Unix epoch.", labels,
                   static_cast<double>(*seconds));
    }
  }
  for (const ExportedRun& run : runs)
    add_figures(run, run_labels(run.checked.identity), families);
  for (const ExportedRun& run : runs)
    add_checks(run.checked, run_labels(run.checked.identity), families);
  return families.text();
}

}  // namespace gpubench
