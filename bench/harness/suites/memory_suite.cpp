// The memory suite: DRAM (STREAM set), the L2 working-set sweep, load latency per level, and
// host<->device / device<->device copies. Each benchmark is a launcher from kernels/memory/ plus a
// row here; each checks its output after the timed runs and fails loudly if it is wrong.

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "gpubench/headlines.hpp"
#include "harness/suites/suites.hpp"
#include "harness/timing.hpp"
#include "kernels/memory/memory_kernels.hpp"
#include "model/memory_plan.hpp"

namespace gpubench {
namespace {

using memory::StreamOp;

constexpr std::string_view kDramSpec = headlines::kDramTriad.spec_key;

struct StreamRow {
  std::string_view name;
  StreamOp op;
};
constexpr StreamRow kStreamRows[] = {
    {"read", StreamOp::kRead},   {"write", StreamOp::kWrite}, {"copy", StreamOp::kCopy},
    {"scale", StreamOp::kScale}, {"add", StreamOp::kAdd},     {"triad", StreamOp::kTriad},
    {"dot", StreamOp::kDot},
};

// Two values copied back from a verification kernel: mismatch count, first bad index.
struct CheckResult {
  unsigned long long mismatches = 0;
  unsigned long long first_bad = 0;
};

CheckResult fetch_check(const DeviceBuffer<unsigned long long>& result, cudaStream_t stream) {
  unsigned long long host[2] = {};
  GPUBENCH_CUDA_CHECK(
      cudaMemcpyAsync(host, result.get(), sizeof host, cudaMemcpyDeviceToHost, stream));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  return {host[0], host[1]};
}

// --- DRAM: the STREAM set.

struct StreamBuffers {
  DeviceBuffer<float> a, b, c;
  DeviceBuffer<double> partials;
  DeviceBuffer<unsigned long long> check{2};
  memory::StreamArrays arrays;
  int blocks = 0;

  explicit StreamBuffers(std::size_t n)
      : a(n),
        b(n),
        c(n),
        partials(memory::stream_blocks(StreamOp::kRead, n)),
        blocks(static_cast<int>(partials.size())) {
    arrays = {a.get(), b.get(), c.get(), n, partials.get(), blocks};
  }
};

StreamBuffers& stream_buffers(SuiteContext& context, std::int64_t array_bytes) {
  return context.cached<StreamBuffers>(
      "stream", [&] { return StreamBuffers(static_cast<std::size_t>(array_bytes / 4)); });
}

void verify_stream(StreamOp op, StreamBuffers& buffers, cudaStream_t stream) {
  const std::size_t n = buffers.arrays.n;
  if (memory::output_array(op) < 0) {
    std::vector<double> partials(static_cast<std::size_t>(buffers.blocks));
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(partials.data(), buffers.partials.get(),
                                        partials.size() * sizeof(double), cudaMemcpyDeviceToHost,
                                        stream));
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    double got = 0;
    for (const double partial : partials)
      got += partial;
    const double expected =
        memory::periodic_sum(n, [op](std::size_t i) { return memory::reduced_term(op, i); });
    if (!(std::fabs(got - expected) <= memory::kReductionRelativeTolerance * expected)) {
      throw VerificationError(fmt::format("sum over {} elements is {}, expected {} (tolerance {})",
                                          n, got, expected, memory::kReductionRelativeTolerance));
    }
    return;
  }
  const float* output = memory::output_array(op) == 0   ? buffers.a.get()
                        : memory::output_array(op) == 1 ? buffers.b.get()
                                                        : buffers.c.get();
  memory::launch_verify_stream_output(op, output, n, buffers.check.get(), stream);
  const CheckResult check = fetch_check(buffers.check, stream);
  if (check.mismatches != 0) {
    float got = 0;
    GPUBENCH_CUDA_CHECK(
        cudaMemcpy(&got, output + check.first_bad, sizeof got, cudaMemcpyDeviceToHost));
    throw VerificationError(fmt::format(
        "{} of {} output elements are wrong; first at index {}: {} instead of {}", check.mismatches,
        n, check.first_bad, got, memory::expected_output(op, check.first_bad)));
  }
}

void stream_benchmark(benchmark::State& state, SuiteContext& context, StreamOp op,
                      std::int64_t array_bytes) {
  StreamBuffers& buffers = stream_buffers(context, array_bytes);
  const cudaStream_t stream = context.stream();
  memory::launch_stream_init(buffers.arrays, stream);
  // Triad is the headline bandwidth figure (gpubench/headlines.hpp): the one memory benchmark
  // with power (issue 11), by its name.
  time_launches(
      state, context, [&](cudaStream_t s) { memory::launch_stream_op(op, buffers.arrays, s); },
      TimingPolicy{});
  verify_stream(op, buffers, stream);
  add_rate_counters(
      state, context,
      static_cast<double>(memory::arrays_moved(op)) * static_cast<double>(array_bytes), kDramSpec);
  counter(state, counters::kArrayBytes) = static_cast<double>(array_bytes);
}

// Device to device through the copy engine (cudaMemcpyAsync) and through SMs (the copy kernel):
// c = a, counting a read and a write of the array.
void d2d_benchmark(benchmark::State& state, SuiteContext& context, bool copy_engine,
                   std::int64_t array_bytes) {
  StreamBuffers& buffers = stream_buffers(context, array_bytes);
  const cudaStream_t stream = context.stream();
  memory::launch_stream_init(buffers.arrays, stream);
  GPUBENCH_CUDA_CHECK(
      cudaMemsetAsync(buffers.c.get(), 0, static_cast<std::size_t>(array_bytes), stream));
  time_launches(state, context, [&](cudaStream_t s) {
    if (copy_engine) {
      GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(buffers.c.get(), buffers.a.get(),
                                          static_cast<std::size_t>(array_bytes),
                                          cudaMemcpyDeviceToDevice, s));
    } else {
      memory::launch_stream_op(StreamOp::kCopy, buffers.arrays, s);
    }
  });
  verify_stream(StreamOp::kCopy, buffers, stream);
  add_rate_counters(state, context, 2.0 * static_cast<double>(array_bytes), kDramSpec);
  counter(state, counters::kArrayBytes) = static_cast<double>(array_bytes);
}

