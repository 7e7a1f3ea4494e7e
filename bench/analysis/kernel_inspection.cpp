#include "analysis/kernel_inspection.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "gpubench/counters.hpp"
#include "model/kernel_classes.hpp"

namespace gpubench {
namespace {

// The reason inside "PREFIX (REASON)", or empty when text has another form.
std::string_view reason_after(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix) || !text.ends_with(")")) return {};
  text.remove_prefix(prefix.size());
  text.remove_suffix(1);
  return text;
}

}  // namespace

std::string counters_unavailable(std::string_view reason) {
  return fmt::format("counters unavailable ({})", reason);
}

std::string TensorPipeMetric::metric_name() const {
  return base_name + std::string(kTensorPipeSubmetric);
}

const std::vector<std::string_view>& tensor_pipe_metric_candidates(TensorPipe pipe) {
  // Newest naming first: where a chip has both, the older name is the deprecated one.
  static const std::vector<std::string_view> floating_point = {
      "sm__pipe_tensor_op_hmma_cycles_active_v2",    // Ada (AD10x)
      "sm__pipe_tensor_subpipe_hmma_cycles_active",  // Blackwell (GB10x, GB20x)
      "sm__pipe_tensor_op_hmma_cycles_active",       // Volta, Turing, Ampere, Hopper
  };
  static const std::vector<std::string_view> integer = {
      "sm__pipe_tensor_op_imma_cycles_active_v2", "sm__pipe_tensor_subpipe_imma_cycles_active",
      "sm__pipe_tensor_op_imma_cycles_active",  // Turing+ (Volta has no integer MMA)
  };
  return pipe == TensorPipe::kInteger ? integer : floating_point;
}

std::vector<TensorPipeMetric> select_tensor_pipe_metrics(
    const std::function<bool(std::string_view base_name)>& supported) {
  std::vector<TensorPipeMetric> selected;
  for (const TensorPipe pipe : {TensorPipe::kFloatingPoint, TensorPipe::kInteger}) {
    for (const std::string_view candidate : tensor_pipe_metric_candidates(pipe)) {
      if (supported(candidate)) {
        selected.push_back(
            {pipe, std::string(candidate),
             std::string(pipe == TensorPipe::kInteger ? counters::kTensorPipeImmaActivePct
                                                      : counters::kTensorPipeHmmaActivePct)});
        break;
      }
    }
  }
  return selected;
}

bool has_submetric(const std::vector<std::string>& submetrics, std::string_view wanted) {
  auto undotted = [](std::string_view text) {
    if (text.starts_with('.')) text.remove_prefix(1);
    return text;
  };
  return std::any_of(submetrics.begin(), submetrics.end(), [&](const std::string& submetric) {
    return undotted(submetric) == undotted(wanted);
  });
}

std::optional<double> tensor_pipe_active_pct(const KernelInspection& inspection,
                                             bool integer_gemm) {
  const std::string_view wanted =
      integer_gemm ? counters::kTensorPipeImmaActivePct : counters::kTensorPipeHmmaActivePct;
  for (const auto& [counter, value] : inspection.tensor_pipe_pct) {
    if (counter == wanted) return value;
  }
  return std::nullopt;
}

std::string inspection_label(std::string_view bound, const KernelInspection& inspection,
                             bool integer_gemm) {
  std::vector<std::string> parts;
  if (!bound.empty()) parts.emplace_back(bound);
  const std::string_view kernels_reason =
      reason_after(inspection.kernels_problem, "kernels unavailable (");
  const std::string_view counters_reason =
      reason_after(inspection.counters_problem, "counters unavailable (");
  if (inspection.kernel_names.empty() && !kernels_reason.empty() &&
      kernels_reason == counters_reason) {
    parts.push_back(fmt::format("CUPTI unavailable ({})", kernels_reason));
  } else {
    if (!inspection.kernel_names.empty()) {
      parts.push_back(describe_kernels(inspection.kernel_names));
    } else if (!inspection.kernels_problem.empty()) {
      parts.push_back(inspection.kernels_problem);
    }
    if (const auto pct = tensor_pipe_active_pct(inspection, integer_gemm)) {
      parts.push_back(fmt::format("tensor pipe active {:.1f}%", *pct));
    } else if (!inspection.counters_problem.empty()) {
      parts.push_back(inspection.counters_problem);
    }
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace gpubench
