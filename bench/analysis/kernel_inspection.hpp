#pragma once
// What the GEMM suite learns from one extra, untimed launch of a benchmark: the kernels that ran
// (CUPTI activity records) and how busy the tensor pipe was (CUPTI range profiler). This header
// holds the pure parts, tested on the CPU: which hardware-counter metrics to ask for, the texts
// used when counters cannot be read, and the benchmark label. The CUPTI side is
// bench/harness/cupti_inspector.hpp.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// The exact text for a driver that restricts GPU performance counters to administrators
// (NVreg_RestrictProfilingToAdminUsers=1, the default on most Linux installs).
inline constexpr std::string_view kProfilingPermissionText =
    "counters unavailable (profiling permission)";

// "counters unavailable (REASON)".
std::string counters_unavailable(std::string_view reason);

// The tensor pipe's two halves as the hardware counts them: floating-point MMA (HMMA, and on
// Hopper HGMMA/QGMMA; on Ada QMMA) and integer MMA (IMMA/BMMA, on Hopper IGMMA/BGMMA).
enum class TensorPipe { kFloatingPoint, kInteger };

struct TensorPipeMetric {
  TensorPipe pipe;
  std::string base_name;     // the chip's counter, e.g. "sm__pipe_tensor_op_hmma_cycles_active_v2"
  std::string counter_name;  // the gpubench counter, e.g. "tensor_pipe_hmma_active_pct"
  // base_name + kTensorPipeSubmetric: the percentage of the SMs' active cycles in which the pipe
  // was busy, averaged over SMs.
  std::string metric_name() const;
};

// The roll-up every selected metric is read with.
inline constexpr std::string_view kTensorPipeSubmetric = ".avg.pct_of_peak_sustained_active";

// The base metrics that count one pipe's active cycles, in order of preference. The names differ by
// architecture (CUPTI 13.0's metric database): Turing, Ampere and Hopper have
// sm__pipe_tensor_op_{hmma,imma}_cycles_active (on GH100 they include HGMMA/QGMMA and
// IGMMA/BGMMA); Ada adds "_v2" versions and marks the old ones deprecated; Blackwell has
// sm__pipe_tensor_subpipe_{hmma,imma}_cycles_active.
const std::vector<std::string_view>& tensor_pipe_metric_candidates(TensorPipe pipe);

// For each pipe, the first candidate `supported` accepts (the chip reports the base metric with
// the kTensorPipeSubmetric roll-up); pipes without one are left out.
std::vector<TensorPipeMetric> select_tensor_pipe_metrics(
    const std::function<bool(std::string_view base_name)>& supported);

// Whether a submetric list as CUPTI gives it (".avg.pct_of_peak_sustained_active", with or without
// the leading dot) holds `wanted`.
bool has_submetric(const std::vector<std::string>& submetrics, std::string_view wanted);

// What one inspection found.
struct KernelInspection {
  std::vector<std::string> kernel_names;  // as CUPTI recorded them (often mangled)
  std::string kernels_problem;            // why there are none, when there are none
  // gpubench counter name -> percent, for each selected metric CUPTI could read.
  std::vector<std::pair<std::string, double>> tensor_pipe_pct;
  std::string counters_problem;  // "counters unavailable (...)" when none could be read
};

// The headline figure for a GEMM of this kind: the integer pipe for INT8, the floating-point pipe
// otherwise; nullopt when that pipe was not read.
std::optional<double> tensor_pipe_active_pct(const KernelInspection& inspection, bool integer_gemm);

// The benchmark label: `bound` ("compute-bound", may be empty), then the kernels with their class,
// then "tensor pipe active 87.3%" or the counters-unavailable text. Problems shared by both halves
// (CUPTI missing) are said once.
std::string inspection_label(std::string_view bound, const KernelInspection& inspection,
                             bool integer_gemm);

}  // namespace gpubench
