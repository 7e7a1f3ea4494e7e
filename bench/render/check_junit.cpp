// `gpubench check --junit FILE`: JUnit XML, as CI systems and Slurm health checks read test
// results. Checks are instantaneous: every time is 0.

#include <fmt/format.h>

#include "render/check_render.hpp"
#include "render/markup.hpp"

namespace gpubench {
namespace {

// XML 1.0 text and attribute values: the markup escapes (&#39; is XML too), and the control
// characters that XML 1.0 cannot carry at all replaced by '?'.
std::string xml(std::string_view text) {
  std::string out = escape_markup(text);
  for (char& ch : out) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') ch = '?';
  }
  return out;
}

// The JUnit schema's timestamp has no zone: "2026-11-28T21:25:11+00:00" -> "2026-11-28T21:25:11".
std::string junit_timestamp(const std::string& date) {
  return date.size() >= 19 ? date.substr(0, 19) : "1970-01-01T00:00:00";
}

std::string testcase(const CheckedRun& run, const CheckResult& result) {
  std::string out =
      fmt::format("    <testcase name=\"{}\" classname=\"gpubench.check.{}\" time=\"0\">\n",
                  xml(result.id), xml(run.identity.host));
  if (result.verdict == CheckVerdict::kFail) {
    out += fmt::format("      <failure message=\"{}\" type=\"FAIL\">{}</failure>\n",
                       xml(result.evidence), xml(result.evidence));
  } else if (result.verdict == CheckVerdict::kNotChecked) {
    out += fmt::format("      <skipped message=\"{}\"/>\n", xml(result.evidence));
  } else {
    out += fmt::format("      <system-out>{}: {}</system-out>\n", verdict_name(result.verdict),
                       xml(result.evidence));
  }
  return out + "    </testcase>\n";
}

struct Counts {
  int tests = 0;
  int failures = 0;
  int skipped = 0;
};

Counts counts_of(const CheckedRun& run) {
  Counts counts;
  for (const CheckResult& result : run.results) {
    ++counts.tests;
    counts.failures += result.verdict == CheckVerdict::kFail;
    counts.skipped += result.verdict == CheckVerdict::kNotChecked;
  }
  return counts;
}

}  // namespace

std::string render_check_junit(const std::vector<CheckedRun>& runs) {
  Counts total;
  std::string suites;
  for (const CheckedRun& run : runs) {
    const CheckedRunIdentity& id = run.identity;
    const Counts counts = counts_of(run);
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.skipped += counts.skipped;
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
        "time=\"0\" timestamp=\"{}\" hostname=\"{}\">\n    <properties>\n",
        xml(fmt::format("{} {}{} ({})", id.host, id.gpu_name,
                        id.gpu_index.empty() ? "" : " gpu" + id.gpu_index, id.path.string())),
        counts.tests, counts.failures, counts.skipped, xml(junit_timestamp(id.date)), xml(id.host));
    for (const auto& [name, value] : {std::pair{"file", id.path.string()},
                                      {"gpu_name", id.gpu_name},
                                      {"spec_id", id.spec_id},
                                      {"gpu_uuid", id.gpu_uuid},
                                      {"driver_version", id.driver_version},
                                      {"cuda_version", id.cuda_version},
                                      {"gpubench_version", id.gpubench_version},
                                      {"profile", id.profile},
                                      {"thresholds", run.thresholds_source}}) {
      suites += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml(value));
    }
    suites += "    </properties>\n";
    for (const CheckResult& result : run.results)
      suites += testcase(run, result);
    suites += "  </testsuite>\n";
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gpubench check\" "
      "tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"0\">\n{}</testsuites>\n",
      total.tests, total.failures, total.skipped, suites);
}

}  // namespace gpubench
