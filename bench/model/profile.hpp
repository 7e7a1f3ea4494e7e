#pragma once
// What a profile of `gpubench run` measures and for how long, decided once (cmd_run picks the
// profile) and read by the timing loop and every suite: repetitions, the sampling budget of one
// repetition, the length of a compute launch, and the sizes and shapes each suite visits. Pure
// data, so the CPU tests check each profile. A benchmark's name is the same in every profile, so
// a quick and a full run of the same card compare row by row.

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/sample_series.hpp"

namespace gpubench {

struct Profile {
  std::string_view name;  // "quick", "full": the results file's gpubench_profile
  int repetitions = 0;    // of every benchmark (google/benchmark repetitions)
  StoppingRule stopping;  // per repetition: sampling budget and agreement target
  // Target length of one compute-peak launch: long enough that launch overhead and block start-up
  // skew are below 0.1%, short enough that the stopping rule gets its samples in the budget.
  double compute_launch_s = 0;
  // The driver suite's sampling per repetition: its host calls take microseconds to milliseconds,
  // so a short budget gives thousands of samples, and its ~30 rows stay within a second or two.
  StoppingRule driver_stopping;

  // Memory suite.
  int l2_sweep_step = 1;             // 1: every power of two; 2: every other (the last is kept)
  bool latency_cache_levels = true;  // true: 16 KiB (L1), 2 MiB (L2), >= 4 x L2 (DRAM) only
  std::vector<std::int64_t> transfer_bytes;  // host<->device transfer sizes

  // GEMM suite (see gemm_plan.hpp for the shapes behind the names).
  std::vector<std::int64_t> gemm_square_sizes;
  std::vector<std::string_view> gemm_llm_layers;
  std::vector<std::int64_t> gemm_llm_tokens;
  std::vector<std::string_view> gemm_resnet_layers;
  // Sustained power windows (model/sustained_power.hpp) for the largest square GEMM of every
  // cuBLAS precision; false: of FP16 with FP32 accumulate only. (Triad and FFMA always.)
  bool power_every_gemm_precision = true;
};

// A few sizes and three repetitions: a check of a card in about 20 s on an H200-class card.
const Profile& quick_profile();
// Every size and four repetitions: the figures of record (target: 120 s on an H200-class card).
const Profile& full_profile();

}  // namespace gpubench
