#pragma once
// The per-sample side file of `gpubench run --samples-out FILE` (like nvbench's --jsonbin): every
// timed sample of every repetition of the rows a run measures, so that the distribution behind a
// median and its noise_pct can be seen (issue 27: short launches that settle into one of two
// states). Never part of the results file, which stays one median per repetition. Pure: the CPU
// tests read back what it writes.
//
// Format (JSON): {"format": "gpubench-samples", "version": 1, "unit": "s",
//   "repetitions": [{"run_name": ..., "repetition": 0, "launches_per_sample": 1,
//                    "seconds": [...], "throttled": [indexes of samples dropped as throttled]}]}
// A sample is the device time of one timed launch (or the mean of a batch's launches, with
// launches_per_sample > 1), in the order taken.

#include <cstddef>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace gpubench {

struct SampledRepetition {
  std::string run_name;  // as in the results file ("memory/stream/triad/manual_time")
  int repetition = 0;
  int launches_per_sample = 1;
  std::vector<double> seconds;
  std::vector<std::size_t> throttled;  // indexes into seconds
};

class SampleLog {
 public:
  // Thread-safe: the run records from its benchmark thread, nothing else reads until it ends.
  void add(SampledRepetition repetition);
  std::size_t size() const;
  std::string to_json() const;

 private:
  mutable std::mutex mutex_;
  std::vector<SampledRepetition> repetitions_;
};

// The side file's repetitions; throws std::runtime_error for text that is not such a file.
std::vector<SampledRepetition> parse_sample_log(std::string_view text);

}  // namespace gpubench
