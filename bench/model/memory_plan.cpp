#include "model/memory_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>

#include "gpubench/errors.hpp"
#include "model/size_ranges.hpp"

namespace gpubench {
namespace {

std::int64_t usable(std::int64_t free_bytes) {
  return free_bytes / 10 * 8;
}

std::int64_t next_power_of_two(std::int64_t value) {
  std::int64_t power = 1;
  while (power < value)
    power *= 2;
  return power;
}

}  // namespace

StreamPlan plan_stream_arrays(std::int64_t l2_bytes, std::int64_t free_bytes,
                              std::optional<std::int64_t> requested_array_bytes) {
  StreamPlan plan;
  const std::int64_t cache_safe = 4 * l2_bytes;
  if (requested_array_bytes) {
    const std::int64_t bytes = *requested_array_bytes;
    if (bytes <= 0 || bytes % 16 != 0) {
      throw UserError(fmt::format(
          "--bytes {} is not a positive multiple of 16; give each array's size in bytes, e.g. "
          "--bytes 536870912.",
          bytes));
    }
    // Divided, not multiplied: 3 x a huge --bytes overflows (found by fuzz/fuzz_cli_text).
    if (bytes > usable(free_bytes) / 3) {
      throw UserError(fmt::format(
          "--bytes {} needs 3 arrays = {} but the device has {} free (80% usable); choose a "
          "smaller --bytes.",
          format_bytes(bytes),
          bytes <= INT64_MAX / 3 ? format_bytes(3 * bytes) : std::string("over 8 EiB"),
          format_bytes(free_bytes)));
    }
    plan.array_bytes = bytes;
    if (bytes < cache_safe) {
      plan.warning = fmt::format(
          "arrays of {} are smaller than 4 x L2 ({}): the L2 cache will flatter the DRAM figures",
          format_bytes(bytes), format_bytes(cache_safe));
    }
    return plan;
  }
  const std::int64_t cap = usable(free_bytes) / 3 / kMiB * kMiB;
  if (cap < cache_safe) {
    throw UserError(fmt::format(
        "The device has {} free, too little for three arrays of 4 x L2 ({} each); free GPU "
        "memory or pass a smaller --bytes (the cache will then flatter the figure).",
        format_bytes(free_bytes), format_bytes(cache_safe)));
  }
  plan.array_bytes = std::min(std::max(cache_safe, 512 * kMiB), cap) / 16 * 16;
  return plan;
}

std::vector<std::int64_t> l2_sweep_sizes(std::int64_t l2_bytes, const Profile& profile) {
  std::vector<std::int64_t> sizes;
  const std::int64_t last = next_power_of_two(4 * l2_bytes);
  int index = 0;
  for (std::int64_t size = 256 * kKiB; size <= last; size *= 2, ++index) {
    if (index % profile.l2_sweep_step == 0 || size == last) sizes.push_back(size);
  }
  return sizes;
}

int l2_sweep_loads_per_thread(std::int64_t threads, std::int64_t bytes_per_launch) {
  const std::int64_t loads = (bytes_per_launch + threads * 16 - 1) / (threads * 16);
  return static_cast<int>(std::max<std::int64_t>(loads, 1));
}

std::vector<std::int64_t> latency_sizes(std::int64_t l2_bytes, std::int64_t free_bytes,
                                        const Profile& profile) {
  std::vector<std::int64_t> sizes;
  if (profile.latency_cache_levels) {
    sizes = {16 * kKiB, 2 * kMiB, next_power_of_two(4 * l2_bytes)};
  } else {
    for (std::int64_t size = 16 * kKiB; size <= kGiB; size *= 2)
      sizes.push_back(size);
  }
  std::erase_if(sizes, [&](std::int64_t size) { return size > usable(free_bytes); });
  return sizes;
}

std::uint64_t chase_warm_steps(std::uint64_t slots) {
  return std::min<std::uint64_t>(slots, std::uint64_t{1} << 16);
}

std::vector<std::uint32_t> chase_order(std::uint32_t slots, std::uint64_t seed) {
  std::vector<std::uint32_t> order(slots);
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 generator(seed);
  std::shuffle(order.begin(), order.end(), generator);
  return order;
}

namespace {

constexpr std::size_t kMaxSizesUnconfirmed = 1'000;

std::vector<std::int64_t> parse_memory_sizes(std::string_view text, std::string_view option,
                                             std::int64_t grain, std::string_view why,
                                             bool allow_many) {
  const SizeSyntax syntax{.noun = "memory sizes",
                          .max_value = kMaxCustomMemoryBytes,
                          .max_reason = "the largest size gpubench takes,",
                          .range_example = "256KiB:64MiB:x2",
                          .byte_units = true};
  if (trim_spaces(text).empty()) {
    throw UserError(fmt::format("{} is empty; give e.g. 4KiB,64MiB or 256KiB:64MiB:x2.", option));
  }
  std::vector<std::int64_t> sizes;
  for (const std::string_view item : split_trimmed(text, ',')) {
    for (const std::int64_t size :
         parse_size_range(item, std::string(option), syntax, kMaxSizesUnconfirmed * 100)) {
      if (size % grain != 0) {
        throw UserError(fmt::format("{} {} is not a multiple of {} bytes ({}).", option,
                                    format_bytes(size), grain, why));
      }
      sizes.push_back(size);
    }
    if (sizes.size() > kMaxSizesUnconfirmed && !allow_many) {
      throw UserError(fmt::format("{} gives {} sizes, more than {}; add --yes to run them all.",
                                  option, sizes.size(), kMaxSizesUnconfirmed));
    }
  }
  std::sort(sizes.begin(), sizes.end());
  if (const auto repeat = std::adjacent_find(sizes.begin(), sizes.end()); repeat != sizes.end()) {
    throw UserError(
        fmt::format("{} gives {} twice; give each size once.", option, format_bytes(*repeat)));
  }
  return sizes;
}

}  // namespace

std::vector<std::int64_t> parse_transfer_sizes(std::string_view text, bool allow_many) {
  return parse_memory_sizes(text, "--transfer-sizes", 4, "the check compares 32-bit words",
                            allow_many);
}

std::vector<std::int64_t> parse_sweep_sizes(std::string_view text, bool allow_many) {
  return parse_memory_sizes(text, "--sweep-sizes", kChaseStrideBytes,
                            "the pointer chase visits one 128-byte line per step", allow_many);
}

MemorySizes plan_memory_sizes(std::int64_t l2_bytes, std::int64_t free_bytes,
                              const Profile& profile,
                              const std::vector<std::int64_t>& custom_sweep_bytes,
                              const std::vector<std::int64_t>& custom_transfer_bytes) {
  MemorySizes sizes;
  if (custom_sweep_bytes.empty()) {
    sizes.l2_sweep = l2_sweep_sizes(l2_bytes, profile);
    sizes.latency = latency_sizes(l2_bytes, free_bytes, profile);
  } else {
    const std::int64_t largest = custom_sweep_bytes.back();  // sorted by parse_sweep_sizes
    if (largest > usable(free_bytes)) {
      throw UserError(fmt::format(
          "--sweep-sizes {} does not fit: the device has {} free (80% usable); give smaller "
          "working sets.",
          format_bytes(largest), format_bytes(free_bytes)));
    }
    sizes.l2_sweep = sizes.latency = custom_sweep_bytes;
  }
  if (custom_transfer_bytes.empty()) {
    sizes.transfer = profile.transfer_bytes;
  } else {
    const std::int64_t largest = custom_transfer_bytes.back();
    if (largest > usable(free_bytes) / 2) {
      throw UserError(fmt::format(
          "--transfer-sizes {} needs 2 device buffers = {} but the device has {} free (80% "
          "usable); give smaller sizes.",
          format_bytes(largest), format_bytes(2 * largest), format_bytes(free_bytes)));
    }
    sizes.transfer = custom_transfer_bytes;
  }
  return sizes;
}

std::string format_bytes(std::int64_t bytes) {
  if (bytes % kGiB == 0) return fmt::format("{}GiB", bytes / kGiB);
  if (bytes % kMiB == 0) return fmt::format("{}MiB", bytes / kMiB);
  if (bytes % kKiB == 0) return fmt::format("{}KiB", bytes / kKiB);
  return fmt::format("{}B", bytes);
}

std::string l2_sweep_benchmark_name(std::int64_t working_set_bytes) {
  return fmt::format("memory/l2_sweep/{}", format_bytes(working_set_bytes));
}

std::string latency_benchmark_name(std::int64_t working_set_bytes) {
  return fmt::format("memory/latency/{}", format_bytes(working_set_bytes));
}

std::string transfer_benchmark_name(std::string_view direction, bool pinned, std::int64_t bytes) {
  return fmt::format("memory/{}/{}/{}", direction, pinned ? "pinned" : "pageable",
                     format_bytes(bytes));
}

}  // namespace gpubench
