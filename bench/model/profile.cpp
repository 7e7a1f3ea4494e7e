#include "model/profile.hpp"

#include "model/memory_plan.hpp"

namespace gpubench {

const Profile& quick_profile() {
  static const Profile profile{
      .name = "quick",
      .repetitions = 3,
      .stopping = StoppingRule{.budget_s = 0.05},
      .compute_launch_s = 0.01,
      .driver_stopping = StoppingRule{.budget_s = 0.01},
      .l2_sweep_step = 2,
      .latency_cache_levels = true,
      .transfer_bytes = {kMiB, 64 * kMiB},
      .gemm_square_sizes = {1024, 4096},
      .gemm_llm_layers = {"attn_proj"},
      .gemm_llm_tokens = {1, 2048},
      .gemm_resnet_layers = {"resnet_conv4_3x3"},
      .power_every_gemm_precision = false,
  };
  return profile;
}

const Profile& full_profile() {
  static const Profile profile{
      .name = "full",
      // Four, not five: a fifth repetition of every benchmark cost about 27 s of the 146.5 s full
      // run on an H200 (estimated from tests/fixtures/runs/h200-b376421/full.json); a figure is
      // still the median over the repetitions, and compare needs three per side.
      .repetitions = 4,
      .stopping = StoppingRule{.budget_s = 0.1},
      .compute_launch_s = 0.02,
      .driver_stopping = StoppingRule{.budget_s = 0.02},
      .l2_sweep_step = 1,
      .latency_cache_levels = false,
      // 64 KiB to 256 MiB in steps of 4x.
      .transfer_bytes = {64 * kKiB, 256 * kKiB, kMiB, 4 * kMiB, 16 * kMiB, 64 * kMiB, 256 * kMiB},
      .gemm_square_sizes = {256, 512, 1024, 2048, 4096, 8192, 16384},
      .gemm_llm_layers = {"attn_proj", "mlp_up_11008", "mlp_down_11008", "mlp_up_14336",
                          "mlp_down_14336"},
      .gemm_llm_tokens = {1, 16, 128, 2048},
      .gemm_resnet_layers = {"resnet_conv2_3x3", "resnet_conv4_3x3", "resnet_conv5_3x3"},
      .power_every_gemm_precision = true,
  };
  return profile;
}

}  // namespace gpubench
