// The compute suite: each execution unit's peak (scalar FMA pipes and tensor cores through
// mma.sync, and on Hopper through wgmma) at the clock it actually ran at, plus one-chain latency.
// Every launch's chains are checked against the CPU model of the same chain before a figure is
// reported.

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "harness/suites/suites.hpp"
#include "harness/timing.hpp"
#include "kernels/compute/compute_kernels.hpp"
#include "kernels/compute/compute_reference.hpp"
#include "kernels/compute/wgmma_kernels.hpp"
#include "model/rate_table.hpp"

namespace gpubench {
namespace {

using compute::ComputeOp;

struct ComputeRow {
  std::string_view name;
  ComputeOp op;
  std::optional<Throughput> rate;  // the rate-table / spec entry this unit is measured against
  std::string_view note;           // why the comparison is qualified, if it is
  bool wgmma = false;              // Hopper's warpgroup MMA (sm_90a) instead of mma.sync
};

constexpr ComputeRow kComputeRows[] = {
    {"fp32_ffma", ComputeOp::kFfma, Throughput::kFp32, ""},
    {"fp16_hfma2", ComputeOp::kHfma2, Throughput::kFp16, ""},
    {"bf16_hfma2", ComputeOp::kBf16Fma2, Throughput::kBf16, ""},
    {"fp64_dfma", ComputeOp::kDfma, Throughput::kFp64, ""},
    {"int32_imad", ComputeOp::kImad, std::nullopt, "no documented INT32 rate"},
    {"mma_f16_f16acc", ComputeOp::kMmaF16F16, Throughput::kFp16TensorFp16Acc, ""},
    {"mma_f16_f32acc", ComputeOp::kMmaF16F32, Throughput::kFp16TensorFp32Acc, ""},
    {"mma_bf16_f32acc", ComputeOp::kMmaBf16F32, Throughput::kBf16Tensor, ""},
    {"mma_tf32_f32acc", ComputeOp::kMmaTf32F32, Throughput::kTf32Tensor, ""},
    {"mma_s8_s32acc", ComputeOp::kMmaS8S32, Throughput::kInt8Tensor, ""},
    {"mma_s4_s32acc", ComputeOp::kMmaS4S32, Throughput::kInt4Tensor, ""},
    {"mma_e4m3_f32acc", ComputeOp::kMmaE4m3F32, Throughput::kFp8TensorFp32Acc, ""},
    {"mma_e5m2_f32acc", ComputeOp::kMmaE5m2F32, Throughput::kFp8TensorFp32Acc, ""},
    {"mma_e4m3_f16acc", ComputeOp::kMmaE4m3F16, Throughput::kFp8TensorFp16Acc, ""},
    {"mma_e5m2_f16acc", ComputeOp::kMmaE5m2F16, Throughput::kFp8TensorFp16Acc, ""},
    // Compute capability 9.0 only: the tensor cores' own path there.
    {"wgmma_f16_f16acc", ComputeOp::kMmaF16F16, Throughput::kFp16TensorFp16Acc, "", true},
    {"wgmma_f16_f32acc", ComputeOp::kMmaF16F32, Throughput::kFp16TensorFp32Acc, "", true},
    {"wgmma_bf16_f32acc", ComputeOp::kMmaBf16F32, Throughput::kBf16Tensor, "", true},
    {"wgmma_tf32_f32acc", ComputeOp::kMmaTf32F32, Throughput::kTf32Tensor, "", true},
    {"wgmma_s8_s32acc", ComputeOp::kMmaS8S32, Throughput::kInt8Tensor, "", true},
    {"wgmma_e4m3_f32acc", ComputeOp::kMmaE4m3F32, Throughput::kFp8TensorFp32Acc, "", true},
    {"wgmma_e5m2_f32acc", ComputeOp::kMmaE5m2F32, Throughput::kFp8TensorFp32Acc, "", true},
    {"wgmma_e4m3_f16acc", ComputeOp::kMmaE4m3F16, Throughput::kFp8TensorFp16Acc, "", true},
    {"wgmma_e5m2_f16acc", ComputeOp::kMmaE5m2F16, Throughput::kFp8TensorFp16Acc, "", true},
};

constexpr std::uint32_t kSeed = 0x6a09e667u;

bool is_integer(ComputeOp op) {
  return op == ComputeOp::kImad || op == ComputeOp::kMmaS8S32 || op == ComputeOp::kMmaS4S32;
}

int device_sm(const SuiteContext& context) {
  return context.device().compute_capability.major * 10 + context.device().compute_capability.minor;
}

struct ComputeBuffers {
  DeviceBuffer<std::uint32_t> out;
  DeviceBuffer<common::ClockSample> clock{1};
  int blocks = 0;
  long long iterations = 0;
};

long long round_iterations(const ComputeRow& row, double iterations) {
  const long long unit = row.wgmma                    ? compute::kWgmmaUnroll
                         : compute::is_tensor(row.op) ? compute::kMmaUnroll
                                                      : compute::kScalarUnroll;
  return std::max<long long>(unit, static_cast<long long>(iterations) / unit * unit);
}

// --- The two tensor paths behind one interface: threads per block, output words per thread,
// launch and work differ; a wgmma block is one warpgroup.

std::size_t block_threads(const ComputeRow& row) {
  return row.wgmma ? wgmma::kWarpgroupThreads : compute::kComputeBlockThreads;
}

int words_per_thread(const ComputeRow& row, int sm) {
  return row.wgmma ? compute::wgmma_output_words(row.op)
                   : compute::output_words_per_thread(row.op, sm);
}

int full_wave_blocks(const ComputeRow& row, int sm, int device) {
  return row.wgmma ? compute::wgmma_full_wave_blocks(row.op, device)
                   : compute::compute_full_wave_blocks(row.op, sm, device);
}

void launch_throughput(const ComputeRow& row, int sm, int blocks, long long iterations,
                       std::uint32_t* out, common::ClockSample* clock, cudaStream_t stream) {
  if (row.wgmma) {
    compute::launch_wgmma_throughput(row.op, blocks, iterations, kSeed, out, clock, stream);
  } else {
    compute::launch_compute_throughput(row.op, sm, blocks, iterations, kSeed, out, clock, stream);
  }
}

double launch_flops(const ComputeRow& row, int sm, int blocks, long long iterations) {
  return row.wgmma ? compute::wgmma_launch_flops(row.op, blocks, iterations)
                   : compute::launch_flops(row.op, sm, blocks, iterations);
}

// Checks whole blocks of the last wgmma launch (first, last and a spread) bit for bit.
void verify_wgmma(ComputeOp op, const std::vector<std::uint32_t>& host, int blocks) {
  const std::size_t per_block =
      static_cast<std::size_t>(wgmma::kWarpgroupThreads * compute::wgmma_output_words(op));
  for (int i = 0; i < 4; ++i) {
    const int block = i * (blocks - 1) / 3;
    const auto expected =
        compute::wgmma_expected_words(op, kSeed, static_cast<std::uint32_t>(block));
    for (std::size_t w = 0; w < per_block; ++w) {
      const std::uint32_t got = host[static_cast<std::size_t>(block) * per_block + w];
      if (got != expected[w]) {
        throw VerificationError(fmt::format(
            "wgmma block {} thread {} word {} is {:#010x}, expected {:#010x} (C + A*B): the "
            "shared-memory layout, a descriptor or the fragment mapping is wrong",
            block, w / static_cast<std::size_t>(compute::wgmma_output_words(op)),
            w % static_cast<std::size_t>(compute::wgmma_output_words(op)), got, expected[w]));
      }
    }
  }
}

// Checks sampled threads (scalar) or warps (tensor) of the last launch against the CPU model.
void verify_throughput(const ComputeRow& row, int sm, const ComputeBuffers& buffers,
                       cudaStream_t stream) {
  const ComputeOp op = row.op;
  const int words = words_per_thread(row, sm);
  const std::size_t threads = static_cast<std::size_t>(buffers.blocks) * block_threads(row);
  std::vector<std::uint32_t> host(threads * static_cast<std::size_t>(words));
  GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(host.data(), buffers.out.get(),
                                      host.size() * sizeof(std::uint32_t), cudaMemcpyDeviceToHost,
                                      stream));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  if (row.wgmma) {
    verify_wgmma(op, host, buffers.blocks);
    return;
  }
  // First, last and a spread of threads (whole warps for the tensor ops).
  std::vector<std::size_t> sampled_warps;
  const std::size_t warps = threads / 32;
  for (std::size_t i = 0; i < 8; ++i)
    sampled_warps.push_back(i * (warps - 1) / 7);
  for (const std::size_t warp : sampled_warps) {
    for (int lane = 0; lane < 32; ++lane) {
      const std::size_t thread = warp * 32 + static_cast<std::size_t>(lane);
      const std::uint32_t* got = host.data() + thread * static_cast<std::size_t>(words);
      if (compute::is_tensor(op)) {
        const int per_accumulator = compute::accumulator_words(op, sm);
        for (int k = 0; k < compute::kMmaAccumulators; ++k) {
          for (int w = 0; w < per_accumulator; ++w) {
            const std::uint32_t expected = compute::accumulator_word(
                op, sm, kSeed, static_cast<std::uint32_t>(warp), lane, k, w, true);
            if (got[k * per_accumulator + w] != expected) {
              throw VerificationError(fmt::format(
                  "warp {} lane {} accumulator {} word {} is {:#010x}, expected {:#010x} "
                  "(C + A*B): the fragment mapping or the mma result is wrong",
                  warp, lane, k, w, got[k * per_accumulator + w], expected));
            }
          }
        }
        continue;
      }
      if (lane % 16 != 0) continue;  // scalar chains: two threads per sampled warp suffice
      for (int chain = 0; chain < compute::kScalarChains; ++chain) {
        const std::uint64_t expected = compute::scalar_chain_result(
            op, kSeed, static_cast<std::uint32_t>(thread), chain, buffers.iterations);
        const std::uint64_t value =
            op == ComputeOp::kDfma
                ? (static_cast<std::uint64_t>(got[2 * chain + 1]) << 32) | got[2 * chain]
                : got[chain];
        if (value != expected) {
          throw VerificationError(fmt::format(
              "thread {} chain {} ended at {:#x}, the CPU model of the same chain at {:#x}", thread,
              chain, value, expected));
        }
      }
    }
  }
}

void throughput_benchmark(benchmark::State& state, SuiteContext& context, const ComputeRow& row) {
  const int sm = device_sm(context);
  const ComputeOp op = row.op;
  ComputeBuffers& buffers =
      context.cached<ComputeBuffers>(fmt::format("compute:{}", row.name), [&] {
        auto made = std::make_shared<ComputeBuffers>();
        made->blocks = full_wave_blocks(row, sm, context.device().ordinal);
        made->out = DeviceBuffer<std::uint32_t>(
            static_cast<std::size_t>(made->blocks) * block_threads(row) *
            static_cast<std::size_t>(words_per_thread(row, sm)));
        // Calibrate: time a short launch, then size the timed ones to the target launch time.
        // (A wgmma pair is 64x the work of an mma.sync pair: its probe is that much shorter.)
        const long long probe_iterations = round_iterations(row, row.wgmma ? 64 : 4096);
        OwnedEvent start, stop;
        launch_throughput(row, sm, made->blocks, probe_iterations, made->out.get(),
                          made->clock.get(), context.stream());
        GPUBENCH_CUDA_CHECK(cudaEventRecord(start.get(), context.stream()));
        launch_throughput(row, sm, made->blocks, probe_iterations, made->out.get(),
                          made->clock.get(), context.stream());
        GPUBENCH_CUDA_CHECK(cudaEventRecord(stop.get(), context.stream()));
        GPUBENCH_CUDA_CHECK(cudaEventSynchronize(stop.get()));
        float milliseconds = 0;
        GPUBENCH_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, start.get(), stop.get()));
        made->iterations = round_iterations(row, static_cast<double>(probe_iterations) *
                                                     context.options().profile.compute_launch_s *
                                                     1e3 / std::max(milliseconds, 1e-3f));
        return made;
      });
  // The kernel records its own clock on every launch: read from the last timed one, before FFMA's
  // sustained power window launches more (which would otherwise leave theirs in the buffer).
  common::ClockSample clock{};
  const TimedLaunches timed = time_launches(
      state, context,
      [&](cudaStream_t s) {
        launch_throughput(row, sm, buffers.blocks, buffers.iterations, buffers.out.get(),
                          buffers.clock.get(), s);
      },
      // FFMA is the headline compute figure (gpubench/headlines.hpp): the one compute benchmark
      // with power, by its name.
      own_clock_policy(buffers.clock.get(), clock));
  verify_throughput(row, sm, buffers, context.stream());
  const double clock_mhz = common::clock_mhz(clock);
  const double flops = launch_flops(row, sm, buffers.blocks, buffers.iterations);
  const double tera = flops / 1e12;
  using benchmark::Counter;
  counter(state, is_integer(op) ? counters::kTops : counters::kTflops) =
      Counter(tera, Counter::kIsIterationInvariantRate);
  counter(state, counters::kSmClockMhz) = clock_mhz;
  counter(state, counters::kIterationsPerLaunch) = static_cast<double>(buffers.iterations);
  if (row.rate) {
    add_clock_peak_counter(state, context, tera, *row.rate, clock_mhz);
    add_spec_counters(state, context, tera, spec_key(*row.rate));
  }
  std::string label(row.note);
  if (compute::is_tensor(op) && !row.wgmma && !legacy_mma_sync_label(sm).empty()) {
    label = legacy_mma_sync_label(sm);
  }
  set_label(state, timed, label);
}

