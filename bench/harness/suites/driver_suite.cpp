// The driver suite: what a driver upgrade changes, the software path between a program and the
// GPU, timed on the host clock through the one sampling loop (time_host_calls). Kernel launches
// count in device counters that must read exactly the launches made; copies and memsets are read
// back and compared byte for byte after every sample; a mismatch fails the benchmark.

#include <fmt/format.h>

#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "gpubench/counters.hpp"
#include "harness/registration.hpp"
#include "harness/suites/driver_rows.hpp"
#include "kernels/driver/driver_kernels.hpp"
#include "model/memory_plan.hpp"

namespace gpubench {
namespace driver_suite {

HostTimingPolicy host_policy(SuiteContext& context) {
  return HostTimingPolicy{.warm_up_calls = 2,
                          .stopping = context.options().profile.driver_stopping,
                          .reference_clock_mhz = std::nullopt,
                          .telemetry = context.telemetry(),
                          .budget = context.options().sampling_budget};
}

void report(benchmark::State& state, const DriverRow& row, const TimedLaunches& timed) {
  if (row.rate) {
    state.counters[std::string(counters::kOpsPerS)] =
        benchmark::Counter(row.kernels, benchmark::Counter::kIsIterationInvariantRate);
  } else {
    state.counters[std::string(counters::kLatencyUs)] = timed.median_seconds * 1e6;
  }
  if (row.kind == DriverRowKind::kCopy || row.kind == DriverRowKind::kMemset) {
    state.counters[std::string(counters::kTransferBytes)] = static_cast<double>(row.bytes);
  }
}

}  // namespace driver_suite

namespace {

using driver_suite::host_policy;
using driver_suite::report;

// The count kernels' counters on the device, and what they must read after the launches made.
class LaunchCounters {
 public:
  LaunchCounters(int slots, cudaStream_t stream)
      : device_(static_cast<std::size_t>(slots)), expected_(device_.size(), 0), read_(expected_) {
    GPUBENCH_CUDA_CHECK(cudaMemsetAsync(device_.get(), 0, device_.bytes(), stream));
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  unsigned* get() const { return device_.get(); }
  void expect_launches(unsigned per_slot) {
    for (unsigned& count : expected_)
      count += per_slot;
  }
  void check(cudaStream_t stream, std::string_view row) {
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(read_.data(), device_.get(), device_.bytes(),
                                        cudaMemcpyDeviceToHost, stream));
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    for (std::size_t i = 0; i < read_.size(); ++i) {
      if (read_[i] != expected_[i]) {
        throw VerificationError(fmt::format(
            "{}: kernel {}'s counter reads {} after {} launches: a launch did not run (or ran "
            "twice)",
            row, i, read_[i], expected_[i]));
      }
    }
  }

 private:
  DeviceBuffer<unsigned> device_;
  std::vector<unsigned> expected_;
  std::vector<unsigned> read_;
};

void launch_row(benchmark::State& state, SuiteContext& context, const DriverRow& row) {
  cudaStream_t stream = context.stream();
  const bool graph_rows =
      row.kind == DriverRowKind::kGraphLaunch || row.kind == DriverRowKind::kGraphOneByOne;
  LaunchCounters counters(graph_rows ? row.kernels : 1, stream);
  std::optional<driver::CountingGraph> graph;
  if (row.kind == DriverRowKind::kGraphLaunch) graph.emplace(counters.get(), row.kernels, stream);
  const auto synchronize = [stream] { GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream)); };
  HostCall host;
  switch (row.kind) {
    case DriverRowKind::kLaunchSync:
      host.call = [&] {
        driver::launch_count_kernel(counters.get(), stream);
        synchronize();
      };
      break;
    case DriverRowKind::kLaunchRate:
      host.call = [&] {
        for (int i = 0; i < row.kernels; ++i)
          driver::launch_count_kernel(counters.get(), stream);
        synchronize();
      };
      break;
    case DriverRowKind::kGraphLaunch:
      host.call = [&] {
        graph->launch(stream);
        synchronize();
      };
      break;
    default:
      host.call = [&] {
        driver::launch_count_kernels(counters.get(), row.kernels, stream);
        synchronize();
      };
  }
  const unsigned per_slot =
      row.kind == DriverRowKind::kLaunchRate ? static_cast<unsigned>(row.kernels) : 1u;
  host.prepare = [&] { counters.expect_launches(per_slot); };
  host.finish = [&] { counters.check(stream, row.name); };
  report(state, row, time_host_calls(state, host, host_policy(context)));
}

