// `gpubench check --json`: the verdicts as data, versioned (kCheckJsonSchema). Absent
// figures are null.

#include <nlohmann/json.hpp>

#include "render/check_render.hpp"
#include "render/json_values.hpp"

namespace gpubench {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json result_json(const CheckResult& result) {
  return {{"id", result.id},
          {"what", result.what},
          {"verdict", verdict_name(result.verdict)},
          {"evidence", result.evidence},
          {"benchmark", text_or_null(result.benchmark)},
          {"value_pct", number_or_null(result.value_pct)},
          {"warn_below_pct", number_or_null(result.warn_below_pct)},
          {"fail_below_pct", number_or_null(result.fail_below_pct)},
          {"reason", text_or_null(result.reason)}};
}

}  // namespace

std::string render_check_json(const std::vector<CheckedRun>& runs) {
  ordered_json out = versioned_document(kCheckJsonSchema);
  CheckVerdict worst = CheckVerdict::kPass;
  ordered_json list = ordered_json::array();
  for (const CheckedRun& run : runs) {
    const CheckedRunIdentity& id = run.identity;
    ordered_json checks = ordered_json::array();
    for (const CheckResult& result : run.results)
      checks.push_back(result_json(result));
    const CheckVerdict verdict = run.overall();
    if (verdict == CheckVerdict::kFail ||
        (verdict == CheckVerdict::kWarn && worst != CheckVerdict::kFail)) {
      worst = verdict;
    }
    list.push_back({{"file", id.path.string()},
                    {"gpu_name", id.gpu_name},
                    {"spec_id", id.spec_id},
                    {"gpu_uuid", text_or_null(id.gpu_uuid)},
                    {"gpu_index", text_or_null(id.gpu_index)},
                    {"host", id.host},
                    {"driver_version", id.driver_version},
                    {"cuda_version", id.cuda_version},
                    {"gpubench_version", id.gpubench_version},
                    {"date", id.date},
                    {"profile", id.profile},
                    {"thresholds", run.thresholds_source},
                    {"verdict", verdict_name(verdict)},
                    {"checks", std::move(checks)}});
  }
  out["verdict"] = verdict_name(worst);
  out["exit_code"] = static_cast<int>(check_exit_code(runs));
  out["runs"] = std::move(list);
  return out.dump(2) + "\n";
}

}  // namespace gpubench
