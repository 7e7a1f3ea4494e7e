#include "kernels/gemm/sgemm_autotune.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <tuple>

#include "kernels/common/cuda_check.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/gemm/own_gemm.hpp"
#include "kernels/gemm/own_gemm_detail.hpp"

namespace gpubench::gemm {
namespace {

// The probe: tails in m, n and k for every tile, rows 16-byte aligned (the float4 kernels), and
// quarter-integer inputs whose every partial sum is exact in FP32, so a right kernel reproduces
// the FP64 product bit for bit whatever its summation order.
constexpr int kProbeM = 197;
constexpr int kProbeN = 136;
constexpr int kProbeK = 52;

float probe_value(int index, int salt) {
  return static_cast<float>((index * 37 + salt) % 17 - 8) * 0.25f;
}

struct CudaFree {
  void operator()(float* p) const noexcept { cudaFree(p); }
};
using DeviceFloats = std::unique_ptr<float, CudaFree>;

DeviceFloats device_floats(const std::vector<float>& host, cudaStream_t stream) {
  void* raw = nullptr;
  GPUBENCH_CUDA_CHECK(cudaMalloc(&raw, host.size() * sizeof(float)));
  float* p = static_cast<float*>(raw);
  DeviceFloats owned(p);
  GPUBENCH_CUDA_CHECK(
      cudaMemcpyAsync(p, host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice, stream));
  return owned;
}

// Which configurations reproduce the probe product on the current device.
std::array<bool, kSgemmConfigCount> verify_configs(cudaStream_t stream) {
  std::vector<float> a(static_cast<std::size_t>(kProbeM * kProbeK));
  std::vector<float> b(static_cast<std::size_t>(kProbeK * kProbeN));
  for (std::size_t i = 0; i < a.size(); ++i)
    a[i] = probe_value(static_cast<int>(i), 3);
  for (std::size_t i = 0; i < b.size(); ++i)
    b[i] = probe_value(static_cast<int>(i), 11);
  std::vector<double> expected(static_cast<std::size_t>(kProbeM * kProbeN), 0.0);
  for (int i = 0; i < kProbeM; ++i) {
    for (int p = 0; p < kProbeK; ++p) {
      const double aip = a[static_cast<std::size_t>(i * kProbeK + p)];
      for (int j = 0; j < kProbeN; ++j) {
        expected[static_cast<std::size_t>(i * kProbeN + j)] +=
            aip * b[static_cast<std::size_t>(p * kProbeN + j)];
      }
    }
  }
  const DeviceFloats a_dev = device_floats(a, stream);
  const DeviceFloats b_dev = device_floats(b, stream);
  const DeviceFloats c_dev = device_floats(std::vector<float>(expected.size()), stream);
  std::array<bool, kSgemmConfigCount> passed{};
  std::vector<float> c(expected.size());
  for (int i = 0; i < kSgemmConfigCount; ++i) {
    // Poison C (all-ones bytes: NaN), so an element a kernel leaves unwritten fails.
    GPUBENCH_CUDA_CHECK(cudaMemsetAsync(c_dev.get(), 0xff, c.size() * sizeof(float), stream));
    launch_own_sgemm_with(kSgemmConfigs[i], kProbeM, kProbeN, kProbeK, a_dev.get(), b_dev.get(),
                          c_dev.get(), stream);
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(c.data(), c_dev.get(), c.size() * sizeof(float),
                                        cudaMemcpyDeviceToHost, stream));
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    bool exact = true;
    for (std::size_t e = 0; e < c.size() && exact; ++e)
      exact = c[e] == expected[e];
    passed[static_cast<std::size_t>(i)] = exact;
  }
  return passed;
}

struct CudaEvent {
  cudaEvent_t event = nullptr;
  CudaEvent() { GPUBENCH_CUDA_CHECK(cudaEventCreate(&event)); }
  ~CudaEvent() { cudaEventDestroy(event); }
  CudaEvent(const CudaEvent&) = delete;
  CudaEvent& operator=(const CudaEvent&) = delete;
};

// The median of kSgemmTimedLaunches launches, each timed on its own after `prepare`, as the
// benchmark's timed loop runs them (a warm L2 favours small tiles at small shapes).
double time_config(SgemmConfig config, int m, int n, int k, const float* a, const float* b,
                   float* c, cudaStream_t stream, const SgemmLaunchPreparation& prepare) {
  if (prepare) prepare(stream);
  launch_own_sgemm_with(config, m, n, k, a, b, c, stream);  // warm-up
  CudaEvent start;
  CudaEvent stop;
  std::array<double, kSgemmTimedLaunches> milliseconds{};
  for (double& elapsed : milliseconds) {
    if (prepare) prepare(stream);
    GPUBENCH_CUDA_CHECK(cudaEventRecord(start.event, stream));
    launch_own_sgemm_with(config, m, n, k, a, b, c, stream);
    GPUBENCH_CUDA_CHECK(cudaEventRecord(stop.event, stream));
    GPUBENCH_CUDA_CHECK(cudaEventSynchronize(stop.event));
    float elapsed_ms = 0.f;
    GPUBENCH_CUDA_CHECK(cudaEventElapsedTime(&elapsed_ms, start.event, stop.event));
    elapsed = static_cast<double>(elapsed_ms);
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  return milliseconds[milliseconds.size() / 2];
}

struct Tuning {
  SgemmConfig chosen;
  std::vector<SgemmCandidate> candidates;
};

// Per device: which configurations passed the probe; per (device, m, n, k): the tuning.
struct AutotuneCache {
  std::mutex mutex;
  std::map<int, std::array<bool, kSgemmConfigCount>> verified;
  std::map<std::tuple<int, int, int, int>, Tuning> tunings;
};
AutotuneCache& cache() {
  static AutotuneCache instance;
  return instance;
}

const std::array<bool, kSgemmConfigCount>& verified_on(AutotuneCache& tuned, int device,
                                                       cudaStream_t stream) {
  auto verified = tuned.verified.find(device);
  if (verified == tuned.verified.end()) {
    verified = tuned.verified.emplace(device, verify_configs(stream)).first;
  }
  return verified->second;
}

bool capturing(cudaStream_t stream) {
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  GPUBENCH_CUDA_CHECK(cudaStreamIsCapturing(stream, &status));
  return status != cudaStreamCaptureStatusNone;
}

}  // namespace

std::optional<SgemmConfig> fastest_verified(const std::vector<SgemmCandidate>& candidates) {
  std::optional<SgemmConfig> best;
  double best_ms = 0.0;
  for (const SgemmCandidate& candidate : candidates) {
    if (!candidate.verified || !(candidate.milliseconds > 0.0)) continue;
    if (!best || candidate.milliseconds < best_ms) {
      best = candidate.config;
      best_ms = candidate.milliseconds;
    }
  }
  return best;
}

std::string sgemm_tile_label(SgemmConfig config) {
  const SgemmTile t = sgemm_tile(config);
  return "sgemm tile " + std::to_string(t.bm) + "x" + std::to_string(t.bn) + "x" +
         std::to_string(t.bk);
}

SgemmConfig autotune_own_sgemm(int m, int n, int k, const float* a, const float* b, float* c,
                               cudaStream_t stream, const SgemmLaunchPreparation& prepare) {
  check_own_sgemm_arguments(m, n, k, a, b, c);  // before any CUDA call
  if (!own_sgemm_vectorized(n, k, a, b)) return kSgemmFallbackConfig;
  int device = 0;
  const int sm = current_device_sm(&device);
  AutotuneCache& tuned = cache();
  const std::lock_guard<std::mutex> lock(tuned.mutex);
  const auto key = std::make_tuple(device, m, n, k);
  if (const auto found = tuned.tunings.find(key); found != tuned.tunings.end()) {
    return found->second.chosen;
  }
  if (capturing(stream)) return sgemm_config_for_sm(sm);
  const std::array<bool, kSgemmConfigCount>& verified = verified_on(tuned, device, stream);
  Tuning tuning{sgemm_config_for_sm(sm), {}};
  for (int i = 0; i < kSgemmConfigCount; ++i) {
    const bool passed = verified[static_cast<std::size_t>(i)];
    tuning.candidates.push_back(
        {kSgemmConfigs[i], passed,
         passed ? time_config(kSgemmConfigs[i], m, n, k, a, b, c, stream, prepare) : 0.0});
  }
  const std::optional<SgemmConfig> best = fastest_verified(tuning.candidates);
  if (!best) {
    throw std::runtime_error(
        "own SGEMM: no tile configuration reproduced the probe product on this device");
  }
  tuning.chosen = *best;
  tuned.tunings.emplace(key, std::move(tuning));
  return *best;
}

bool own_sgemm_tuned(int m, int n, int k) {
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  AutotuneCache& tuned = cache();
  const std::lock_guard<std::mutex> lock(tuned.mutex);
  return tuned.tunings.contains(std::make_tuple(device, m, n, k));
}

bool adopt_own_sgemm_config(int m, int n, int k, SgemmConfig config, cudaStream_t stream) {
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  AutotuneCache& tuned = cache();
  const std::lock_guard<std::mutex> lock(tuned.mutex);
  const std::array<bool, kSgemmConfigCount>& verified = verified_on(tuned, device, stream);
  for (int i = 0; i < kSgemmConfigCount; ++i) {
    if (kSgemmConfigs[i] != config) continue;
    if (!verified[static_cast<std::size_t>(i)]) return false;
    tuned.tunings[std::make_tuple(device, m, n, k)] = Tuning{config, {}};
    return true;
  }
  return false;
}

std::optional<SgemmConfig> sgemm_config_from_label(std::string_view label) {
  for (const SgemmConfig config : kSgemmConfigs) {
    if (sgemm_tile_label(config) == label) return config;
  }
  return std::nullopt;
}

std::string sgemm_candidate_set() {
  std::string set;
  for (const SgemmConfig config : kSgemmConfigs) {
    if (!set.empty()) set.push_back(',');
    set.append(sgemm_tile_label(config));
  }
  return set;
}

std::string own_sgemm_tile_note(int m, int n, int k, const float* a, const float* b) {
  if (!own_sgemm_vectorized(n, k, a, b)) {
    return sgemm_tile_label(kSgemmFallbackConfig) + " scalar fallback";
  }
  int device = 0;
  const int sm = current_device_sm(&device);
  AutotuneCache& tuned = cache();
  const std::lock_guard<std::mutex> lock(tuned.mutex);
  const auto found = tuned.tunings.find(std::make_tuple(device, m, n, k));
  if (found == tuned.tunings.end()) return sgemm_tile_label(sgemm_config_for_sm(sm)) + " (untuned)";
  return sgemm_tile_label(found->second.chosen);
}

std::vector<SgemmCandidate> sgemm_autotune_candidates(int m, int n, int k) {
  int device = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  AutotuneCache& tuned = cache();
  const std::lock_guard<std::mutex> lock(tuned.mutex);
  const auto found = tuned.tunings.find(std::make_tuple(device, m, n, k));
  return found == tuned.tunings.end() ? std::vector<SgemmCandidate>{} : found->second.candidates;
}

void launch_own_sgemm(int m, int n, int k, const float* a, const float* b, float* c,
                      cudaStream_t stream) {
  launch_own_sgemm_with(autotune_own_sgemm(m, n, k, a, b, c, stream), m, n, k, a, b, c, stream);
}

}  // namespace gpubench::gemm