void sync_row(benchmark::State& state, SuiteContext& context, const DriverRow& row) {
  cudaStream_t stream = context.stream();
  OwnedEvent event;
  GPUBENCH_CUDA_CHECK(cudaEventRecord(event.get(), stream));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  bool not_ready = false;
  HostCall host;
  switch (row.kind) {
    case DriverRowKind::kStreamSync:
      host.call = [&] { GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream)); };
      break;
    case DriverRowKind::kEventSync:
      host.call = [&] { GPUBENCH_CUDA_CHECK(cudaEventSynchronize(event.get())); };
      break;
    case DriverRowKind::kDeviceSync:
      host.call = [&] { GPUBENCH_CUDA_CHECK(cudaDeviceSynchronize()); };
      break;
    default:
      host.call = [&] {
        GPUBENCH_CUDA_CHECK(cudaEventRecord(event.get(), stream));
        const cudaError_t status = cudaEventQuery(event.get());
        not_ready = status == cudaErrorNotReady;
        if (status != cudaSuccess && !not_ready) GPUBENCH_CUDA_CHECK(status);
      };
      host.finish = [&] {
        // "Not ready" is an answer, not an error, but the runtime also leaves it as the last
        // error, where the next launch check would take it for one.
        if (not_ready) static_cast<void>(cudaGetLastError());
        GPUBENCH_CUDA_CHECK(cudaEventSynchronize(event.get()));
      };
  }
  report(state, row, time_host_calls(state, host, host_policy(context)));
}

void check_bytes(std::span<const std::uint8_t> bytes, std::uint32_t seed, std::string_view row) {
  if (const auto at = first_pattern_mismatch(bytes, seed)) {
    throw VerificationError(fmt::format("{}: byte {} of {} arrived as {:#04x}, {:#04x} was sent",
                                        row, *at, bytes.size(), bytes[*at],
                                        pattern_byte(seed, *at)));
  }
}

// The host side of a copy: pinned (cudaMallocHost) or pageable (an ordinary vector).
struct HostBytes {
  HostBytes(std::size_t bytes, bool pinned) : size(bytes) {
    if (pinned) {
      pinned_memory = PinnedBuffer<std::uint8_t>(bytes);
      data = pinned_memory.get();
    } else {
      pageable_memory.resize(bytes);
      data = pageable_memory.data();
    }
  }
  std::span<std::uint8_t> span() const { return {data, size}; }
  PinnedBuffer<std::uint8_t> pinned_memory;
  std::vector<std::uint8_t> pageable_memory;
  std::uint8_t* data = nullptr;
  std::size_t size = 0;
};

