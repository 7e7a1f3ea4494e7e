#pragma once
// Sizing rules of the memory suite, kept apart from the device code so the CPU tests check them:
// how large the STREAM arrays are, which working sets the L2 sweep and the latency chase visit,
// which transfer sizes run, and the random single-cycle order of the pointer chase.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/profile.hpp"

namespace gpubench {

inline constexpr std::int64_t kKiB = 1024;
inline constexpr std::int64_t kMiB = 1024 * kKiB;
inline constexpr std::int64_t kGiB = 1024 * kMiB;

struct StreamPlan {
  std::int64_t array_bytes = 0;  // each of the three arrays
  std::string warning;           // set when a requested size lets the cache flatter the figure
};

// Default: each array max(4 x L2, 512 MiB), so the three together are >= 12 x L2, capped so the
// three fit in 80% of free memory. `requested_array_bytes` (--bytes) overrides; it must be a
// positive multiple of 16 that fits. Throws UserError (exit 2) with one sentence otherwise, or when
// the device has too little free memory for arrays of 4 x L2.
StreamPlan plan_stream_arrays(std::int64_t l2_bytes, std::int64_t free_bytes,
                              std::optional<std::int64_t> requested_array_bytes);

// Powers of two from 256 KiB to the first one >= 4 x L2 (every profile.l2_sweep_step-th one; the
// last is always kept).
std::vector<std::int64_t> l2_sweep_sizes(std::int64_t l2_bytes, const Profile& profile);

// 16-byte loads per thread so one sweep launch moves at least `bytes_per_launch`.
int l2_sweep_loads_per_thread(std::int64_t threads, std::int64_t bytes_per_launch);

// Pointer-chase working sets: powers of two from 16 KiB to 1 GiB, those that fit in 80% of free
// memory; with profile.latency_cache_levels only 16 KiB (L1), 2 MiB (L2) and the first power of two
// >= 4 x L2 (DRAM).
std::vector<std::int64_t> latency_sizes(std::int64_t l2_bytes, std::int64_t free_bytes,
                                        const Profile& profile);

// Distance between chased slots: one 128-byte line each, so every load touches a new line.
inline constexpr std::int64_t kChaseStrideBytes = 128;
// Dependent loads timed per chase (>= 10^6).
inline constexpr std::uint64_t kChaseTimedSteps = std::uint64_t{1} << 20;
// Untimed loads first, to bring a working set that fits into its cache level.
std::uint64_t chase_warm_steps(std::uint64_t slots);

// A random order of slots 0..slots-1; following it (and wrapping) is the chase's one cycle.
std::vector<std::uint32_t> chase_order(std::uint32_t slots, std::uint64_t seed);

// Custom memory sizes (issue 24), in --gemm's syntax family (model/size_ranges.hpp): a comma list
// of sizes and ranges, each size in bytes or with KiB, MiB or GiB ("4KiB,64MiB",
// "256KiB:64MiB:x2"). Sorted; a repeat, a size of the wrong grain or more than 1,000 sizes without
// `allow_many` (--yes) is a UserError of one sentence. --transfer-sizes: the host<->device rows,
// multiples of 4 bytes (their check compares 32-bit words); --sweep-sizes: the L2 sweep's and the
// pointer chase's working sets, multiples of kChaseStrideBytes (one chased line each).
std::vector<std::int64_t> parse_transfer_sizes(std::string_view text, bool allow_many);
std::vector<std::int64_t> parse_sweep_sizes(std::string_view text, bool allow_many);
// The largest custom size: the chase's slot count must fit its 32-bit indices.
inline constexpr std::int64_t kMaxCustomMemoryBytes = 256 * kGiB;

// The working sets and transfer sizes a run visits: the profile's (l2_sweep_sizes,
// latency_sizes, profile.transfer_bytes), or the custom ones, which must fit in 80% of the
// device's free memory (a transfer's two device buffers, the largest working set): a UserError
// saying the sizes otherwise, before anything runs.
struct MemorySizes {
  std::vector<std::int64_t> l2_sweep, latency, transfer;
};
MemorySizes plan_memory_sizes(std::int64_t l2_bytes, std::int64_t free_bytes,
                              const Profile& profile,
                              const std::vector<std::int64_t>& custom_sweep_bytes,
                              const std::vector<std::int64_t>& custom_transfer_bytes);

// "256KiB", "48MiB", "1GiB": benchmark-name fragments.
std::string format_bytes(std::int64_t bytes);

// The memory suite's sized rows, named once for the suite and `run --dry-run`:
// "memory/l2_sweep/48MiB", "memory/latency/16KiB", "memory/h2d/pinned/64MiB".
inline constexpr std::array<std::string_view, 3> kTransferDirections = {"h2d", "d2h",
                                                                        "bidirectional"};
std::string l2_sweep_benchmark_name(std::int64_t working_set_bytes);
std::string latency_benchmark_name(std::int64_t working_set_bytes);
std::string transfer_benchmark_name(std::string_view direction, bool pinned, std::int64_t bytes);

}  // namespace gpubench
