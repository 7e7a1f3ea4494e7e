#include "model/gemm_device_fit.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

std::string readable_bytes(double bytes) {
  constexpr double kMiB = 1024.0 * 1024.0, kGiB = 1024.0 * kMiB;
  return bytes >= kGiB ? fmt::format("{:.1f} GiB", bytes / kGiB)
                       : fmt::format("{:.1f} MiB", bytes / kMiB);
}

}  // namespace

std::string gemm_fit_problem(const GemmShape& shape, GemmPrecision precision,
                             std::int64_t free_bytes) {
  const GemmPrecisionInfo& info = gemm_precision_info(precision);
  const double total = gemm_min_bytes(shape, info.input_bytes, info.output_bytes);
  const double usable = static_cast<double>(free_bytes) * kGemmUsableFreeFraction;
  if (total <= usable) return "";
  // In double: m x k x 4 bytes can pass 2^63 for dimensions cuBLAS accepts.
  const double m = static_cast<double>(shape.m), n = static_cast<double>(shape.n),
               k = static_cast<double>(shape.k);
  return fmt::format(
      "{} in {} needs {} (A {}, B {}, C {}) but the card has {} free, of which {:.0f}% may hold "
      "the operands; choose a smaller shape or free GPU memory.",
      shape.name, info.name, readable_bytes(total), readable_bytes(m * k * info.input_bytes),
      readable_bytes(k * n * info.input_bytes), readable_bytes(m * n * info.output_bytes),
      readable_bytes(static_cast<double>(free_bytes)), kGemmUsableFreeFraction * 100);
}

bool own_gemm_kernel_runs(GemmPrecision precision, int sm) {
  if (precision == GemmPrecision::kFp32) return true;
  return own_gemm_kernel_exists(precision) && sm >= 80;
}

CustomGemmPlan fit_custom_gemms(CustomGemmPlan plan, int sm, std::int64_t free_bytes) {
  std::vector<CustomGemmRow> kept;
  for (CustomGemmRow& row : plan.rows) {
    const std::string_view precision = gemm_precision_info(row.precision).name;
    if (const std::string lacks = gemm_precision_problem(row.precision, sm); !lacks.empty()) {
      throw UserError(fmt::format("This card (sm_{}) cannot run {}: {}.", sm, precision, lacks));
    }
    if (const std::string fit = gemm_fit_problem(row.shape, row.precision, free_bytes);
        !fit.empty()) {
      throw UserError(fit);
    }
    if (row.implementation == GemmImplementation::kCublas) {
      if (const std::string problem = cublas_fast_path_problem(row.precision, sm, row.shape);
          !problem.empty()) {
        throw UserError(fmt::format("{} cannot run: {}.", row.name, problem));
      }
    } else if (!own_gemm_kernel_runs(row.precision, sm)) {
      const std::string note =
          fmt::format("own has no {} kernel for sm_{} (it needs sm_80)", precision, sm);
      if (std::find(plan.skipped.begin(), plan.skipped.end(), note) == plan.skipped.end())
        plan.skipped.push_back(note);
      continue;
    }
    kept.push_back(std::move(row));
  }
  if (kept.empty()) {
    throw UserError(fmt::format(
        "No kernel computes the shapes in the precisions asked for on sm_{}; add --impl cublas.",
        sm));
  }
  plan.rows = std::move(kept);
  return plan;
}

}  // namespace gpubench
