#pragma once
// Cold batches (issue 27): `--batch N` times N back-to-back launches per sample, with the L2
// flushed once, before the first. On one set of operands only the first launch of the batch
// finds a cold cache; the others find what it left. A benchmark that keeps N copies of its
// operands, one per launch of the batch, keeps every launch's operands cold by construction,
// whatever the cache's replacement policy: no launch reads or writes operands another launch of
// its sample touched, and the flush evicted what the previous sample left. (What the copies share
// may be warm after the first launch: a library's workspace, the kernel's code and constants.) That
// is gpu-benches' rotating buffers made exact: N copies rather than "more than L2" (which leaves a
// cache-policy-dependent share warm). The copies take N times the memory, so a shape too large for
// them is timed one launch per sample, as of record.
//
// Pure: the one timing loop (harness/timing.cpp) and the suites that keep copies ask these.

#include <cstdint>

namespace gpubench {

// Of the free device memory, the share N copies may take: the rest stays for the library's
// workspace, the check's buffers and other processes.
inline constexpr double kOperandCopiesMemoryShare = 0.5;

// How many copies of its operands (copy_bytes each, one already made) a benchmark keeps for
// batches of `launches_per_sample`: that many when the batch is cold (the L2 is flushed) and they
// fit in the share of `free_bytes` (measured after the first copy was made), else 1.
constexpr int operand_copies_for(int launches_per_sample, bool flush_l2, std::int64_t copy_bytes,
                                 std::int64_t free_bytes) {
  if (launches_per_sample <= 1 || !flush_l2 || copy_bytes <= 0 || free_bytes <= 0) return 1;
  const auto more_bytes = static_cast<double>(copy_bytes) * (launches_per_sample - 1);
  return more_bytes <= kOperandCopiesMemoryShare * static_cast<double>(free_bytes)
             ? launches_per_sample
             : 1;
}

// How many launches a sample times. `operand_copies`: what the benchmark keeps (0: it keeps one
// set and does not rotate, so a batch runs on it, the flush before the first launch only: its
// launches read what L2 cannot hold anyway, or their timing does not depend on it). A benchmark
// that rotates but could not keep a copy per launch of a cold batch is timed one launch per
// sample, as of record, never on copies another launch of its sample warmed.
constexpr int launches_per_sample_for(int requested, bool flush_l2, int operand_copies) {
  if (requested <= 1) return 1;
  if (operand_copies == 0 || !flush_l2) return requested;
  return operand_copies >= requested ? requested : 1;
}

// The copy that launch `launch` (0-based) of a sample runs on.
constexpr int operand_copy_of_launch(int launch, int operand_copies) {
  return operand_copies <= 1 ? 0 : launch % operand_copies;
}

}  // namespace gpubench
