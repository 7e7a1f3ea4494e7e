#pragma once
// What kind of host gpubench runs on, as far as files the kernel and container runtimes leave
// show: a container (NVML then lists host PIDs) or WSL 2 (NVML is partial there). Used for the
// one-line platform scenario of `gpubench info` and the run's environment check.

#include <string>
#include <string_view>

namespace gpubench {

struct HostFacts {
  bool container = false;
  bool wsl = false;
};

// Reads /.dockerenv, /run/.containerenv, /proc/1/cgroup, /proc/version and /dev/dxg under `root`.
HostFacts detect_host_facts(const std::string& root = "/");

// /proc/1/cgroup naming a container runtime (docker, containerd, kubepods, libpod, lxc).
bool cgroup_names_container(std::string_view cgroup);
// /proc/version of a WSL kernel ("...-microsoft-standard-WSL2 ...").
bool kernel_is_wsl(std::string_view proc_version);

}  // namespace gpubench
