#pragma once
// The own SGEMM's tuning for the GEMM suite: timed under the conditions of the timed loop (the L2
// flushed before every launch) and remembered across runs in the tuning cache
// (platform/tuning_cache_file.hpp), so a second run on the same device and driver does not tune
// again. The kernel family's tuner does the timing; this decides when, and keeps the choice.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "harness/suite_context.hpp"
#include "model/tuning_cache.hpp"

namespace gpubench {

class SgemmTuning {
 public:
  SgemmTuning();  // the cache file from the environment; none: every run tunes

  // Tunes this shape, or adopts the remembered choice when it still reproduces the probe product
  // here. Returns the note for the benchmark's label: "tuned in 0.42 s" or "tuning from cache
  // (0.42 s when tuned)"; the same note for every later call with this shape. Problems with the
  // cache are warnings on stderr, once.
  std::string tune(SuiteContext& context, int m, int n, int k, const float* a, const float* b,
                   float* c);

 private:
  std::optional<std::filesystem::path> path_;
  std::optional<TuningCache> cache_;  // read on first use
  std::map<std::tuple<int, int, int>, std::string> notes_;
};

// The label note for a choice: tuned in this run (tuning_s measured now) or taken from the cache.
std::string sgemm_tuning_note(bool from_cache, double tuning_s);

}  // namespace gpubench
