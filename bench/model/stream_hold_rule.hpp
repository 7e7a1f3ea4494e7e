#pragma once
// When the one timing loop holds the stream while a sample's launches are queued
// (harness/stream_hold.hpp). Pure, so the CPU tests pin it down.

namespace gpubench {

// Whether this sample is held: the benchmark allows it (TimingPolicy::hold_stream; never for
// launches that may wait for the stream themselves, such as copies from pageable memory), the run
// does (not --no-stream-hold), and the benchmark's launches have run at least once before (a
// warm-up, an earlier repetition or sample). CUDA loads a kernel on its first launch (lazy
// loading, the default since CUDA 12.2), and loading may wait for the work already queued on the
// device: behind a hold, that first launch would wait for the hold's timeout.
// How many launches of a sample are queued behind the hold; a batch's later launches are queued
// after the release, while the first ones run. The driver queues only so many launches behind a
// kernel that does not finish before the next launch call waits for room (nvbench warns of
// blocking more than a few dozen), and a cuBLAS GEMM may be two kernels.
inline constexpr int kMaxHeldLaunches = 8;

constexpr bool hold_this_sample(bool benchmark_allows, bool run_allows, bool launched_before) {
  return benchmark_allows && run_allows && launched_before;
}

// How many samples in a row may end with their hold timed out before the benchmark fails: one
// stall of the host (a busy desktop, swapping) costs a sample, not the row; a launch that always
// waits for the stream fails after this many timeouts.
inline constexpr int kHoldTimeoutTries = 3;

// Whether a sample whose hold timed out is taken again, after `timeouts_in_a_row` of them.
constexpr bool retake_after_hold_timeout(int timeouts_in_a_row) {
  return timeouts_in_a_row < kHoldTimeoutTries;
}

}  // namespace gpubench
