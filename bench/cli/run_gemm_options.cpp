#include "cli/run_gemm_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <utility>

#include "harness/suites/suites.hpp"
#include "model/memory_plan.hpp"
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
      "Custom GEMM shapes, run instead of the profile's (--suite defaults to gemm): "
      "MxNxK[,MxNxK...], or ranges m=1:64:x2,n=28672,k=8192 (start:end:step, step +N or xN; a "
      "single value is one point; the cross product of m, n and k)");
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
  command.add_option("--transfer-sizes", options.transfer_sizes,
                     "Host<->device transfer sizes instead of the profile's: bytes or KiB, MiB, "
                     "GiB, a comma list and/or ranges as --gemm's (4KiB,64MiB or 4KiB:1GiB:x4)");
  command.add_option("--sweep-sizes", options.sweep_sizes,
                     "Working sets of the L2 sweep and the pointer chase instead of the "
                     "profile's, multiples of 128 bytes, as --transfer-sizes (256KiB:256MiB:x2)");
  command.add_flag("--yes", options.yes, "Accept a sweep of more than 1,000 shapes or sizes");
  command.add_flag("--dry-run", options.dry_run,
                   "List the custom rows that would run (names, sizes, bytes, sampling "
                   "budget) and exit without touching the GPU");
}

namespace {

CustomGemmPlan gemm_plan(const GemmCliOptions& options) {
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

// One row of the listing: its name and what it moves.
struct DryRunRow {
  std::string name;
  std::string size;  // "8192 x 64 x 28672" or "64MiB"
  double bytes = 0;  // operands (GEMM), working set or transfer
};

std::vector<DryRunRow> memory_rows(const CustomSelection& selection) {
  std::vector<DryRunRow> rows;
  for (const auto& [name_of, sizes] :
       {std::pair{&l2_sweep_benchmark_name, &selection.sweep_bytes},
        std::pair{&latency_benchmark_name, &selection.sweep_bytes}}) {
    for (const std::int64_t size : *sizes)
      rows.push_back({name_of(size), format_bytes(size), static_cast<double>(size)});
  }
  for (const std::string_view direction : kTransferDirections) {
    for (const bool pinned : {true, false}) {
      for (const std::int64_t size : selection.transfer_bytes) {
        rows.push_back({transfer_benchmark_name(direction, pinned, size), format_bytes(size),
                        static_cast<double>(size)});
      }
    }
  }
  return rows;
}

void print_memory_rows(const std::vector<DryRunRow>& rows, std::size_t gemm_rows,
                       const Profile& profile) {
  std::size_t name_width = 4;
  for (const DryRunRow& row : rows)
    name_width = std::max(name_width, row.name.size());
  if (gemm_rows == 0) {
    fmt::print("Dry run: nothing is run. {} custom memory row{} ({} profile):\n", rows.size(),
               rows.size() == 1 ? "" : "s", profile.name);
  } else {
    fmt::print("{} custom memory row{}:\n", rows.size(), rows.size() == 1 ? "" : "s");
  }
  fmt::print("  {:<{}} {:>10} {:>14}\n", "name", name_width, "size", "bytes");
  for (const DryRunRow& row : rows)
    fmt::print("  {:<{}} {:>10} {:>14.0f}\n", row.name, name_width, row.size, row.bytes);
  fmt::print(
      "The memory suite's other rows (stream, d2d, and the sizes not given) run as the profile "
      "sets them; --filter leaves them out.\n");
}

}  // namespace

CustomSelection custom_from_options(const GemmCliOptions& options) {
  CustomSelection selection;
  if (options.any_shapes()) selection.gemms = gemm_plan(options);
  if (!options.transfer_sizes.empty())
    selection.transfer_bytes = parse_transfer_sizes(options.transfer_sizes, options.yes);
  if (!options.sweep_sizes.empty())
    selection.sweep_bytes = parse_sweep_sizes(options.sweep_sizes, options.yes);
  return selection;
}

std::string describe_custom(const CustomSelection& selection) {
  std::vector<std::string> parts;
  if (!selection.gemms.rows.empty())
    parts.push_back(fmt::format("custom GEMM shapes: {} rows", selection.gemms.rows.size()));
  if (!selection.transfer_bytes.empty())
    parts.push_back(fmt::format("--transfer-sizes: {} sizes", selection.transfer_bytes.size()));
  if (!selection.sweep_bytes.empty())
    parts.push_back(fmt::format("--sweep-sizes: {} sizes", selection.sweep_bytes.size()));
  std::string text;
  for (const std::string& part : parts)
    text += (text.empty() ? "" : "; ") + part;
  return text;
}

std::string custom_suites(const GemmCliOptions& options) {
  if (!options.any_memory_sizes()) return "gemm";
  return options.any_shapes() ? "memory,gemm" : "memory";
}

void check_custom_options(const GemmCliOptions& options,
                          const std::vector<std::string_view>& suites) {
  if (!options.any_shapes() && (!options.precision.empty() || !options.impl.empty())) {
    // --precision and --impl choose among custom shapes only: ignoring them would run the whole
    // profile when a person meant a selection of it.
    throw UserError(
        "--precision and --impl choose among custom GEMM shapes; give them with --gemm or "
        "--gemm-file (--filter selects the profile's rows).");
  }
  if (!options.any_shapes() && !options.any_memory_sizes()) {
    throw UserError(
        "--dry-run lists custom sizes; give them with --gemm, --gemm-file, --transfer-sizes or "
        "--sweep-sizes.");
  }
  const auto runs = [&](std::string_view suite) {
    return std::find(suites.begin(), suites.end(), suite) != suites.end();
  };
  if (options.any_shapes() && !runs("gemm")) {
    throw UserError("--gemm and --gemm-file run in the gemm suite; add gemm to --suite.");
  }
  if (options.any_memory_sizes() && !runs("memory")) {
    throw UserError(
        "--transfer-sizes and --sweep-sizes run in the memory suite; add memory to "
        "--suite.");
  }
}

ExitCode print_dry_run(const GemmCliOptions& options, const Profile& profile) {
  const CustomSelection selection = custom_from_options(options);
  const CustomGemmPlan& plan = selection.gemms;
  std::size_t name_width = 4;
  for (const CustomGemmRow& row : plan.rows)
    name_width = std::max(name_width, row.name.size());
  if (!plan.rows.empty()) {
    fmt::print("Dry run: nothing is run. {} custom GEMM row{} ({} profile):\n", plan.rows.size(),
               plan.rows.size() == 1 ? "" : "s", profile.name);
    fmt::print("  {:<{}} {:>10} {:>10} {:>10} {:>14}\n", "name", name_width, "m", "n", "k",
               "operands MiB");
  }
  double total_bytes = 0, largest_bytes = 0;
  for (const CustomGemmRow& row : plan.rows) {
    fmt::print("  {:<{}} {:>10} {:>10} {:>10} {:>14.1f}\n", row.name, name_width, row.shape.m,
               row.shape.n, row.shape.k, mib(row.operand_bytes));
    total_bytes += row.operand_bytes;
    largest_bytes = std::max(largest_bytes, row.operand_bytes);
  }
  for (const std::string& skipped : plan.skipped)
    fmt::print("Left out: {}.\n", skipped);
  const std::vector<DryRunRow> memory = memory_rows(selection);
  if (!memory.empty()) print_memory_rows(memory, plan.rows.size(), profile);
  const std::size_t rows = plan.rows.size() + memory.size();
  if (!plan.rows.empty()) {
    fmt::print(
        "Total: {} rows; GEMM operands {:.1f} MiB in all, {:.1f} MiB for the largest (A, B and "
        "C).\n",
        rows, mib(total_bytes), mib(largest_bytes));
  } else {
    fmt::print("Total: {} rows.\n", rows);
  }
  // The stopping rule ends a repetition when its samples agree or its budget is spent, so the
  // budget bounds the sampling; buffers, the verification and kernel inspection come on top.
  const double sampling_s =
      static_cast<double>(rows) * profile.repetitions * profile.stopping.budget_s;
  fmt::print(
      "Sampling takes at most {:.1f} s ({} rows x {} repetitions x {} s budget), plus buffer "
      "set-up, the verification and kernel inspection per row.\n",
      sampling_s, rows, profile.repetitions, profile.stopping.budget_s);
  return ExitCode::kOk;
}

std::optional<ExitCode> take_custom_sizes(const GemmCliOptions& options, bool suite_given,
                                          const Profile& profile, std::string& suites,
                                          CustomSelection& selection) {
  if (!options.any_given()) return std::nullopt;
  if (!suite_given) suites = custom_suites(options);
  std::vector<std::string_view> suite_names;
  for (const Suite* suite : parse_suite_list(suites))
    suite_names.push_back(suite->name);
  check_custom_options(options, suite_names);
  if (options.dry_run) return print_dry_run(options, profile);
  selection = custom_from_options(options);
  return std::nullopt;
}

}  // namespace gpubench::cli