// --- L2: bandwidth against working-set size.

struct SweepBuffers {
  DeviceBuffer<float> buffer;
  DeviceBuffer<double> partials;
  int blocks = 0;
  SweepBuffers(std::size_t floats, int grid_blocks)
      : buffer(floats), partials(static_cast<std::size_t>(grid_blocks)), blocks(grid_blocks) {}
};

void l2_sweep_benchmark(benchmark::State& state, SuiteContext& context, std::int64_t working_set,
                        std::int64_t largest) {
  SweepBuffers& buffers = context.cached<SweepBuffers>("l2_sweep", [&] {
    SweepBuffers made(static_cast<std::size_t>(largest / 4),
                      memory::full_wave_blocks(context.device().ordinal));
    memory::launch_l2_sweep_init(made.buffer.get(), made.buffer.size(), context.stream());
    return made;
  });
  const std::int64_t threads = std::int64_t{buffers.blocks} * memory::kStreamBlockThreads;
  const int loads = l2_sweep_loads_per_thread(threads, kGiB);
  const std::size_t floats = static_cast<std::size_t>(working_set / 4);
  time_launches(state, context, [&](cudaStream_t s) {
    memory::launch_l2_sweep_read(buffers.buffer.get(), floats, loads, buffers.partials.get(),
                                 buffers.blocks, s);
  });
  std::vector<double> partials(static_cast<std::size_t>(buffers.blocks));
  GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(partials.data(), buffers.partials.get(),
                                      partials.size() * sizeof(double), cudaMemcpyDeviceToHost,
                                      context.stream()));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(context.stream()));
  double got = 0;
  for (const double partial : partials)
    got += partial;
  const std::size_t total_loads = static_cast<std::size_t>(threads) * loads;
  const double expected = memory::l2_sweep_expected_sum(floats / 4, total_loads);
  if (got != expected) {
    throw VerificationError(fmt::format("sweep sum is {}, expected exactly {}", got, expected));
  }
  add_rate_counters(state, context, static_cast<double>(total_loads) * 16, kDramSpec);
  counter(state, counters::kWorkingSetBytes) = static_cast<double>(working_set);
  counter(state, counters::kL2Bytes) = static_cast<double>(context.device().l2_cache_bytes);
}

// --- Latency: one dependent chain of loads per working set.

struct ChaseBuffers {
  DeviceBuffer<std::uint32_t> next;
  DeviceBuffer<memory::ChaseResult> result{1};
  std::uint32_t start = 0;
  std::uint32_t expected_final = 0;
  std::uint64_t warm_steps = 0;
  std::uint64_t slots = 0;
};

ChaseBuffers make_chase(std::int64_t working_set, cudaStream_t stream) {
  ChaseBuffers chase;
  const std::uint32_t stride = static_cast<std::uint32_t>(kChaseStrideBytes / 4);
  chase.slots = static_cast<std::uint64_t>(working_set / kChaseStrideBytes);
  chase.next = DeviceBuffer<std::uint32_t>(static_cast<std::size_t>(working_set / 4));
  const std::vector<std::uint32_t> order =
      chase_order(static_cast<std::uint32_t>(chase.slots),
                  0x9e3779b97f4a7c15ull ^ static_cast<std::uint64_t>(working_set));
  DeviceBuffer<std::uint32_t> device_order(order.size());
  GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(device_order.get(), order.data(),
                                      order.size() * sizeof(std::uint32_t), cudaMemcpyHostToDevice,
                                      stream));
  memory::launch_chase_build(chase.next.get(), device_order.get(), order.size(), stride, stream);
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  chase.warm_steps = chase_warm_steps(chase.slots);
  chase.start = order[0] * stride;
  chase.expected_final = order[(chase.warm_steps + kChaseTimedSteps) % chase.slots] * stride;
  return chase;
}

