// The SGEMM autotuner's choice (CPU) and, on a GPU (skipped without one), the tuning itself: every
// configuration verified and timed on the problem, the fastest kept, the label naming it.
#include "kernels/gemm/sgemm_autotune.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "kernels/common/cuda_check.hpp"
#include "kernels/gemm/own_gemm.hpp"
#include "support/test_support.hpp"

namespace gpubench::gemm {
namespace {

// Device floats for the GPU tests below.
class DeviceFloats {
 public:
  explicit DeviceFloats(std::size_t count) : count_(count) {
    void* raw = nullptr;
    GPUBENCH_CUDA_CHECK(cudaMalloc(&raw, count * sizeof(float)));
    data_ = static_cast<float*>(raw);
  }
  explicit DeviceFloats(const std::vector<float>& host) : DeviceFloats(host.size()) {
    GPUBENCH_CUDA_CHECK(
        cudaMemcpy(data_, host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice));
  }
  ~DeviceFloats() { cudaFree(data_); }
  DeviceFloats(const DeviceFloats&) = delete;
  DeviceFloats& operator=(const DeviceFloats&) = delete;
  float* get() { return data_; }
  std::vector<float> download() const {
    std::vector<float> host(count_);
    GPUBENCH_CUDA_CHECK(
        cudaMemcpy(host.data(), data_, count_ * sizeof(float), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  float* data_ = nullptr;
  std::size_t count_;
};

TEST(SgemmAutotune, ChoosesTheFastestVerifiedCandidate) {
  const std::vector<SgemmCandidate> candidates = {
      {SgemmConfig::k128x128x8, true, 2.0},
      {SgemmConfig::k128x128x16, true, 1.5},
      {SgemmConfig::k128x64x8, true, 1.7},
      {SgemmConfig::k64x64x8, true, 3.0},
  };
  EXPECT_EQ(fastest_verified(candidates), SgemmConfig::k128x128x16);
}

TEST(SgemmAutotune, AWrongCandidateNeverWinsHoweverFast) {
  const std::vector<SgemmCandidate> candidates = {
      {SgemmConfig::k128x128x8, true, 2.0},
      {SgemmConfig::k128x128x16, false, 0.1},
      {SgemmConfig::k128x64x8, true, 0.0},  // no time: not a candidate
  };
  EXPECT_EQ(fastest_verified(candidates), SgemmConfig::k128x128x8);
  EXPECT_FALSE(fastest_verified({{SgemmConfig::k128x128x8, false, 1.0}}).has_value());
  EXPECT_FALSE(fastest_verified({}).has_value());
}

TEST(SgemmAutotune, LabelsNameTheBlockTile) {
  EXPECT_EQ(sgemm_tile_label(SgemmConfig::k128x128x8), "sgemm tile 128x128x8");
  EXPECT_EQ(sgemm_tile_label(SgemmConfig::k128x128x16), "sgemm tile 128x128x16");
  EXPECT_EQ(sgemm_tile_label(SgemmConfig::k128x64x8), "sgemm tile 128x64x8");
  EXPECT_EQ(sgemm_tile_label(SgemmConfig::k64x64x8), "sgemm tile 64x64x8");
}

// A remembered choice is stored by its label: each label names one configuration, back again.
TEST(SgemmAutotune, LabelsReadBackAndTheCandidateSetNamesThemAll) {
  for (const SgemmConfig config : kSgemmConfigs) {
    EXPECT_EQ(sgemm_config_from_label(sgemm_tile_label(config)), config);
    EXPECT_NE(sgemm_candidate_set().find(sgemm_tile_label(config)), std::string::npos);
  }
  EXPECT_FALSE(sgemm_config_from_label("sgemm tile 256x256x8").has_value());
  EXPECT_FALSE(sgemm_config_from_label("").has_value());
}

TEST(SgemmAutotuneGpu, AnAdoptedChoiceIsUsedWithoutTimingAndMustPassTheProbe) {
  GPUBENCH_REQUIRE_GPU();
  const int m = 160, n = 96, k = 72;
  EXPECT_FALSE(own_sgemm_tuned(m, n, k));
  ASSERT_TRUE(adopt_own_sgemm_config(m, n, k, SgemmConfig::k64x64x8, nullptr));
  EXPECT_TRUE(own_sgemm_tuned(m, n, k));
  DeviceFloats a(std::vector<float>(static_cast<std::size_t>(m * k), 0.5f));
  DeviceFloats b(std::vector<float>(static_cast<std::size_t>(k * n), 0.25f));
  DeviceFloats c(static_cast<std::size_t>(m * n));
  int prepared = 0;
  EXPECT_EQ(autotune_own_sgemm(m, n, k, a.get(), b.get(), c.get(), nullptr,
                               [&](cudaStream_t) { ++prepared; }),
            SgemmConfig::k64x64x8);
  EXPECT_EQ(prepared, 0) << "an adopted choice is not timed";
  EXPECT_TRUE(sgemm_autotune_candidates(m, n, k).empty());
}

TEST(SgemmAutotuneGpu, TuningRunsThePreparationBeforeEveryTimedLaunch) {
  GPUBENCH_REQUIRE_GPU();
  const int m = 200, n = 120, k = 40;
  DeviceFloats a(std::vector<float>(static_cast<std::size_t>(m * k), 0.5f));
  DeviceFloats b(std::vector<float>(static_cast<std::size_t>(k * n), 0.25f));
  DeviceFloats c(static_cast<std::size_t>(m * n));
  int prepared = 0;
  (void)autotune_own_sgemm(m, n, k, a.get(), b.get(), c.get(), nullptr,
                           [&](cudaStream_t) { ++prepared; });
  int verified = 0;
  for (const SgemmCandidate& candidate : sgemm_autotune_candidates(m, n, k))
    verified += candidate.verified ? 1 : 0;
  // Each verified configuration: once before its warm-up, once before each timed launch.
  EXPECT_EQ(prepared, verified * (1 + kSgemmTimedLaunches));
}

TEST(SgemmAutotune, RejectsBadArgumentsBeforeAnyCudaCall) {
  float f = 0.f;
  EXPECT_THROW(autotune_own_sgemm(0, 1, 1, &f, &f, &f, nullptr), std::invalid_argument);
  EXPECT_THROW(autotune_own_sgemm(1, 1, 1, &f, nullptr, &f, nullptr), std::invalid_argument);
}

TEST(SgemmAutotuneGpu, TimesEveryVerifiedConfigurationAndKeepsTheFastest) {
  GPUBENCH_REQUIRE_GPU();
  // Not multiples of any tile: every configuration runs its tails.
  const int m = 300, n = 260, k = 132;
  DeviceFloats a(std::vector<float>(static_cast<std::size_t>(m * k), 0.5f));
  DeviceFloats b(std::vector<float>(static_cast<std::size_t>(k * n), 0.25f));
  DeviceFloats c(static_cast<std::size_t>(m * n));
  EXPECT_NE(own_sgemm_tile_note(m, n, k, a.get(), b.get()).find("(untuned)"), std::string::npos);
  const SgemmConfig chosen = autotune_own_sgemm(m, n, k, a.get(), b.get(), c.get(), nullptr);
  const auto candidates = sgemm_autotune_candidates(m, n, k);
  ASSERT_EQ(candidates.size(), static_cast<std::size_t>(kSgemmConfigCount));
  for (const SgemmCandidate& candidate : candidates) {
    EXPECT_TRUE(candidate.verified) << sgemm_tile_label(candidate.config);
    EXPECT_GT(candidate.milliseconds, 0.0) << sgemm_tile_label(candidate.config);
  }
  EXPECT_EQ(fastest_verified(candidates), chosen);
  EXPECT_EQ(own_sgemm_tile_note(m, n, k, a.get(), b.get()), sgemm_tile_label(chosen));
  // Cached: a second call times nothing and returns the same choice.
  EXPECT_EQ(autotune_own_sgemm(m, n, k, a.get(), b.get(), c.get(), nullptr), chosen);
  // launch_own_sgemm runs the chosen kernel: every element is k * 0.5 * 0.25, exactly.
  launch_own_sgemm(m, n, k, a.get(), b.get(), c.get(), nullptr);
  GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize());
  const std::vector<float> result = c.download();
  std::set<float> values(result.begin(), result.end());
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(*values.begin(), static_cast<float>(k) * 0.125f);
}

TEST(SgemmAutotuneGpu, ScalarFallbackIsNotTuned) {
  GPUBENCH_REQUIRE_GPU();
  DeviceFloats buffer(64 * 64 + 1);
  const float* misaligned = buffer.get() + 1;
  EXPECT_EQ(autotune_own_sgemm(33, 21, 17, misaligned, misaligned, buffer.get(), nullptr),
            SgemmConfig::k128x128x8);
  EXPECT_TRUE(sgemm_autotune_candidates(33, 21, 17).empty());
  EXPECT_EQ(own_sgemm_tile_note(33, 21, 17, misaligned, misaligned),
            "sgemm tile 128x128x8 scalar fallback");
}

}  // namespace
}  // namespace gpubench::gemm
