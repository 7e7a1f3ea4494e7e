#include "cli/run_gemm_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "model/text_excerpt.hpp"

namespace gpubench::cli {
namespace {

double mib(double bytes) {
  return bytes / (1024.0 * 1024.0);
}

}  // namespace

void add_gemm_options(CLI::App& command, GemmCliOptions& options) {
  auto* gemm = command.add_option(
      "--gemm", options.gemm,
      "Custom GEMM shapes: MxNxK[,MxNxK...], or ranges m=1:64:x2,n=28672,k=8192 (start:end:step, "
      "step +N or xN; a single value is one point; the cross product of m, n and k)");
  command
      .add_option("--gemm-file", options.gemm_file,
                  "Custom GEMM shapes from a CSV: m,n,k[,name[,precision]] a line, an optional "
                  "header line naming the columns, # comments")
      ->excludes(gemm);
  command.add_option("--precision", options.precision,
                     "GEMM precisions of the custom shapes, comma-separated, or all (default "
                     "fp16_f32acc)");
  command.add_option("--impl", options.impl,
                     "GEMM implementations of the custom shapes: cublas, own or cublas,own "
                     "(default cublas)");
  command.add_flag("--yes", options.yes, "Accept a sweep of more than 1,000 shapes");
  command.add_flag("--dry-run", options.dry_run,
                   "List the custom GEMM rows that would run (names, sizes, operand bytes, "
                   "sampling budget) and exit without touching the GPU");
}

CustomGemmPlan plan_from_options(const GemmCliOptions& options) {
  // The selections first: a typo in them is named even when the shapes are also wrong.
  const std::vector<GemmPrecision> precisions =
      parse_gemm_precisions(options.precision.empty() ? "fp16_f32acc" : options.precision);
  const std::vector<GemmImplementation> implementations =
      parse_gemm_implementations(options.impl.empty() ? "cublas" : options.impl);
  std::vector<CustomGemmShape> shapes;
  if (!options.gemm_file.empty()) {
    std::ifstream in(options.gemm_file);
    if (!in) {
      throw UserError(
          fmt::format("--gemm-file {} cannot be read.", printable_path(options.gemm_file)));
    }
    shapes = parse_gemm_file(in, printable_path(options.gemm_file), options.yes);
  } else {
    shapes = parse_gemm_shapes(options.gemm, options.yes);
  }
  return plan_custom_gemms(shapes, precisions, implementations);
}

ExitCode print_dry_run(const GemmCliOptions& options, const Profile& profile) {
  const CustomGemmPlan plan = plan_from_options(options);
  std::size_t name_width = 4;
  for (const CustomGemmRow& row : plan.rows)
    name_width = std::max(name_width, row.name.size());
  fmt::print("Dry run: nothing is run. {} custom GEMM row{} ({} profile):\n", plan.rows.size(),
             plan.rows.size() == 1 ? "" : "s", profile.name);
  fmt::print("  {:<{}} {:>10} {:>10} {:>10} {:>14}\n", "name", name_width, "m", "n", "k",
             "operands MiB");
  double total_bytes = 0, largest_bytes = 0;
  for (const CustomGemmRow& row : plan.rows) {
    fmt::print("  {:<{}} {:>10} {:>10} {:>10} {:>14.1f}\n", row.name, name_width, row.shape.m,
               row.shape.n, row.shape.k, mib(row.operand_bytes));
    total_bytes += row.operand_bytes;
    largest_bytes = std::max(largest_bytes, row.operand_bytes);
  }
  for (const std::string& skipped : plan.skipped)
    fmt::print("Left out: {}.\n", skipped);
  // The stopping rule ends a repetition when its samples agree or its budget is spent, so the
  // budget bounds the sampling; buffers, the FP64 check and kernel inspection come on top.
  const double sampling_s =
      static_cast<double>(plan.rows.size()) * profile.repetitions * profile.stopping.budget_s;
  fmt::print(
      "Total: {} rows; operands {:.1f} MiB in all, {:.1f} MiB for the largest (A, B and C).\n"
      "Sampling takes at most {:.1f} s ({} rows x {} repetitions x {} s budget), plus buffer "
      "set-up, the FP64 verification and kernel inspection per row.\n",
      plan.rows.size(), mib(total_bytes), mib(largest_bytes), sampling_s, plan.rows.size(),
      profile.repetitions, profile.stopping.budget_s);
  return ExitCode::kOk;
}

ExitCode run_custom_gemms(const GemmCliOptions& options, const Profile& profile) {
  if (!options.any_shapes()) {
    // --precision and --impl choose among custom shapes only: ignoring them would run the whole
    // profile when a person meant a selection of it.
    throw UserError(
        options.dry_run
            ? "--dry-run lists custom GEMM shapes; give them with --gemm or --gemm-file."
            : "--precision and --impl choose among custom GEMM shapes; give them with "
              "--gemm or --gemm-file (--filter selects the profile's rows).");
  }
  if (options.dry_run) return print_dry_run(options, profile);
  (void)plan_from_options(options);  // bad input is named first, as with --dry-run
  throw UserError(
      "This gpubench does not yet run custom GEMM shapes on the GPU; add --dry-run to list them.");
}

}  // namespace gpubench::cli
