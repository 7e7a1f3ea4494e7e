#pragma once
// Holds a stream on the GPU until the host releases it, so that every launch a sample times is
// queued before its start event runs. Without it the GPU, idle after the previous sample, runs the
// start event as soon as it arrives, and the event interval also holds the host's time to submit
// the launches that follow (microseconds: a large share of a short launch). nvbench (its blocking
// kernel) and nvbandwidth (its spin kernel) hold the stream the same way.
//
// The kernel spins on a flag in host-mapped pinned memory. Each hold has a generation number: the
// host releases hold g by writing g, so a late kernel from an earlier hold can never be released
// or held by a later one. A hold ends by itself after timeout_ns and records its generation as
// timed out: the host's time to queue the launches was not excluded, or a launch waited for the
// held stream (a synchronising call, a module that CUDA loaded lazily), which would otherwise
// deadlock.

#include <cuda_runtime_api.h>

namespace gpubench::probe {

// Written by the host (release_generation) and by the kernel (timed_out_generation); lives in
// mapped pinned memory, read through the pointer cudaHostGetDevicePointer gives.
struct StreamHoldFlags {
  unsigned int release_generation;
  unsigned int timed_out_generation;
};

// Enqueues a one-thread kernel that returns once flags->release_generation reaches `generation`,
// or after timeout_ns of %globaltimer time, having set timed_out_generation to `generation`.
void launch_stream_hold(StreamHoldFlags* device_flags, unsigned int generation,
                        unsigned long long timeout_ns, cudaStream_t stream);

// Loads the hold's kernel now (cudaFuncGetAttributes), so that its first launch, behind which
// nothing may wait, does not load it lazily; returns what CUDA answered.
cudaError_t preload_stream_hold();

}  // namespace gpubench::probe
