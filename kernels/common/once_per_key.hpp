#pragma once
// Host-side work done once per key (a device and a kernel, a device and a shape) instead of on
// every launch: a benchmark's timed loop launches the same kernel thousands of times, and host
// work per launch (cudaFuncSetAttribute, cuTensorMapEncodeTiled) adds to what it times.
//
// Thread safe: the benchmarks run one at a time, but the library may be called from several host
// threads. The table is small and bounded: when it holds `capacity` keys, it starts over, so a
// program that walks many shapes keeps a few entries, not one per shape it ever saw. A value whose
// making throws is not stored (the next call tries again).

#include <cstddef>
#include <map>
#include <mutex>
#include <utility>

namespace gpubench::common {

template <typename Key, typename Value>
class OncePerKey {
 public:
  explicit OncePerKey(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  // The value stored for key, or make()'s, stored first. make runs under the lock: a second
  // caller with the same key waits for the first one's value instead of making its own.
  template <typename Make>
  Value get(const Key& key, Make&& make) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (const auto found = values_.find(key); found != values_.end()) return found->second;
    Value value = std::forward<Make>(make)();
    if (values_.size() >= capacity_) values_.clear();
    values_.emplace(key, value);
    return value;
  }

  std::size_t size() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return values_.size();
  }

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<Key, Value> values_;
};

}  // namespace gpubench::common
