#pragma once
// The SGEMM autotuner behind launch_own_sgemm: on the first call for a shape on a device it times
// every tile configuration (kSgemmConfigs) on that very problem with CUDA events, a warm-up launch
// and then kSgemmTimedLaunches launches each timed on its own after the caller's preparation (the
// benchmark's L2 flush: the conditions of the timed loop), and keeps the one with the fastest
// median for every later call. A caller that remembers choices across runs hands one back with
// adopt_own_sgemm_config. A configuration takes part
// only after it has reproduced an exactly representable product on this device (a probe problem
// with tails in every dimension), so a wrong kernel can never be chosen. Operands that take the
// scalar fallback (own_sgemm_vectorized false) are not tuned: there is one fallback kernel.

#include <cuda_runtime_api.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/gemm/gemm_tiling.hpp"

namespace gpubench::gemm {

inline constexpr int kSgemmTimedLaunches = 5;

// Run before every timed tuning launch, outside its events (e.g. an L2 flush); may be empty.
using SgemmLaunchPreparation = std::function<void(cudaStream_t)>;

struct SgemmCandidate {
  SgemmConfig config;
  bool verified;              // reproduced the probe product on this device
  double milliseconds = 0.0;  // per launch, on the problem being tuned
};

// The fastest verified candidate; none when no candidate passed its check.
std::optional<SgemmConfig> fastest_verified(const std::vector<SgemmCandidate>& candidates);

// "sgemm tile 128x128x8" (block tile m x n x k).
std::string sgemm_tile_label(SgemmConfig config);

// The configuration launch_own_sgemm runs for this problem on the current device, tuning it first
// when this device has not seen the shape (launches on `stream` and waits for them; C is
// overwritten). Inside a stream capture nothing is timed: the cached choice, else
// sgemm_config_for_sm. Throws std::invalid_argument like launch_own_sgemm, std::runtime_error
// when no configuration passes its check.
SgemmConfig autotune_own_sgemm(int m, int n, int k, const float* a, const float* b, float* c,
                               cudaStream_t stream, const SgemmLaunchPreparation& prepare = {});

// Whether autotune_own_sgemm has a choice for this shape on the current device.
bool own_sgemm_tuned(int m, int n, int k);

// Takes `config` as the choice for this shape on the current device without timing, when it
// reproduces the probe product here (checked once per device); false, and nothing changed,
// otherwise. For a choice remembered from an earlier run.
bool adopt_own_sgemm_config(int m, int n, int k, SgemmConfig config, cudaStream_t stream);

// The configuration sgemm_tile_label names, if any.
std::optional<SgemmConfig> sgemm_config_from_label(std::string_view label);

// Every candidate's label, in order: a remembered choice is valid only for the same set.
std::string sgemm_candidate_set();

// What launch_own_sgemm runs for these operands, for a benchmark's label: the tuned choice
// ("sgemm tile 128x128x16"), "... (untuned)" before autotune_own_sgemm has seen the shape, or the
// scalar fallback's tile with " scalar fallback".
std::string own_sgemm_tile_note(int m, int n, int k, const float* a, const float* b);

// The candidates timed for this shape on the current device (empty when untuned), for tests and
// --verbose output.
std::vector<SgemmCandidate> sgemm_autotune_candidates(int m, int n, int k);

}  // namespace gpubench::gemm
