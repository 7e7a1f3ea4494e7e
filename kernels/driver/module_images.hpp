#pragma once
// The module-load rows' images: gpubench_module_sentinel (module_sentinel.cu) as one cubin per
// architecture gpubench is built for, and as PTX for the oldest (any newer GPU can JIT it), both
// made by nvcc at build time and embedded as data. Choosing an image and making PTX the driver has
// never seen are pure, so the CPU tests check them.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace gpubench::driver {

inline constexpr const char* kSentinelKernelName = "gpubench_module_sentinel";

struct CubinImage {
  std::string_view arch;  // as built: "89", "90a"
  std::span<const unsigned char> bytes;
};

// Embedded at build time (generated module_images_data.cpp).
std::span<const CubinImage> embedded_cubins();
std::string_view embedded_ptx();  // NUL-terminated in storage; the view excludes the NUL

// The cubin that runs on sm (89 for sm_89): the exact architecture, an arch-specific variant
// ("90a") of it next; nullptr when none was built for it (cubins do not run across majors, and
// only within a major upwards, which the suite does not rely on).
const CubinImage* cubin_for(std::span<const CubinImage> cubins, int sm);

// The PTX with gpubench_jit_nonce initialised to `nonce`, so that the driver's JIT cache (in
// memory and on disk) has never seen this text. Throws std::invalid_argument when the PTX lacks the
// declaration (module_sentinel.cu was changed without this).
std::string ptx_with_nonce(std::string_view ptx, std::uint32_t nonce);

// The value the sentinel kernel of a module made with `nonce` writes (a cubin's nonce is 0).
inline std::uint32_t sentinel_value(std::uint32_t nonce) {
  return nonce + 1u;
}

}  // namespace gpubench::driver