void latency_benchmark(benchmark::State& state, SuiteContext& context, const ComputeRow& row) {
  const int sm = device_sm(context);
  const ComputeOp op = row.op;
  constexpr long long kIterations = 1 << 14;
  const int words = compute::latency_output_words(op, sm);
  DeviceBuffer<std::uint32_t> out(static_cast<std::size_t>(words));
  DeviceBuffer<unsigned long long> cycles(1);
  const TimedLaunches timed = time_launches(
      state, context,
      [&](cudaStream_t s) {
        compute::launch_compute_latency(op, sm, kIterations, kSeed, out.get(), cycles.get(), s);
      },
      TimingPolicy{
          .warm_up_launches = 1, .flush_l2 = false, .measure_sm_clock = false, .batches = false});
  std::vector<std::uint32_t> host(static_cast<std::size_t>(words));
  unsigned long long ticks = 0;
  GPUBENCH_CUDA_CHECK(cudaMemcpy(host.data(), out.get(), host.size() * sizeof(std::uint32_t),
                                 cudaMemcpyDeviceToHost));
  GPUBENCH_CUDA_CHECK(cudaMemcpy(&ticks, cycles.get(), sizeof ticks, cudaMemcpyDeviceToHost));
  double instructions = static_cast<double>(kIterations);
  if (compute::is_tensor(op)) {
    instructions = static_cast<double>(2 * kIterations + 1);
    const int per_lane = compute::accumulator_words(op, sm);
    for (int lane = 0; lane < 32; ++lane) {
      for (int w = 0; w < per_lane; ++w) {
        const std::uint32_t expected =
            compute::accumulator_word(op, sm, kSeed, 0, lane, 0, w, true);
        if (host[static_cast<std::size_t>(lane * per_lane + w)] != expected) {
          throw VerificationError(fmt::format("latency chain: lane {} word {} is wrong", lane, w));
        }
      }
    }
  } else {
    const std::uint64_t expected = compute::scalar_chain_result(op, kSeed, 0, 0, kIterations);
    const std::uint64_t value =
        op == ComputeOp::kDfma ? (static_cast<std::uint64_t>(host[1]) << 32) | host[0] : host[0];
    if (value != expected) throw VerificationError("latency chain ended at the wrong value");
  }
  counter(state, counters::kLatencyCycles) = static_cast<double>(ticks) / instructions;
  counter(state, counters::kSmClockMhz) =
      timed.sm_clock_mhz ? *timed.sm_clock_mhz : context.measure_sm_clock_mhz();
}

