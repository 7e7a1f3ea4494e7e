#pragma once
// `gpubench run`'s custom-size options (issue 24): --gemm, --gemm-file, --precision, --impl
// (model/gemm_shapes.hpp), --transfer-sizes and --sweep-sizes (model/memory_plan.hpp), --yes and
// --dry-run. --dry-run lists the rows without touching CUDA, so it works on a machine with no GPU;
// otherwise the run registers the custom rows instead of the profile's.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/errors.hpp"
#include "model/gemm_shapes.hpp"
#include "model/profile.hpp"

namespace gpubench::cli {

struct GemmCliOptions {
  std::string gemm;            // --gemm SHAPES
  std::string gemm_file;       // --gemm-file FILE
  std::string precision;       // --precision LIST; empty: fp16_f32acc
  std::string impl;            // --impl LIST; empty: cublas
  std::string transfer_sizes;  // --transfer-sizes SIZES
  std::string sweep_sizes;     // --sweep-sizes SIZES
  bool yes = false;
  bool dry_run = false;

  bool any_shapes() const { return !gemm.empty() || !gemm_file.empty(); }
  bool any_memory_sizes() const { return !transfer_sizes.empty() || !sweep_sizes.empty(); }
  // Any of these options given: then `run` takes the custom path, which needs sizes.
  bool any_given() const {
    return any_shapes() || any_memory_sizes() || dry_run || !precision.empty() || !impl.empty();
  }
};

void add_gemm_options(CLI::App& command, GemmCliOptions& options);

// What the options ask for, every size checked; UserError (exit 2) with one sentence for any bad
// input. Empty parts were not asked for.
struct CustomSelection {
  CustomGemmPlan gemms;
  std::vector<std::int64_t> transfer_bytes;
  std::vector<std::int64_t> sweep_bytes;
};
CustomSelection custom_from_options(const GemmCliOptions& options);

// What a run's manifest says of them ("custom GEMM shapes: 12 rows; --sweep-sizes: 5 sizes"),
// "" when there are none: the profile's name alone no longer says what ran.
std::string describe_custom(const CustomSelection& selection);

// The suites the custom sizes run in ("gemm", "memory" or "memory,gemm"): the default --suite of
// a custom run.
std::string custom_suites(const GemmCliOptions& options);

// Refuses (UserError) what the options cannot mean: --precision or --impl without shapes,
// --dry-run with nothing to list, custom sizes whose suite `suites` (the run's) leaves out.
void check_custom_options(const GemmCliOptions& options,
                          const std::vector<std::string_view>& suites);

// Checks the options before anything touches CUDA and keeps what they ask for in `selection`;
// `suites` (--suite's value) becomes their suites unless `suite_given`. Returns the exit code
// when --dry-run only lists them; nullopt when none is given or the run goes on.
std::optional<ExitCode> take_custom_sizes(const GemmCliOptions& options, bool suite_given,
                                          const Profile& profile, std::string& suites,
                                          CustomSelection& selection);

// --dry-run: prints what would run (names, sizes, bytes, the total and the profile's sampling
// budget for it) and touches no GPU.
ExitCode print_dry_run(const GemmCliOptions& options, const Profile& profile);

}  // namespace gpubench::cli