// Each sample sends a new pattern to a destination cleared first, and reads it back after.
void copy_row(benchmark::State& state, SuiteContext& context, const DriverRow& row) {
  cudaStream_t stream = context.stream();
  const auto bytes = static_cast<std::size_t>(row.bytes);
  DeviceBuffer<std::uint8_t> device(bytes);
  HostBytes host_bytes(bytes, row.pinned);
  std::vector<std::uint8_t> staging(bytes);  // the untimed way in and out of `device`
  std::uint32_t seed = 0;
  HostCall host;
  if (row.direction == CopyDirection::kHostToDevice) {
    host.prepare = [&] {
      fill_pattern(host_bytes.span(), ++seed);
      GPUBENCH_CUDA_CHECK(cudaMemsetAsync(device.get(), 0, bytes, stream));
      GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    };
    host.call = [&] {
      GPUBENCH_CUDA_CHECK(
          cudaMemcpyAsync(device.get(), host_bytes.data, bytes, cudaMemcpyHostToDevice, stream));
      GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    };
    host.finish = [&] {
      GPUBENCH_CUDA_CHECK(cudaMemcpy(staging.data(), device.get(), bytes, cudaMemcpyDeviceToHost));
      check_bytes(staging, seed, row.name);
    };
  } else {
    host.prepare = [&] {
      fill_pattern(staging, ++seed);
      GPUBENCH_CUDA_CHECK(cudaMemcpy(device.get(), staging.data(), bytes, cudaMemcpyHostToDevice));
      std::memset(host_bytes.data, 0, bytes);
    };
    host.call = [&] {
      GPUBENCH_CUDA_CHECK(
          cudaMemcpyAsync(host_bytes.data, device.get(), bytes, cudaMemcpyDeviceToHost, stream));
      GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    };
    host.finish = [&] { check_bytes(host_bytes.span(), seed, row.name); };
  }
  report(state, row, time_host_calls(state, host, host_policy(context)));
}

void memset_row(benchmark::State& state, SuiteContext& context, const DriverRow& row) {
  cudaStream_t stream = context.stream();
  const auto bytes = static_cast<std::size_t>(row.bytes);
  DeviceBuffer<std::uint8_t> device(bytes);
  std::vector<std::uint8_t> read_back(bytes);
  std::uint32_t seed = 0;
  std::uint8_t value = 0;
  HostCall host;
  host.prepare = [&] {
    value = pattern_byte(++seed, 0);  // never zero, so the clearing below cannot pass for it
    GPUBENCH_CUDA_CHECK(cudaMemsetAsync(device.get(), 0, bytes, stream));
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  };
  host.call = [&] {
    GPUBENCH_CUDA_CHECK(cudaMemsetAsync(device.get(), value, bytes, stream));
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
  };
  host.finish = [&] {
    GPUBENCH_CUDA_CHECK(cudaMemcpy(read_back.data(), device.get(), bytes, cudaMemcpyDeviceToHost));
    for (std::size_t i = 0; i < bytes; ++i) {
      if (read_back[i] != value) {
        throw VerificationError(fmt::format("{}: byte {} reads {:#04x} after a memset to {:#04x}",
                                            row.name, i, read_back[i], value));
      }
    }
  };
  report(state, row, time_host_calls(state, host, host_policy(context)));
}

// A memory pool of its own that keeps what is freed to it (release threshold: never), so the
// stream-ordered row times a pool hit and leaves the device's default pool as it was.
class RetainingPool {
 public:
  explicit RetainingPool(int device) {
    cudaMemPoolProps properties{};
    properties.allocType = cudaMemAllocationTypePinned;
    properties.location.type = cudaMemLocationTypeDevice;
    properties.location.id = device;
    GPUBENCH_CUDA_CHECK(cudaMemPoolCreate(&pool_, &properties));
    std::uint64_t keep_everything = UINT64_MAX;
    const cudaError_t status =
        cudaMemPoolSetAttribute(pool_, cudaMemPoolAttrReleaseThreshold, &keep_everything);
    if (status != cudaSuccess) {
      cudaMemPoolDestroy(pool_);
      GPUBENCH_CUDA_CHECK(status);
    }
  }
  ~RetainingPool() { cudaMemPoolDestroy(pool_); }
  RetainingPool(const RetainingPool&) = delete;
  RetainingPool& operator=(const RetainingPool&) = delete;
  cudaMemPool_t get() const { return pool_; }

 private:
  cudaMemPool_t pool_ = nullptr;
};

