#include "cli/run_timing_options.hpp"

#include <fmt/format.h>

#include <vector>

namespace gpubench::cli {

void add_timing_options(CLI::App& command, TimingCliOptions& options) {
  command.add_flag("--no-l2-flush", options.no_l2_flush,
                   "Diagnostic: do not flush L2 before timed launches (figures may be faster "
                   "than a cold launch; the results file says so)");
  command
      .add_option("--batch", options.batch,
                  "Diagnostic: time N back-to-back launches per sample (default 1; with the "
                  "L2 flush, each GEMM launch on its own copy of the operands; the results "
                  "file says so)")
      ->check(CLI::Range(1, 1000));
  command.add_flag("--no-stream-hold", options.no_stream_hold,
                   "Diagnostic: start the timer without first queueing the sample's launches "
                   "behind a hold (figures then include the host's time to submit them; the "
                   "results file says so)");
}

std::string timing_conditions(const TimingCliOptions& options) {
  std::vector<std::string> parts;
  if (options.no_l2_flush)
    parts.emplace_back("L2 not flushed before timed launches (--no-l2-flush)");
  if (options.batch > 1) {
    parts.push_back(fmt::format("{} back-to-back launches per sample (--batch){}", options.batch,
                                options.no_l2_flush ? ""
                                                    : ", L2 flushed before the first; GEMM rows "
                                                      "run each launch on its own copy of the "
                                                      "operands"));
  }
  if (options.no_stream_hold) {
    parts.emplace_back("launches not queued before the timer starts (--no-stream-hold)");
  }
  if (parts.empty()) return "";
  std::string text = "diagnostic, not comparable with cold single launches: ";
  for (std::size_t i = 0; i < parts.size(); ++i)
    text += (i == 0 ? "" : "; ") + parts[i];
  return text;
}

}  // namespace gpubench::cli
