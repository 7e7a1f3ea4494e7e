#pragma once
// `gpubench run --device all` / `--device 0,2`: every selected GPU in turn, each in a child
// `gpubench run --device N` (its own CUDA context and google/benchmark state, so a GPU that fails,
// runs out of memory or is lost ends only its own run), then one summary row per GPU.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/errors.hpp"

namespace gpubench::cli {

// The ordinals `--device` names: "all" (every visible GPU), "N" or "N,M,..." (ascending, without
// duplicates). Throws UserError for anything else or an ordinal outside 0..visible-1.
std::vector<int> parse_device_list(std::string_view spec, int visible);

// True when `spec` is one ordinal (or empty): the run stays in this process.
bool names_one_device(std::string_view spec);

// This process's command line with every `--device`, `--out-suffix` and `--results-path-file`
// option (and its value) removed.
std::vector<std::string> command_line_without_device_options(std::vector<std::string> arguments);

// Runs `gpubench run` once per ordinal with the same options; `out` (the user's --out, if any) must
// then be a directory. Exit code: 0 all succeeded; 130/143 a run was interrupted (the rest are not
// started); 2 every GPU failed with 2; else 1 when any failed.
ExitCode run_on_devices(const std::vector<int>& ordinals, const std::string& out);

}  // namespace gpubench::cli
