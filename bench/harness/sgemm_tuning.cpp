#include "harness/sgemm_tuning.hpp"

#include <fmt/format.h>

#include <chrono>

#include "kernels/gemm/sgemm_autotune.hpp"
#include "platform/tuning_cache_file.hpp"

namespace gpubench {

SgemmTuning::SgemmTuning() : path_(tuning_cache_path()) {}

std::string sgemm_tuning_note(bool from_cache, double tuning_s) {
  return from_cache ? fmt::format("tuning from cache ({:.2f} s when tuned)", tuning_s)
                    : fmt::format("tuned in {:.2f} s", tuning_s);
}

std::string SgemmTuning::tune(SuiteContext& context, int m, int n, int k, const float* a,
                              const float* b, float* c) {
  const auto shape = std::make_tuple(m, n, k);
  if (const auto note = notes_.find(shape); note != notes_.end()) return note->second;
  const DeviceInfo& device = context.device();
  const std::string key = tuning_cache_key(
      device.uuid, device.driver_version.value_or(std::to_string(device.cuda_driver_version)),
      gemm::sgemm_candidate_set(), m, n, k);
  if (path_ && !cache_) {
    std::string problem;
    cache_ = load_tuning_cache(*path_, problem);
    if (!problem.empty()) fmt::print(stderr, "gpubench: warning: {}.\n", problem);
  }
  if (cache_) {
    if (const auto found = cache_->entries.find(key); found != cache_->entries.end()) {
      const auto config = gemm::sgemm_config_from_label(found->second.choice);
      if (config && gemm::adopt_own_sgemm_config(m, n, k, *config, context.stream())) {
        return notes_[shape] = sgemm_tuning_note(true, found->second.tuning_s);
      }
    }
  }
  const auto begin = std::chrono::steady_clock::now();
  const gemm::SgemmConfig chosen = gemm::autotune_own_sgemm(
      m, n, k, a, b, c, context.stream(), [&context](cudaStream_t) { context.flush_l2(); });
  const double tuning_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (!gemm::own_sgemm_tuned(m, n, k)) return notes_[shape] = "";  // the scalar fallback
  if (path_) {
    const TunedChoice choice{gemm::sgemm_tile_label(chosen), tuning_s};
    cache_->entries[key] = choice;
    if (const std::string problem = remember_tuning(*path_, key, choice); !problem.empty()) {
      fmt::print(stderr, "gpubench: warning: {}.\n", problem);
    }
  }
  return notes_[shape] = sgemm_tuning_note(false, tuning_s);
}

}  // namespace gpubench
