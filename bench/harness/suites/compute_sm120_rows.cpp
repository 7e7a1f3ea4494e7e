// The compute suite's sm_120 tensor rows (GeForce and RTX PRO Blackwell): mma.sync of
// .kind::f8f6f4 for each input type the PTX ISA lists, and the block-scaled kinds, on the sm_120a
// kernels (kernels/compute/sm120_kernels.cu). Each launch's sampled warps are checked bit for bit
// against the CPU model (sm120_math.hpp) before a figure is reported. On any other card the rows
// are not registered and one line says why.

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "harness/suites/suites.hpp"
#include "harness/timing.hpp"
#include "kernels/compute/sm120_kernels.hpp"
#include "kernels/compute/sm120_reference.hpp"
#include "model/rate_table.hpp"

namespace gpubench {
namespace {

using compute::Sm120Op;

struct Sm120Row {
  std::string_view name;
  Sm120Op op;
  std::optional<Throughput> rate;
  std::string_view note;
};

// kind::f8f6f4 and kind::mxf8f6f4 assemble to QMMA, the FP8 tensor instruction, for FP6 and FP4
// too: they are measured against the FP8 rate. The FP4 kinds assemble to OMMA, measured against
// the FP4 rate (4096 FLOP/clk/SM on 12.0, from the RTX 5090's documented dense FP4 peak).
constexpr std::string_view kFp8Path = "FP6/FP4 through kind::f8f6f4 issue QMMA, the FP8 path";
constexpr Sm120Row kSm120Rows[] = {
    {"mma_f8f6f4_e4m3_f32acc", Sm120Op::kF8f6f4E4m3, Throughput::kFp8TensorFp32Acc, ""},
    {"mma_f8f6f4_e5m2_f32acc", Sm120Op::kF8f6f4E5m2, Throughput::kFp8TensorFp32Acc, ""},
    {"mma_f8f6f4_e3m2_f32acc", Sm120Op::kF8f6f4E3m2, Throughput::kFp8TensorFp32Acc, kFp8Path},
    {"mma_f8f6f4_e2m3_f32acc", Sm120Op::kF8f6f4E2m3, Throughput::kFp8TensorFp32Acc, kFp8Path},
    {"mma_f8f6f4_e2m1_f32acc", Sm120Op::kF8f6f4E2m1, Throughput::kFp8TensorFp32Acc, kFp8Path},
    {"mma_mxf8f6f4_e4m3_ue8m0_f32acc", Sm120Op::kMxf8f6f4E4m3Ue8m0, Throughput::kFp8TensorFp32Acc,
     ""},
    {"mma_mxf4_e2m1_ue8m0_f32acc", Sm120Op::kMxf4E2m1Ue8m0, Throughput::kFp4Tensor, ""},
    {"mma_mxf4nvf4_e2m1_ue8m0_f32acc", Sm120Op::kMxf4nvf4E2m1Ue8m0, Throughput::kFp4Tensor, ""},
    {"mma_mxf4nvf4_e2m1_ue4m3_f32acc", Sm120Op::kMxf4nvf4E2m1Ue4m3, Throughput::kFp4Tensor, ""},
};

constexpr std::uint32_t kSeed = 0x3c6ef372u;

struct Sm120Buffers {
  DeviceBuffer<std::uint32_t> out;
  DeviceBuffer<common::ClockSample> clock{1};
  int blocks = 0;
  long long iterations = 0;
};

long long round_iterations(double iterations) {
  return std::max<long long>(
      compute::kSm120Unroll,
      static_cast<long long>(iterations) / compute::kSm120Unroll * compute::kSm120Unroll);
}

// Sampled warps (first, last and a spread) of the last launch against the CPU model.
void verify(Sm120Op op, const Sm120Buffers& buffers, cudaStream_t stream) {
  const std::size_t threads =
      static_cast<std::size_t>(buffers.blocks) * compute::kSm120BlockThreads;
  std::vector<std::uint32_t> host(threads * compute::kSm120WordsPerThread);
  GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(host.data(), buffers.out.get(),
                                      host.size() * sizeof(std::uint32_t), cudaMemcpyDeviceToHost,
                                      stream));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  const std::size_t warps = threads / 32;
  const auto per_warp = static_cast<std::size_t>(32 * compute::kSm120WordsPerThread);
  for (std::size_t i = 0; i < 8; ++i) {
    const std::size_t warp = i * (warps - 1) / 7;
    const auto expected =
        compute::sm120_expected_words(op, kSeed, static_cast<std::uint32_t>(warp));
    for (std::size_t w = 0; w < per_warp; ++w) {
      const std::uint32_t value = host[warp * per_warp + w];
      if (value != expected[w]) {
        throw VerificationError(fmt::format(
            "warp {} lane {} word {} is {:#010x}, expected {:#010x} (C + (A x scale_A)(B x "
            "scale_B)): an encoding, a scale or the fragment mapping is wrong",
            warp, w / static_cast<std::size_t>(compute::kSm120WordsPerThread),
            w % static_cast<std::size_t>(compute::kSm120WordsPerThread), value, expected[w]));
      }
    }
  }
}

void sm120_benchmark(benchmark::State& state, SuiteContext& context, const Sm120Row& row) {
  Sm120Buffers& buffers = context.cached<Sm120Buffers>(fmt::format("compute:{}", row.name), [&] {
    auto made = std::make_shared<Sm120Buffers>();
    made->blocks = compute::sm120_full_wave_blocks(row.op, context.device().ordinal);
    made->out =
        DeviceBuffer<std::uint32_t>(static_cast<std::size_t>(made->blocks) *
                                    compute::kSm120BlockThreads * compute::kSm120WordsPerThread);
    // Calibrate: time a short launch, then size the timed ones to the target launch time.
    const long long probe_iterations = round_iterations(4096);
    OwnedEvent start, stop;
    const auto launch = [&] {
      compute::launch_sm120_throughput(row.op, made->blocks, probe_iterations, kSeed,
                                       made->out.get(), made->clock.get(), context.stream());
    };
    launch();
    GPUBENCH_CUDA_CHECK(cudaEventRecord(start.get(), context.stream()));
    launch();
    GPUBENCH_CUDA_CHECK(cudaEventRecord(stop.get(), context.stream()));
    GPUBENCH_CUDA_CHECK(cudaEventSynchronize(stop.get()));
    float milliseconds = 0;
    GPUBENCH_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, start.get(), stop.get()));
    made->iterations = round_iterations(static_cast<double>(probe_iterations) *
                                        context.options().profile.compute_launch_s * 1e3 /
                                        static_cast<double>(std::max(milliseconds, 1e-3f)));
    return made;
  });
  common::ClockSample clock{};
  const TimedLaunches timed = time_launches(
      state, context,
      [&](cudaStream_t s) {
        compute::launch_sm120_throughput(row.op, buffers.blocks, buffers.iterations, kSeed,
                                         buffers.out.get(), buffers.clock.get(), s);
      },
      own_clock_policy(buffers.clock.get(), clock));
  verify(row.op, buffers, context.stream());
  const double clock_mhz = common::clock_mhz(clock);
  const double tera =
      compute::sm120_launch_flops(row.op, buffers.blocks, buffers.iterations) / 1e12;
  using benchmark::Counter;
  counter(state, counters::kTflops) = Counter(tera, Counter::kIsIterationInvariantRate);
  counter(state, counters::kSmClockMhz) = clock_mhz;
  counter(state, counters::kIterationsPerLaunch) = static_cast<double>(buffers.iterations);
  if (row.rate) {
    add_clock_peak_counter(state, context, tera, *row.rate, clock_mhz);
    add_spec_counters(state, context, tera, spec_key(*row.rate));
  }
  set_label(state, timed, std::string(row.note));
}

}  // namespace

// Called by register_compute_suite (compute_suite.cpp).
void register_compute_sm120_rows(SuiteContext& context) {
  const auto& cc = context.device().compute_capability;
  const int sm = cc.major * 10 + cc.minor;
  if (!compute::sm120_mma_supported(sm)) {
    fmt::print(stderr,
               "gpubench: compute/peak/mma_f8f6f4_*, mma_mxf*: not measured on sm_{}: {}.\n", sm,
               compute::sm120_unsupported_reason(sm));
    return;
  }
  for (const Sm120Row& row : kSm120Rows) {
    register_timed_benchmark(
        fmt::format("compute/peak/{}", row.name), benchmark::kMillisecond,
        [&context, &row](benchmark::State& state) { sm120_benchmark(state, context, row); });
  }
}

}  // namespace gpubench
