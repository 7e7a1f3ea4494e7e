#pragma once
// `gpubench run`'s diagnostic timing options (issue 27's GPU step): --no-l2-flush, --batch N and
// --no-stream-hold time launches other than as the figures of record do, and the results file
// says how (gpubench_timing), so compare lists it among what differs.

#include <CLI/CLI.hpp>
#include <string>

namespace gpubench::cli {

struct TimingCliOptions {
  bool no_l2_flush = false;
  int batch = 1;
  bool no_stream_hold = false;
};

void add_timing_options(CLI::App& command, TimingCliOptions& options);

// The timing conditions when they are not the default (the results file's gpubench_timing); empty
// for the figures of record.
std::string timing_conditions(const TimingCliOptions& options);

}  // namespace gpubench::cli