// Whether `row` is measured on this device. An emulated mma.sync is not: ptxas lowers it to
// ordinary arithmetic on loop-invariant operands, which it may hoist, so no figure of it would
// describe the tensor cores (on an H100 the FP8 "throughput" came out above the FP16 one).
bool measured(const ComputeRow& row, int sm, bool say_why) {
  if (row.wgmma) return compute::wgmma_runs_on(row.op, sm);  // Hopper's own path, or nothing
  if (!compute::compute_op_built(row.op, sm)) return false;  // the architecture lacks it
  if (compute::compute_op_emulated(row.op, sm)) {
    if (say_why) {
      fmt::print(stderr,
                 "gpubench: compute/{}: not measured on sm_{}: mma.sync of this type is emulated "
                 "there, not a tensor-core path.\n",
                 row.name, sm);
    }
    return false;
  }
  return true;
}

}  // namespace

void register_compute_sm120_rows(SuiteContext& context);  // compute_sm120_rows.cpp

void register_compute_suite(SuiteContext& context) {
  const int sm = device_sm(context);
  for (const ComputeRow& row : kComputeRows) {
    if (!measured(row, sm, true)) continue;
    register_timed_benchmark(
        fmt::format("compute/peak/{}", row.name), benchmark::kMillisecond,
        [&context, &row](benchmark::State& state) { throughput_benchmark(state, context, row); });
  }
  for (const ComputeRow& row : kComputeRows) {
    if (row.wgmma || !measured(row, sm, false)) continue;  // no one-warp wgmma chain
    register_timed_benchmark(
        fmt::format("compute/latency/{}", row.name), benchmark::kMicrosecond,
        [&context, &row](benchmark::State& state) { latency_benchmark(state, context, row); });
  }
  register_compute_sm120_rows(context);  // GeForce / RTX PRO Blackwell's FP4, FP6, block scaling
}

}  // namespace gpubench
