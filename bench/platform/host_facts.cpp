#include "platform/host_facts.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace gpubench {
namespace {

// At most 64 KiB of a small system file; empty when unreadable.
std::string head_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(64 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return text;
}

std::string lowered(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

bool cgroup_names_container(std::string_view cgroup) {
  constexpr std::array<std::string_view, 6> kRuntimes = {"docker", "containerd", "kubepods",
                                                         "libpod", "lxc",        "podman"};
  const std::string text = lowered(cgroup);
  return std::any_of(kRuntimes.begin(), kRuntimes.end(), [&text](std::string_view runtime) {
    return text.find(runtime) != std::string::npos;
  });
}

bool kernel_is_wsl(std::string_view proc_version) {
  const std::string text = lowered(proc_version);
  return text.find("microsoft") != std::string::npos || text.find("wsl") != std::string::npos;
}

HostFacts detect_host_facts(const std::string& root) {
  const std::filesystem::path base(root);
  std::error_code error;
  HostFacts facts;
  facts.container = std::filesystem::exists(base / ".dockerenv", error) ||
                    std::filesystem::exists(base / "run/.containerenv", error) ||
                    cgroup_names_container(head_of(base / "proc/1/cgroup"));
  // WSL 2 gives the GPU to Linux through /dev/dxg (NVIDIA's CUDA on WSL user guide).
  facts.wsl = std::filesystem::exists(base / "dev/dxg", error) ||
              kernel_is_wsl(head_of(base / "proc/version"));
  return facts;
}

}  // namespace gpubench
