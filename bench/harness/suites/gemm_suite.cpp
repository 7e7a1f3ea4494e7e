// The GEMM suite: cuBLAS/cuBLASLt per precision and gpubench's own SGEMM and tensor-core HGEMM on
// square, LLM and ResNet shapes. Every result is checked against an FP64 reference on sampled
// elements (relative Frobenius error, a tolerance per precision) before a figure is reported.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "analysis/kernel_inspection.hpp"
#include "gpubench/headlines.hpp"
#include "harness/cublas_gemm.hpp"
#include "harness/cupti_inspector.hpp"
#include "harness/gemm_types.hpp"
#include "harness/sgemm_tuning.hpp"
#include "harness/suites/suites.hpp"
#include "harness/timing.hpp"
#include "kernels/gemm/gemm_support.hpp"
#include "kernels/gemm/nvfp4_layout.hpp"
#include "kernels/gemm/own_gemm.hpp"
#include "kernels/gemm/sgemm_autotune.hpp"
#include "model/cold_batch.hpp"
#include "model/gemm_device_fit.hpp"
#include "model/gemm_plan.hpp"
#include "model/gemm_shapes.hpp"
#include "model/kernel_classes.hpp"

namespace gpubench {
namespace {

constexpr int kReferenceSamples = 4096;
constexpr std::uint32_t kSeedA = 0x243f6a88u, kSeedB = 0x85a308d3u;

using Implementation = GemmImplementation;

struct GemmRow {
  Implementation implementation;
  GemmPrecision precision;
};

// Library rows first: google/benchmark runs in registration order, so cuBLAS has run on a shape
// by the time the own kernel's row compares with it.
constexpr GemmRow kGemmRows[] = {
    {Implementation::kCublas, GemmPrecision::kFp32},
    {Implementation::kCublas, GemmPrecision::kTf32},
    {Implementation::kCublas, GemmPrecision::kFp16Fp16Acc},
    {Implementation::kCublas, GemmPrecision::kFp16Fp32Acc},
    {Implementation::kCublas, GemmPrecision::kBf16},
    {Implementation::kCublas, GemmPrecision::kFp8E4m3},
    {Implementation::kCublas, GemmPrecision::kInt8},
    {Implementation::kCublas, GemmPrecision::kNvfp4},
    {Implementation::kOwn, GemmPrecision::kFp32},
    {Implementation::kOwn, GemmPrecision::kFp16Fp32Acc},
    {Implementation::kOwn, GemmPrecision::kFp16Fp16Acc},
};

// One copy of a row's operands: A, B (n x k for the TN precisions), C, and NVFP4's block scales in
// cuBLAS's tiled layout.
struct GemmOperands {
  DeviceBuffer<unsigned char> a, b, c;
  DeviceBuffer<unsigned char> a_scales, b_scales;
  std::int64_t bytes() const {
    return static_cast<std::int64_t>(a.bytes() + b.bytes() + c.bytes() + a_scales.bytes() +
                                     b_scales.bytes());
  }
};

// The operands a row runs on: one copy, or one per launch of a cold batch (model/cold_batch.hpp),
// every copy's A and B filled from the same seeds, so each C is the same product and is checked.
struct GemmBuffers {
  std::vector<GemmOperands> copies;
  int in_use = 0;  // the copy the next launch runs on (TimingPolicy::use_operand_copy)
  DeviceBuffer<double> sums{3};
  GemmOperands& operands() { return copies.at(static_cast<std::size_t>(in_use)); }
};

// A, B and C of a row's precision, A and B filled from the suite's seeds; NVFP4's packed operands
// come with their block scales.
GemmOperands make_gemm_operands(GemmPrecision precision, const GemmShape& shape,
                                cudaStream_t stream) {
  GemmOperands made;
  made.c = DeviceBuffer<unsigned char>(static_cast<std::size_t>(shape.m * shape.n) *
                                       gemm::element_bytes(gemm_output_type(precision)));
  if (gemm_block_scaled(precision)) {
    const auto bytes = [](std::int64_t count) { return static_cast<std::size_t>(count); };
    made.a = DeviceBuffer<unsigned char>(bytes(gemm::nvfp4_data_bytes(shape.m, shape.k)));
    made.b = DeviceBuffer<unsigned char>(bytes(gemm::nvfp4_data_bytes(shape.n, shape.k)));
    made.a_scales = DeviceBuffer<unsigned char>(bytes(gemm::nvfp4_scale_bytes(shape.m, shape.k)));
    made.b_scales = DeviceBuffer<unsigned char>(bytes(gemm::nvfp4_scale_bytes(shape.n, shape.k)));
    gemm::launch_fill_nvfp4(made.a.get(), shape.m, shape.k, made.a_scales.get(), kSeedA, stream);
    gemm::launch_fill_nvfp4(made.b.get(), shape.n, shape.k, made.b_scales.get(), kSeedB, stream);
    return made;
  }
  const auto in = gemm_input_type(precision);
  const std::size_t a_count = static_cast<std::size_t>(shape.m * shape.k);
  const std::size_t b_count = static_cast<std::size_t>(shape.k * shape.n);
  made.a = DeviceBuffer<unsigned char>(a_count * gemm::element_bytes(in));
  made.b = DeviceBuffer<unsigned char>(b_count * gemm::element_bytes(in));
  gemm::launch_fill_random(in, made.a.get(), a_count, kSeedA, stream);
  gemm::launch_fill_random(in, made.b.get(), b_count, kSeedB, stream);
  return made;
}

// The row's operands: one copy, and as many more as a cold batch of the run's --batch needs when
// they fit (operand_copies_for, judged on the memory free after the first).
std::shared_ptr<GemmBuffers> make_gemm_buffers(SuiteContext& context, GemmPrecision precision,
                                               const GemmShape& shape) {
  auto made = std::make_shared<GemmBuffers>();
  made->copies.push_back(make_gemm_operands(precision, shape, context.stream()));
  const RunOptions& run = context.options();
  const int copies = operand_copies_for(run.launches_per_sample, run.flush_l2,
                                        made->copies.front().bytes(), context.free_memory_bytes());
  try {
    for (int i = 1; i < copies; ++i)
      made->copies.push_back(make_gemm_operands(precision, shape, context.stream()));
  } catch (const CudaError& error) {
    // Memory taken since it was measured (another process, fragmentation): one copy, so the row
    // is timed one launch per sample (launches_per_sample_for), as of record, and says so.
    if (error.status() != cudaErrorMemoryAllocation) throw;
    made->copies.erase(made->copies.begin() + 1, made->copies.end());
  }
  return made;
}

// What the suite shares across rows: the library handles, the cuBLAS rates per shape so the own
// kernels can report their ratio to them, and CUPTI's look at each benchmark's launch.
struct GemmSuiteState {
  explicit GemmSuiteState(cudaStream_t stream) : cublas(stream) {}
  CublasGemm cublas;
  std::map<std::string, std::vector<double>> cublas_tflops;  // "precision/shape" -> per repetition
  CuptiInspector inspector;
  // "implementation/precision/shape" -> what one untimed launch showed; taken on a benchmark's
  // first repetition and reused by the others, which run the same kernels.
  std::map<std::string, KernelInspection> inspections;
  SgemmTuning sgemm_tuning;  // the own SGEMM's tile per shape, remembered across runs
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::string largest_square_name(const std::vector<GemmShape>& shapes) {
  std::string name;
  std::int64_t largest = 0;
  for (const GemmShape& shape : shapes) {
    if (shape.family == "square" && shape.m > largest) {
      largest = shape.m;
      name = shape.name;
    }
  }
  return name;
}

void enqueue_gemm(GemmSuiteState& suite, const GemmRow& row, const GemmShape& shape,
                  GemmOperands& buffers, cudaStream_t stream) {
  const int m = static_cast<int>(shape.m), n = static_cast<int>(shape.n),
            k = static_cast<int>(shape.k);
  if (row.implementation == Implementation::kCublas) {
    suite.cublas.gemm(row.precision, m, n, k, buffers.a.get(), buffers.b.get(), buffers.c.get(),
                      BlockScales{buffers.a_scales.get(), buffers.b_scales.get()});
  } else if (row.precision == GemmPrecision::kFp32) {
    gemm::launch_own_sgemm(m, n, k, reinterpret_cast<const float*>(buffers.a.get()),
                           reinterpret_cast<const float*>(buffers.b.get()),
                           reinterpret_cast<float*>(buffers.c.get()), stream);
  } else if (!gemm::launch_own_hgemm(row.precision == GemmPrecision::kFp16Fp16Acc, m, n, k,
                                     reinterpret_cast<const __half*>(buffers.a.get()),
                                     reinterpret_cast<const __half*>(buffers.b.get()),
                                     reinterpret_cast<__half*>(buffers.c.get()), stream)) {
    throw std::runtime_error("the own HGEMM does not run on this architecture");
  }
}

// Relative Frobenius error of C on sampled elements against the FP64 reference; throws
// VerificationError past the precision's tolerance or on any non-finite element.
double verify_copy(GemmPrecision precision, const GemmShape& shape, GemmOperands& buffers,
                   DeviceBuffer<double>& error_sums, cudaStream_t stream) {
  GPUBENCH_CUDA_CHECK(cudaMemsetAsync(error_sums.get(), 0, 3 * sizeof(double), stream));
  const int m = static_cast<int>(shape.m), n = static_cast<int>(shape.n),
            k = static_cast<int>(shape.k);
  constexpr std::uint32_t kSampleSeed = 0x5851f42du;
  if (gemm_block_scaled(precision)) {
    gemm::launch_sampled_error_nvfp4(
        m, n, k, {buffers.a.get(), buffers.a_scales.get(), buffers.b.get(), buffers.b_scales.get()},
        buffers.c.get(), kReferenceSamples, kSampleSeed, error_sums.get(), stream);
  } else {
    gemm::launch_sampled_error(gemm_input_type(precision), gemm_output_type(precision),
                               gemm_b_transposed(precision), m, n, k, buffers.a.get(),
                               buffers.b.get(), buffers.c.get(), kReferenceSamples, kSampleSeed,
                               error_sums.get(), stream);
  }
  double sums[3] = {};
  GPUBENCH_CUDA_CHECK(
      cudaMemcpyAsync(sums, error_sums.get(), sizeof sums, cudaMemcpyDeviceToHost, stream));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  if (sums[2] > 0) {
    throw VerificationError(fmt::format("{} sampled elements of C are not finite", sums[2]));
  }
  const double error = sums[1] > 0 ? std::sqrt(sums[0] / sums[1]) : std::sqrt(sums[0]);
  const double tolerance = gemm_tolerance(precision, shape.k);
  if (!(error <= tolerance)) {
    throw VerificationError(fmt::format(
        "relative Frobenius error {:.3g} on {} sampled elements exceeds the {} tolerance {:.3g}",
        error, std::min<long long>(kReferenceSamples, shape.m * shape.n),
        gemm_precision_info(precision).name, tolerance));
  }
  return error;
}

// The check of every copy a row ran on (each computed the same product); the largest error.
double verify_gemm(GemmPrecision precision, const GemmShape& shape, GemmBuffers& buffers,
                   cudaStream_t stream) {
  double largest = 0;
  for (GemmOperands& copy : buffers.copies)
    largest = std::max(largest, verify_copy(precision, shape, copy, buffers.sums, stream));
  return largest;
}

// One extra launch, after the timed ones and the check (CUPTI instruments what it watches): the
// kernels it ran and the tensor pipe's activity, once per benchmark. CUPTI's failures come back as
// label text and a warning printed once per run; CUDA errors throw.
const KernelInspection& inspect_gemm(GemmSuiteState& suite, const GemmRow& row,
                                     const GemmShape& shape, GemmBuffers& buffers,
                                     cudaStream_t stream) {
  const std::string key = fmt::format("{}/{}/{}", gemm_implementation_name(row.implementation),
                                      gemm_precision_info(row.precision).name, shape.name);
  auto found = suite.inspections.find(key);
  if (found == suite.inspections.end()) {
    KernelInspection inspection = suite.inspector.inspect(
        [&](cudaStream_t s) { enqueue_gemm(suite, row, shape, buffers.copies.front(), s); },
        stream);
    for (const std::string& notice : suite.inspector.take_notices()) {
      fmt::print(stderr, "gpubench: warning: {}\n", notice);
    }
    found = suite.inspections.emplace(key, std::move(inspection)).first;
  }
  return found->second;
}

// Which own kernel a row ran ("kernel wgmma+tma" on Hopper, "kernel wgmma+tma cluster 2x1" with
// GPUBENCH_HOPPER_HGEMM_CLUSTER=2, "kernel mma.sync" elsewhere for the HGEMM; the autotuned tile,
// e.g. "sgemm tile 128x128x8", for the SGEMM); empty for the other rows.
std::string own_kernel_note(SuiteContext& context, const GemmRow& row, const GemmShape& shape,
                            const GemmOperands& buffers) {
  if (row.implementation != Implementation::kOwn) return "";
  const int m = static_cast<int>(shape.m), n = static_cast<int>(shape.n),
            k = static_cast<int>(shape.k);
  if (row.precision == GemmPrecision::kFp32) {
    return gemm::own_sgemm_tile_note(m, n, k, reinterpret_cast<const float*>(buffers.a.get()),
                                     reinterpret_cast<const float*>(buffers.b.get()));
  }
  const auto& cc = context.device().compute_capability;
  return fmt::format("kernel {}",
                     gemm::own_hgemm_kernel_name(cc.major * 10 + cc.minor, n, k,
                                                 reinterpret_cast<const __half*>(buffers.a.get()),
                                                 reinterpret_cast<const __half*>(buffers.b.get())));
}

// The own SGEMM chooses its tile on the first launch of a shape, timed as the timed loop runs
// (L2 flushed) or remembered from an earlier run: done here, before the timed launches, so they
// (and their warm-up) run only the chosen kernel. Returns the label's note on the tuning.
std::string autotune_own_kernel(SuiteContext& context, GemmSuiteState& suite, const GemmRow& row,
                                const GemmShape& shape, GemmOperands& buffers) {
  if (row.implementation != Implementation::kOwn || row.precision != GemmPrecision::kFp32) {
    return "";
  }
  return suite.sgemm_tuning.tune(
      context, static_cast<int>(shape.m), static_cast<int>(shape.n), static_cast<int>(shape.k),
      reinterpret_cast<const float*>(buffers.a.get()),
      reinterpret_cast<const float*>(buffers.b.get()), reinterpret_cast<float*>(buffers.c.get()));
}

// The label's notes on the path a row took: FP8's fast accumulation, the own kernel, its tuning.
std::string with_path_notes(std::string label, const GemmRow& row, const std::string& own_kernel,
                            const std::string& tuning) {
  const bool fp8_library =
      row.implementation == Implementation::kCublas && row.precision == GemmPrecision::kFp8E4m3;
  for (const std::string& note :
       {fp8_library ? std::string(kFp8FastAccumulateNote) : std::string(), own_kernel, tuning}) {
    if (!note.empty()) label += (label.empty() ? "" : "; ") + note;
  }
  return label;
}

// The row's dimensions, which reasons and the plots read: a custom shape's name may be the one its
// file gave, which says nothing of its size.
void add_shape_counters(benchmark::State& state, const GemmShape& shape) {
  counter(state, counters::kGemmM) = static_cast<double>(shape.m);
  counter(state, counters::kGemmN) = static_cast<double>(shape.n);
  counter(state, counters::kGemmK) = static_cast<double>(shape.k);
}

// `headline`: whether the benchmark is its precision's headline figure (the largest square of each
// cuBLAS precision; --quick: FP16's only, as gpubench/headlines.hpp names it), which alone
// measures power.
void gemm_benchmark(benchmark::State& state, SuiteContext& context, GemmSuiteState& suite,
                    const GemmRow& row, const GemmShape& shape, bool headline) {
  const GemmPrecisionInfo& info = gemm_precision_info(row.precision);
  const cudaStream_t stream = context.stream();
  GemmBuffers& buffers =
      context.cached<GemmBuffers>(fmt::format("gemm:{}:{}", info.name, shape.name),
                                  [&] { return make_gemm_buffers(context, row.precision, shape); });
  const std::string tuning =
      autotune_own_kernel(context, suite, row, shape, buffers.copies.front());
  // Poison every C, so an unwritten output fails the check.
  for (GemmOperands& copy : buffers.copies)
    GPUBENCH_CUDA_CHECK(cudaMemsetAsync(copy.c.get(), 0xff, copy.c.bytes(), stream));
  if (row.implementation == Implementation::kCublas) {
    suite.cublas.prepare(row.precision, static_cast<int>(shape.m), static_cast<int>(shape.n),
                         static_cast<int>(shape.k));
  }
  const TimedLaunches timed = time_launches(
      state, context,
      [&](cudaStream_t s) { enqueue_gemm(suite, row, shape, buffers.operands(), s); },
      TimingPolicy{.warm_up_launches = 2,
                   .flush_l2 = true,
                   .measure_sm_clock = true,
                   .sustained_power = headline,
                   .operand_copies = static_cast<int>(buffers.copies.size()),
                   .use_operand_copy = [&](int copy) { buffers.in_use = copy; }});
  const double error = verify_gemm(row.precision, shape, buffers, stream);
  const KernelInspection* inspection = context.options().inspect_kernels
                                           ? &inspect_gemm(suite, row, shape, buffers, stream)
                                           : nullptr;

  using benchmark::Counter;
  const double tera = shape.flops() / 1e12;
  counter(state, info.integer ? counters::kTops : counters::kTflops) =
      Counter(tera, Counter::kIsIterationInvariantRate);
  if (error > 0) counter(state, counters::kRelError) = error;
  add_shape_counters(state, shape);
  add_clock_peak_counter(state, context, tera, info.peak, counter(state, counters::kSmClockMhz));
  add_spec_counters(state, context, tera, spec_key(info.peak));
  const auto documented = context.sheet().number(spec_key(info.peak));
  const double measured_tflops = timed.median_seconds > 0 ? tera / timed.median_seconds : 0;
  const std::string pair = fmt::format("{}/{}", info.name, shape.name);
  if (row.implementation == Implementation::kCublas) {
    suite.cublas_tflops[pair].push_back(measured_tflops);
  } else if (const auto it = suite.cublas_tflops.find(pair); it != suite.cublas_tflops.end()) {
    counter(state, counters::kVsCublas) = measured_tflops / median(it->second);
  }
  std::string label;
  const auto bandwidth = context.sheet().number(headlines::kDramTriad.spec_key);
  if (documented && bandwidth) {
    const Boundedness bound =
        classify_gemm(shape, info.input_bytes, info.output_bytes, *documented, *bandwidth);
    counter(state, counters::kArithmeticIntensity) = bound.arithmetic_intensity;
    counter(state, counters::kRidgePoint) = bound.ridge_point;
    label = bound.compute_bound ? "compute-bound" : "memory-bound";
  }
  label = with_path_notes(label, row, own_kernel_note(context, row, shape, buffers.copies.front()),
                          tuning);
  if (inspection == nullptr) {  // --no-inspect
    set_label(state, timed, label);
    return;
  }
  // Which kernels ran (1: all tensor-core; 0: some SIMT; absent: a kernel the rules do not know)
  // and how busy the tensor pipe was, when the driver lets CUPTI read the counters.
  const bool integer = row.precision == GemmPrecision::kInt8;
  if (const auto tensor_core = all_tensor_core(inspection->kernel_names)) {
    counter(state, counters::kTensorCoreKernels) = *tensor_core ? 1 : 0;
  }
  for (const auto& [name, pct] : inspection->tensor_pipe_pct)
    counter(state, name) = pct;
  if (const auto pct = tensor_pipe_active_pct(*inspection, integer)) {
    counter(state, counters::kTensorPipeActivePct) = *pct;
  }
  set_label(state, timed, inspection_label(label, *inspection, integer));
}

// Registers one row on one shape, or says on stderr why cuBLAS's fast path leaves it out.
// `largest_cublas_square`: the row is cuBLAS's largest square of its precision, a headline figure
// that measures power where the profile or gpubench/headlines.hpp says so.
void register_gemm_row(SuiteContext& context, const std::shared_ptr<GemmSuiteState>& suite, int sm,
                       const GemmRow& row, const GemmShape& shape, bool largest_cublas_square) {
  const std::string name = gemm_benchmark_name(row.implementation, row.precision, shape.name);
  if (row.implementation == Implementation::kCublas) {
    if (const std::string problem = CublasGemm::fast_path_problem(row.precision, sm, shape);
        !problem.empty()) {
      fmt::print(stderr, "gpubench: {}: not supported by the fast path ({}); not run.\n", name,
                 problem);
      return;
    }
    // cuBLASLt's rows choose their algorithm now: a shape it has none for is left out and
    // said so, like one the fast path cannot take, rather than failing the run.
    try {
      suite->cublas.prepare(row.precision, static_cast<int>(shape.m), static_cast<int>(shape.n),
                            static_cast<int>(shape.k));
    } catch (const FastPathUnsupported& unsupported) {
      fmt::print(stderr, "gpubench: {}: {}.\n", name, unsupported.what());
      return;
    }
  }
  const bool headline =
      largest_cublas_square &&
      (context.options().profile.power_every_gemm_precision || headlines::sustained_power(name));
  register_timed_benchmark(name, benchmark::kMicrosecond,
                           [&context, suite, row, shape, headline](benchmark::State& state) {
                             gemm_benchmark(state, context, *suite, row, shape, headline);
                           });
}

// --gemm/--gemm-file: the rows a person asked for, in their order, instead of the profile's; a
// card that cannot take them refuses the run here, before anything runs (gemm_device_fit.hpp).
void register_custom_gemms(SuiteContext& context, const std::shared_ptr<GemmSuiteState>& suite,
                           int sm) {
  CustomGemmPlan plan;
  plan.rows = context.options().custom_gemms;
  plan = fit_custom_gemms(std::move(plan), sm, context.free_memory_bytes());
  for (const std::string& skipped : plan.skipped)
    fmt::print(stderr, "gpubench: left out: {}.\n", skipped);
  for (const CustomGemmRow& row : plan.rows) {
    register_gemm_row(context, suite, sm, GemmRow{row.implementation, row.precision}, row.shape,
                      false);
  }
}

}  // namespace

void register_gemm_suite(SuiteContext& context) {
  const int sm =
      context.device().compute_capability.major * 10 + context.device().compute_capability.minor;
  auto suite = std::make_shared<GemmSuiteState>(context.stream());
  if (!context.options().custom_gemms.empty()) {
    register_custom_gemms(context, suite, sm);
    return;
  }
  const std::int64_t free_bytes = context.free_memory_bytes();
  for (const GemmRow& row : kGemmRows) {
    const GemmPrecisionInfo& info = gemm_precision_info(row.precision);
    if (row.implementation == Implementation::kOwn && !own_gemm_kernel_runs(row.precision, sm)) {
      continue;
    }
    // A precision the card or this build cannot run at all is said once, not once per shape.
    if (const std::string problem = CublasGemm::precision_problem(row.precision, sm);
        row.implementation == Implementation::kCublas && !problem.empty()) {
      fmt::print(stderr, "gpubench: gemm/cublas/{}/*: not run on sm_{}: {}.\n", info.name, sm,
                 problem);
      continue;
    }
    const std::vector<GemmShape> shapes =
        gemm_shapes(context.options().profile, free_bytes, info.input_bytes, info.output_bytes);
    const std::string largest_square = largest_square_name(shapes);
    for (const GemmShape& shape : shapes) {
      if (!gemm_profile_runs(row.implementation, row.precision, shape.family)) continue;
      register_gemm_row(
          context, suite, sm, row, shape,
          row.implementation == Implementation::kCublas && shape.name == largest_square);
    }
  }
}

}  // namespace gpubench
