#include "harness/stream_hold.hpp"

#include <atomic>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "kernels/common/cuda_check.hpp"

namespace gpubench {
namespace {

// The flags are shared with the GPU over the bus: plain loads and stores the compiler may not
// reorder or drop, and a fence so that the release is not held back behind later host work.
void store_shared(unsigned int* where, unsigned int value) {
  std::atomic_ref<unsigned int>(*where).store(value, std::memory_order_seq_cst);
}
unsigned int load_shared(unsigned int* where) {
  return std::atomic_ref<unsigned int>(*where).load(std::memory_order_seq_cst);
}

}  // namespace

std::optional<StreamHold> StreamHold::open(std::string& problem, unsigned long long timeout_ns) {
  // CUDA documents 0 and 1; any other value set is read as a wish to block, so not held either.
  if (const char* blocking = std::getenv("CUDA_LAUNCH_BLOCKING");
      blocking != nullptr && *blocking != '\0' && std::string_view(blocking) != "0") {
    problem = std::string("CUDA_LAUNCH_BLOCKING=") + blocking +
              " makes each launch wait for the one before it";
    return std::nullopt;
  }
  if (const char* tool = std::getenv("CUDA_INJECTION64_PATH"); tool != nullptr && *tool != '\0') {
    problem = std::string("a tool is attached (CUDA_INJECTION64_PATH=") + tool +
              "), which may make each launch wait for the one before it";
    return std::nullopt;
  }
  int device = 0;
  int can_map = 0;
  GPUBENCH_CUDA_CHECK(cudaGetDevice(&device));
  GPUBENCH_CUDA_CHECK(cudaDeviceGetAttribute(&can_map, cudaDevAttrCanMapHostMemory, device));
  if (!can_map) {
    problem = "the device cannot map host memory";
    return std::nullopt;
  }
  void* host = nullptr;
  if (const cudaError_t status = cudaHostAlloc(&host, sizeof(probe::StreamHoldFlags),
                                               cudaHostAllocMapped | cudaHostAllocPortable);
      status != cudaSuccess) {
    cudaGetLastError();  // not sticky: clear it, so the next check does not report it
    problem = std::string("mapped pinned memory was refused: ") + cudaGetErrorString(status);
    return std::nullopt;
  }
  void* device_pointer = nullptr;
  if (const cudaError_t status = cudaHostGetDevicePointer(&device_pointer, host, 0);
      status != cudaSuccess) {
    cudaGetLastError();
    cudaFreeHost(host);
    problem =
        std::string("mapped pinned memory has no device address: ") + cudaGetErrorString(status);
    return std::nullopt;
  }
  if (const cudaError_t status = probe::preload_stream_hold(); status != cudaSuccess) {
    cudaGetLastError();
    cudaFreeHost(host);
    problem = std::string("its kernel could not be loaded: ") + cudaGetErrorString(status);
    return std::nullopt;
  }
  auto* flags = static_cast<probe::StreamHoldFlags*>(host);
  flags->release_generation = 0;
  flags->timed_out_generation = 0;
  return StreamHold(flags, static_cast<probe::StreamHoldFlags*>(device_pointer), timeout_ns);
}

StreamHold::StreamHold(probe::StreamHoldFlags* host_flags, probe::StreamHoldFlags* device_flags,
                       unsigned long long timeout_ns)
    : host_flags_(host_flags), device_flags_(device_flags), timeout_ns_(timeout_ns) {}

StreamHold::StreamHold(StreamHold&& other) noexcept
    : host_flags_(std::exchange(other.host_flags_, nullptr)),
      device_flags_(std::exchange(other.device_flags_, nullptr)),
      timeout_ns_(other.timeout_ns_),
      generation_(other.generation_) {}

StreamHold& StreamHold::operator=(StreamHold&& other) noexcept {
  std::swap(host_flags_, other.host_flags_);
  std::swap(device_flags_, other.device_flags_);
  std::swap(timeout_ns_, other.timeout_ns_);
  std::swap(generation_, other.generation_);
  return *this;
}

StreamHold::~StreamHold() {
  if (host_flags_ == nullptr) return;
  // A hold still queued must not spin on freed memory: release it and wait for the device
  // (errors ignored: the context may be gone at exit).
  release();
  cudaDeviceSynchronize();
  cudaFreeHost(host_flags_);
}

void StreamHold::hold(cudaStream_t stream) {
  ++generation_;
  probe::launch_stream_hold(device_flags_, generation_, timeout_ns_, stream);
}

void StreamHold::release() {
  store_shared(&host_flags_->release_generation, generation_);
}

bool StreamHold::timed_out() const {
  return generation_ != 0 && load_shared(&host_flags_->timed_out_generation) == generation_;
}

HeldStream::HeldStream(StreamHold* hold, cudaStream_t stream) : hold_(hold) {
  if (hold_ != nullptr) hold_->hold(stream);
}

HeldStream::~HeldStream() {
  release();
}

void HeldStream::release() {
  if (hold_ != nullptr && !released_) hold_->release();
  released_ = true;
}

}  // namespace gpubench
