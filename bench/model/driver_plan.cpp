#include "model/driver_plan.hpp"

#include <fmt/format.h>

#include <utility>

#include "model/memory_plan.hpp"

namespace gpubench {
namespace {

DriverRow row(std::string name, DriverRowKind kind) {
  DriverRow made;
  made.name = std::move(name);
  made.kind = kind;
  return made;
}

void add_copy_rows(std::vector<DriverRow>& rows) {
  for (const CopyDirection direction :
       {CopyDirection::kHostToDevice, CopyDirection::kDeviceToHost}) {
    for (const bool pinned : {true, false}) {
      for (const std::int64_t bytes : {std::int64_t{4}, 4 * kKiB, 64 * kKiB}) {
        DriverRow copy = row(fmt::format("driver/copy/{}_{}/{}",
                                         direction == CopyDirection::kHostToDevice ? "h2d" : "d2h",
                                         pinned ? "pinned" : "pageable", format_bytes(bytes)),
                             DriverRowKind::kCopy);
        copy.bytes = bytes;
        copy.direction = direction;
        copy.pinned = pinned;
        rows.push_back(copy);
      }
    }
  }
}

}  // namespace

std::vector<DriverRow> driver_rows() {
  std::vector<DriverRow> rows;
  rows.push_back(row("driver/launch/sync", DriverRowKind::kLaunchSync));
  DriverRow rate = row("driver/launch/async_rate", DriverRowKind::kLaunchRate);
  rate.kernels = kLaunchRateKernels;
  rate.rate = true;
  rows.push_back(rate);
  DriverRow graph =
      row(fmt::format("driver/graph/{}_kernels", kGraphKernels), DriverRowKind::kGraphLaunch);
  graph.kernels = kGraphKernels;
  rows.push_back(graph);
  DriverRow one_by_one = row(fmt::format("driver/graph/{}_kernels_one_by_one", kGraphKernels),
                             DriverRowKind::kGraphOneByOne);
  one_by_one.kernels = kGraphKernels;
  rows.push_back(one_by_one);
  rows.push_back(row("driver/sync/stream_idle", DriverRowKind::kStreamSync));
  rows.push_back(row("driver/sync/event_idle", DriverRowKind::kEventSync));
  rows.push_back(row("driver/sync/device_idle", DriverRowKind::kDeviceSync));
  rows.push_back(row("driver/sync/event_record_query", DriverRowKind::kEventRecordQuery));
  add_copy_rows(rows);
  DriverRow fill = row("driver/memset/64KiB", DriverRowKind::kMemset);
  fill.bytes = 64 * kKiB;
  rows.push_back(fill);
  for (const std::int64_t bytes : {kMiB, kGiB}) {
    DriverRow malloc_free = row(fmt::format("driver/alloc/malloc_free/{}", format_bytes(bytes)),
                                DriverRowKind::kMallocFree);
    malloc_free.bytes = bytes;
    rows.push_back(malloc_free);
  }
  DriverRow pool = row("driver/alloc/pool_async/1MiB", DriverRowKind::kPoolMallocFree);
  pool.bytes = kMiB;
  rows.push_back(pool);
  rows.push_back(row("driver/module/load_cubin", DriverRowKind::kModuleCubin));
  rows.push_back(row("driver/module/load_ptx_jit", DriverRowKind::kModulePtx));
  rows.push_back(row("driver/cublas/create_handle", DriverRowKind::kCublasCreate));
  for (const DriverRowKind kind :
       {DriverRowKind::kCublasFirstGemm, DriverRowKind::kCublasSteadyGemm}) {
    DriverRow gemm = row(
        fmt::format("driver/cublas/{}_sgemm/{}",
                    kind == DriverRowKind::kCublasFirstGemm ? "first" : "steady", kCublasGemmSize),
        kind);
    gemm.gemm_size = kCublasGemmSize;
    rows.push_back(gemm);
  }
  return rows;
}

std::uint8_t pattern_byte(std::uint32_t seed, std::size_t i) {
  const std::uint32_t mixed = (seed * 2654435761u) ^ static_cast<std::uint32_t>(i * 40503u);
  return static_cast<std::uint8_t>((mixed ^ (mixed >> 8) ^ (mixed >> 16)) % 255u + 1u);
}

void fill_pattern(std::span<std::uint8_t> bytes, std::uint32_t seed) {
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = pattern_byte(seed, i);
}

std::optional<std::size_t> first_pattern_mismatch(std::span<const std::uint8_t> bytes,
                                                  std::uint32_t seed) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != pattern_byte(seed, i)) return i;
  }
  return std::nullopt;
}

float gemm_operand(int which, std::size_t i) {
  const std::size_t step = which == 0 ? 7 : 3;
  return static_cast<float>(static_cast<int>((i * step + static_cast<std::size_t>(which)) % 5) - 2);
}

std::vector<float> gemm_reference(int size) {
  const auto n = static_cast<std::size_t>(size);
  std::vector<float> c(n * n, 0.0f);
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t k = 0; k < n; ++k) {
      const float b = gemm_operand(1, k + j * n);
      for (std::size_t i = 0; i < n; ++i)
        c[i + j * n] += gemm_operand(0, i + k * n) * b;
    }
  }
  return c;
}

std::string module_load_label(std::string_view loading_mode) {
  return "cuModuleLoadData + cuModuleGetFunction; module loading " + std::string(loading_mode);
}

}  // namespace gpubench
