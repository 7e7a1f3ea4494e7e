#pragma once
// The one integer hash every kernel family seeds its operands from (a murmur-style finalizer), so
// the CPU references regenerate the same inputs the device used.

#include <cstdint>

#include "kernels/common/host_device.hpp"

namespace gpubench::common {

GPUBENCH_HD constexpr std::uint32_t mix(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

}  // namespace gpubench::common
