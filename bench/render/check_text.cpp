// `gpubench check`'s text for a person: per run, one line per check.

#include <fmt/format.h>

#include "render/check_render.hpp"
#include "render/text_table.hpp"

namespace gpubench {

std::string render_check_text(const std::vector<CheckedRun>& runs) {
  std::string out;
  for (const CheckedRun& run : runs) {
    const CheckedRunIdentity& id = run.identity;
    out += fmt::format("{}: {} ({}) on {}{}, driver {}, {} profile; thresholds: {}\n",
                       id.path.string(), id.gpu_name, id.spec_id, id.host,
                       id.gpu_index.empty() ? "" : fmt::format(" gpu{}", id.gpu_index),
                       id.driver_version, id.profile, run.thresholds_source);
    std::vector<std::vector<std::string>> rows;
    int warned = 0, failed = 0, unchecked = 0;
    for (const CheckResult& result : run.results) {
      rows.push_back({std::string(verdict_name(result.verdict)), result.what, result.evidence});
      warned += result.verdict == CheckVerdict::kWarn;
      failed += result.verdict == CheckVerdict::kFail;
      unchecked += result.verdict == CheckVerdict::kNotChecked;
    }
    out += format_text_table(
        {"verdict", "check", "evidence"}, rows, [](std::size_t) { return false; }, "  ");
    out += fmt::format("  {}: {} checks, {} FAIL, {} WARN, {} NOT CHECKED\n\n",
                       verdict_name(run.overall()), run.results.size(), failed, warned, unchecked);
  }
  return out;
}

}  // namespace gpubench