void latency_benchmark(benchmark::State& state, SuiteContext& context, std::int64_t working_set) {
  ChaseBuffers& chase = context.cached<ChaseBuffers>("latency:" + std::to_string(working_set), [&] {
    return make_chase(working_set, context.stream());
  });
  time_launches(
      state, context,
      [&](cudaStream_t s) {
        memory::launch_chase(chase.next.get(), chase.start, chase.warm_steps, kChaseTimedSteps,
                             chase.result.get(), s);
      },
      TimingPolicy{
          .warm_up_launches = 0, .flush_l2 = false, .measure_sm_clock = false, .batches = false});
  memory::ChaseResult result{};
  GPUBENCH_CUDA_CHECK(
      cudaMemcpy(&result, chase.result.get(), sizeof result, cudaMemcpyDeviceToHost));
  if (result.final_index != chase.expected_final) {
    throw VerificationError(fmt::format("chase ended at index {}, expected {}", result.final_index,
                                        chase.expected_final));
  }
  const double steps = static_cast<double>(kChaseTimedSteps);
  counter(state, counters::kLatencyCycles) = static_cast<double>(result.cycles) / steps;
  counter(state, counters::kLatencyNs) = static_cast<double>(result.nanoseconds) / steps;
  counter(state, counters::kSmClockMhz) =
      result.nanoseconds
          ? static_cast<double>(result.cycles) / static_cast<double>(result.nanoseconds) * 1e3
          : 0.0;
  counter(state, counters::kWorkingSetBytes) = static_cast<double>(working_set);
}

// --- Host <-> device.

enum class Direction { kHostToDevice, kDeviceToHost, kBoth };
struct TransferRow {
  std::string_view name;
  Direction direction;
};
constexpr TransferRow kTransferRows[] = {
    {kTransferDirections[0], Direction::kHostToDevice},
    {kTransferDirections[1], Direction::kDeviceToHost},
    {kTransferDirections[2], Direction::kBoth},
};

struct TransferBuffers {
  std::size_t words = 0;
  bool pinned = false;
  DeviceBuffer<std::uint32_t> device_in, device_out;
  PinnedBuffer<std::uint32_t> pinned_source, pinned_destination;
  std::vector<std::uint32_t> pageable_source, pageable_destination;
  DeviceBuffer<unsigned long long> check{2};
  OwnedStream second_stream;
  OwnedEvent fork, join;

  TransferBuffers(std::size_t word_count, bool use_pinned)
      : words(word_count), pinned(use_pinned), device_in(word_count), device_out(word_count) {
    if (pinned) {
      pinned_source = PinnedBuffer<std::uint32_t>(words);
      pinned_destination = PinnedBuffer<std::uint32_t>(words);
    } else {
      pageable_source.resize(words);
      pageable_destination.resize(words);
    }
    for (std::size_t i = 0; i < words; ++i)
      source()[i] = memory::transfer_word(i);
  }
  std::uint32_t* source() { return pinned ? pinned_source.get() : pageable_source.data(); }
  std::uint32_t* destination() {
    return pinned ? pinned_destination.get() : pageable_destination.data();
  }
};