void alloc_row(benchmark::State& state, SuiteContext& context, const DriverRow& row) {
  cudaStream_t stream = context.stream();
  const auto bytes = static_cast<std::size_t>(row.bytes);
  const auto check_allocated = [&row](const void* pointer) {
    if (pointer == nullptr) {
      throw VerificationError(
          fmt::format("{}: the allocation succeeded with a null pointer", row.name));
    }
  };
  std::optional<RetainingPool> pool;
  HostCall host;
  if (row.kind == DriverRowKind::kMallocFree) {
    host.call = [&] {
      void* pointer = nullptr;
      GPUBENCH_CUDA_CHECK(cudaMalloc(&pointer, bytes));
      check_allocated(pointer);
      GPUBENCH_CUDA_CHECK(cudaFree(pointer));
    };
  } else {
    pool.emplace(context.device().ordinal);
    host.call = [&] {
      void* pointer = nullptr;
      GPUBENCH_CUDA_CHECK(cudaMallocFromPoolAsync(&pointer, bytes, pool->get(), stream));
      check_allocated(pointer);
      GPUBENCH_CUDA_CHECK(cudaFreeAsync(pointer, stream));
      GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
    };
  }
  report(state, row, time_host_calls(state, host, host_policy(context)));
}

void run_row(benchmark::State& state, SuiteContext& context, const DriverRow& row) {
  switch (row.kind) {
    case DriverRowKind::kLaunchSync:
    case DriverRowKind::kLaunchRate:
    case DriverRowKind::kGraphLaunch:
    case DriverRowKind::kGraphOneByOne:
      return launch_row(state, context, row);
    case DriverRowKind::kStreamSync:
    case DriverRowKind::kEventSync:
    case DriverRowKind::kDeviceSync:
    case DriverRowKind::kEventRecordQuery:
      return sync_row(state, context, row);
    case DriverRowKind::kCopy:
      return copy_row(state, context, row);
    case DriverRowKind::kMemset:
      return memset_row(state, context, row);
    case DriverRowKind::kMallocFree:
    case DriverRowKind::kPoolMallocFree:
      return alloc_row(state, context, row);
    case DriverRowKind::kModuleCubin:
    case DriverRowKind::kModulePtx:
      return driver_suite::module_row(state, context, row);
    case DriverRowKind::kCublasCreate:
    case DriverRowKind::kCublasFirstGemm:
    case DriverRowKind::kCublasSteadyGemm:
      return driver_suite::cublas_row(state, context, row);
  }
}

// Whether `row` can run on this device; says why on stderr when not.
bool available(SuiteContext& context, const DriverRow& row) {
  const auto skip = [&row](std::string_view why) {
    fmt::print(stderr, "gpubench: {}: not measured: {}.\n", row.name, why);
    return false;
  };
  if (row.kind == DriverRowKind::kMallocFree && row.bytes > kMiB) {
    // Room for the allocation and the suite's other buffers, without pushing other processes out.
    if (context.free_memory_bytes() < row.bytes + 256 * kMiB) {
      return skip(fmt::format("the device has less than {} free", format_bytes(row.bytes)));
    }
  }
  if (row.kind == DriverRowKind::kPoolMallocFree) {
    int supported = 0;
    GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&supported, cudaDevAttrMemoryPoolsSupported,
                                               context.device().ordinal));
    if (supported == 0) return skip("the device or driver has no stream-ordered memory pools");
  }
  if (row.kind == DriverRowKind::kModuleCubin && !driver_suite::module_cubin_available(context)) {
    return skip(fmt::format("gpubench was built without a cubin for sm_{}{}",
                            context.device().compute_capability.major,
                            context.device().compute_capability.minor));
  }
  return true;
}

}  // namespace

void register_driver_suite(SuiteContext& context) {
  for (const DriverRow& row : driver_rows()) {
    if (!available(context, row)) continue;
    register_timed_benchmark(
        row.name, benchmark::kMicrosecond,
        [&context, row](benchmark::State& state) { run_row(state, context, row); });
  }
}

}  // namespace gpubench
