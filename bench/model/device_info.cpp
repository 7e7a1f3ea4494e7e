#include "model/device_info.hpp"

#include <fmt/format.h>

namespace gpubench {

double DeviceInfo::memory_bandwidth_gbs_from_attributes() const {
  // The runtime reports the memory clock at half the data rate (DDR), for GDDR and HBM alike.
  return 2.0 * memory_clock_mhz * 1e6 * (memory_bus_bits / 8.0) / 1e9;
}

std::string DeviceInfo::trimmed_name() const {
  const auto first = name.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = name.find_last_not_of(" \t");
  return name.substr(first, last - first + 1);
}

std::string format_gpu_uuid(std::string_view bytes) {
  std::string out = "GPU-";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += fmt::format("{:02x}", static_cast<unsigned>(static_cast<unsigned char>(bytes[i])));
  }
  return out;
}

std::string format_cuda_version(int version) {
  if (version <= 0) return "none";
  return fmt::format("{}.{}", version / 1000, (version % 1000) / 10);
}

}  // namespace gpubench