void transfer_benchmark(benchmark::State& state, SuiteContext& context, Direction direction,
                        bool pinned, std::int64_t bytes) {
  const auto size = static_cast<std::size_t>(bytes);
  TransferBuffers& buffers = context.cached<TransferBuffers>(
      fmt::format("transfer:{}:{}", pinned, bytes),
      [&] { return std::make_shared<TransferBuffers>(size / 4, pinned); });
  const cudaStream_t stream = context.stream();
  // Poison the destinations, so the checks prove the timed copies wrote them.
  GPUBENCH_CUDA_CHECK(cudaMemsetAsync(buffers.device_in.get(), 0, size, stream));
  memory::launch_transfer_fill(buffers.device_out.get(), buffers.words, stream);
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::memset(buffers.destination(), 0, size);

  auto h2d = [&](cudaStream_t s) {
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(buffers.device_in.get(), buffers.source(), size,
                                        cudaMemcpyHostToDevice, s));
  };
  auto d2h = [&](cudaStream_t s) {
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(buffers.destination(), buffers.device_out.get(), size,
                                        cudaMemcpyDeviceToHost, s));
  };
  time_launches(
      state, context,
      [&](cudaStream_t s) {
        switch (direction) {
          case Direction::kHostToDevice:
            h2d(s);
            break;
          case Direction::kDeviceToHost:
            d2h(s);
            break;
          case Direction::kBoth: {
            // Fork the second stream off the timed one and join it back before the stop event.
            const cudaStream_t other = buffers.second_stream.get();
            GPUBENCH_CUDA_CHECK(cudaEventRecord(buffers.fork.get(), s));
            GPUBENCH_CUDA_CHECK(cudaStreamWaitEvent(other, buffers.fork.get()));
            h2d(s);
            d2h(other);
            GPUBENCH_CUDA_CHECK(cudaEventRecord(buffers.join.get(), other));
            GPUBENCH_CUDA_CHECK(cudaStreamWaitEvent(s, buffers.join.get()));
            break;
          }
        }
      },
      TimingPolicy{.hold_stream = pinned});  // a pageable copy may wait for the stream to drain
  if (direction != Direction::kDeviceToHost) {
    memory::launch_transfer_verify(buffers.device_in.get(), buffers.words, buffers.check.get(),
                                   stream);
    const CheckResult check = fetch_check(buffers.check, stream);
    if (check.mismatches != 0) {
      throw VerificationError(fmt::format("{} of {} words arrived wrong on the device, first at {}",
                                          check.mismatches, buffers.words, check.first_bad));
    }
  }
  if (direction != Direction::kHostToDevice) {
    for (std::size_t i = 0; i < buffers.words; ++i) {
      if (buffers.destination()[i] != memory::transfer_word(i)) {
        throw VerificationError(fmt::format("word {} arrived wrong on the host", i));
      }
    }
  }
  const double moved = static_cast<double>(bytes) * (direction == Direction::kBoth ? 2 : 1);
  add_rate_counters(state, context, moved, "");
  counter(state, counters::kTransferBytes) = static_cast<double>(bytes);
}

}  // namespace

void register_memory_suite(SuiteContext& context) {
  const RunOptions& options = context.options();
  const DeviceInfo& device = context.device();
  const std::int64_t free_bytes = context.free_memory_bytes();
  // Sized (and bad --bytes refused) before anything runs or is written.
  const StreamPlan plan =
      plan_stream_arrays(device.l2_cache_bytes, free_bytes, options.stream_array_bytes);
  if (!plan.warning.empty()) fmt::print(stderr, "gpubench: warning: {}.\n", plan.warning);
  const std::int64_t array_bytes = plan.array_bytes;
  // The profile's working sets and transfer sizes, or --sweep-sizes' and --transfer-sizes'.
  const MemorySizes sizes = plan_memory_sizes(device.l2_cache_bytes, free_bytes, options.profile,
                                              options.sweep_bytes, options.transfer_bytes);

  constexpr auto kMs = benchmark::kMillisecond;
  constexpr auto kUs = benchmark::kMicrosecond;
  for (const StreamRow& row : kStreamRows) {
    register_timed_benchmark(fmt::format("memory/stream/{}", row.name), kMs,
                             [&context, op = row.op, array_bytes](benchmark::State& state) {
                               stream_benchmark(state, context, op, array_bytes);
                             });
  }
  for (const bool copy_engine : {true, false}) {
    register_timed_benchmark(
        fmt::format("memory/d2d/{}", copy_engine ? "copy_engine" : "sm_kernel"), kMs,
        [&context, copy_engine, array_bytes](benchmark::State& state) {
          d2d_benchmark(state, context, copy_engine, array_bytes);
        });
  }
  const std::vector<std::int64_t>& sweep = sizes.l2_sweep;
  for (const std::int64_t size : sweep) {
    register_timed_benchmark(l2_sweep_benchmark_name(size), kUs,
                             [&context, size, largest = sweep.back()](benchmark::State& state) {
                               l2_sweep_benchmark(state, context, size, largest);
                             });
  }
  // One launch is >= 10^6 dependent loads, so DRAM-sized chases run a single iteration each.
  for (const std::int64_t size : sizes.latency) {
    register_timed_benchmark(
        latency_benchmark_name(size), kMs,
        [&context, size](benchmark::State& state) { latency_benchmark(state, context, size); });
  }
  for (const TransferRow& row : kTransferRows) {
    for (const bool pinned : {true, false}) {
      for (const std::int64_t size : sizes.transfer) {
        register_timed_benchmark(
            transfer_benchmark_name(row.name, pinned, size), kUs,
            [&context, direction = row.direction, pinned, size](benchmark::State& state) {
              transfer_benchmark(state, context, direction, pinned, size);
            });
      }
    }
  }
}

}  // namespace gpubench
