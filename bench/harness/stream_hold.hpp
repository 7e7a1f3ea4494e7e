#pragma once
// The host side of kernels/probe/stream_hold.hpp: the mapped flags, one generation per hold, and
// the guard that releases a hold however the code that queued behind it leaves.

#include <cuda_runtime_api.h>

#include <memory>
#include <optional>
#include <string>

#include "kernels/probe/stream_hold.hpp"

namespace gpubench {

class StreamHold {
 public:
  // Longer than any host needs to queue one sample's launches (microseconds to milliseconds), and
  // shorter than the display watchdog that ends a long kernel on a desktop card.
  static constexpr unsigned long long kDefaultTimeoutNs = 1'000'000'000ull;

  // The flags in mapped pinned memory; nullopt, with `problem` saying why, where the device cannot
  // map host memory, or where a launch may wait for the one before it to finish, so that the
  // launches behind a hold would wait for its timeout: CUDA_LAUNCH_BLOCKING=1, or a tool attached
  // through CUDA_INJECTION64_PATH (Nsight Compute serialises launches; its figures are the tool's).
  static std::optional<StreamHold> open(std::string& problem,
                                        unsigned long long timeout_ns = kDefaultTimeoutNs);

  StreamHold(StreamHold&&) noexcept;
  StreamHold& operator=(StreamHold&&) noexcept;
  ~StreamHold();

  // Enqueues a hold on `stream`; the launches queued after it wait until release().
  void hold(cudaStream_t stream);
  // Releases the latest hold (again: nothing).
  void release();
  // Whether the latest hold ended by its timeout; read after the stream passed it.
  bool timed_out() const;
  unsigned long long timeout_ns() const { return timeout_ns_; }

 private:
  StreamHold(probe::StreamHoldFlags* host_flags, probe::StreamHoldFlags* device_flags,
             unsigned long long timeout_ns);
  probe::StreamHoldFlags* host_flags_ = nullptr;
  probe::StreamHoldFlags* device_flags_ = nullptr;
  unsigned long long timeout_ns_ = kDefaultTimeoutNs;
  unsigned int generation_ = 0;
};

// Holds `stream` (when `hold` is non-null) for as long as it lives, releasing it when destroyed if
// release() was not called: a launch that throws while the stream is held never leaves the hold
// spinning to its timeout.
class HeldStream {
 public:
  HeldStream(StreamHold* hold, cudaStream_t stream);
  ~HeldStream();
  HeldStream(const HeldStream&) = delete;
  HeldStream& operator=(const HeldStream&) = delete;
  void release();
  // Whether the hold ended by its timeout (false when nothing was held); read after the stream
  // passed it.
  bool timed_out() const { return hold_ != nullptr && hold_->timed_out(); }
  unsigned long long timeout_ns() const { return hold_ != nullptr ? hold_->timeout_ns() : 0; }

 private:
  StreamHold* hold_;
  bool released_ = false;
};

}  // namespace gpubench
