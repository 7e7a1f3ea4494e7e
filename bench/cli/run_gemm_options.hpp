#pragma once
// `gpubench run`'s custom GEMM options (issue 24): --gemm, --gemm-file, --precision, --impl,
// --yes and --dry-run, parsed by model/gemm_shapes.hpp. --dry-run lists the sweep without
// touching CUDA, so it works on a machine with no GPU.

#include <CLI/CLI.hpp>
#include <string>

#include "gpubench/errors.hpp"
#include "model/gemm_shapes.hpp"
#include "model/profile.hpp"

namespace gpubench::cli {

struct GemmCliOptions {
  std::string gemm;       // --gemm SHAPES
  std::string gemm_file;  // --gemm-file FILE
  std::string precision;  // --precision LIST; empty: fp16_f32acc
  std::string impl;       // --impl LIST; empty: cublas
  bool yes = false;
  bool dry_run = false;

  bool any_shapes() const { return !gemm.empty() || !gemm_file.empty(); }
  // Any of these options given: then `run` takes the custom-shapes path, which needs shapes.
  bool any_given() const { return any_shapes() || dry_run || !precision.empty() || !impl.empty(); }
};

void add_gemm_options(CLI::App& command, GemmCliOptions& options);

// The rows the options ask for; UserError (exit 2) with one sentence for any bad input.
CustomGemmPlan plan_from_options(const GemmCliOptions& options);

// --dry-run: prints what would run (names, sizes, operand bytes, the total and the profile's
// sampling budget for it) and touches no GPU.
ExitCode print_dry_run(const GemmCliOptions& options, const Profile& profile);

// `run` with --gemm, --gemm-file or --dry-run: the dry run's listing; a run of custom shapes on
// the GPU is refused with one sentence (not built yet: issue 24's second part), after the options
// are checked.
ExitCode run_custom_gemms(const GemmCliOptions& options, const Profile& profile);

}  // namespace gpubench::cli
