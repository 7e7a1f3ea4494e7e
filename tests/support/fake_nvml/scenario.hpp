#pragma once
// The box the fake NVML answers for, read from a scenario file (GPUBENCH_FAKE_NVML_SCENARIO).
// One `key value...` line each; `#` starts a comment. Keys:
//   driver 535.86.10          what nvmlSystemGetDriverVersion says
//   entry_bytes 32            the process-list entry size _v3 writes (24, or 32 on R535.43-86)
//   device 0x27b8             the PCI device id (RTX 4070 0x2786, L4 0x27b8)
//   compute PID SM [GI]       a process with a compute context, its SM use in percent, its slice
//   graphics PID SM           a process with only a graphics context (Xorg, a compositor)
//   self PID SM [GI]          (PID `getpid`: the loading process) gpubench's own PID as NVML lists
//   it (a host PID in a container):
//                             listed once `context` was applied, as when its context is created
//   context                   gpubench created its CUDA context
//   display on|off|no_permission   nvmlDeviceGetDisplayActive's answer
//   mig on|off                nvmlDeviceGetMigMode's answer
//   gpu_busy PCT              nvmlDeviceGetUtilizationRates' gpu field
//   power_w W                 nvmlDeviceGetPowerUsage, in watts
//   ecc on|off                nvmlDeviceGetEccMode's answer; without it NOT_SUPPORTED (GeForce)
//   ecc_errors UV UA CV CA    nvmlDeviceGetTotalEccErrors' counts, uncorrected volatile and
//                             aggregate, corrected volatile and aggregate (with ECC on; else
//                             NOT_SUPPORTED, as "Requires ECC Mode to be enabled" says)
//   unsupported QUERY...      these answer NVML_ERROR_NOT_SUPPORTED: clocks, power, energy,
//                             temperature, utilization, processes, process_utilization, pcie,
//                             ecc
//   lost                      every query answers NVML_ERROR_GPU_IS_LOST from now on
// A line it does not understand aborts with a message: a mistyped scenario never passes quietly.

#include <nvml.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench::fake_nvml {

struct FakeProcess {
  std::uint32_t pid = 0;
  unsigned sm_pct = 0;
  unsigned long long used_bytes = 256ull << 20;
  std::uint32_t gpu_instance = 0xFFFFFFFFu;  // NVML's "no MIG instance"
};

struct Scenario {
  std::string driver = "580.95.05";
  std::size_t process_entry_bytes = 24;
  std::uint32_t pci_device_id = 0x278610deu;  // device 0x2786, vendor 0x10de
  std::vector<FakeProcess> compute;
  std::vector<FakeProcess> graphics;
  std::optional<FakeProcess> self;
  bool context = false;
  std::set<std::string, std::less<>> unsupported;
  int display_answer = NVML_SUCCESS;
  bool display_active = false;
  int mig_answer = NVML_SUCCESS;
  bool mig = false;
  unsigned gpu_busy_pct = 0;
  std::optional<bool> ecc;                         // empty: a board without ECC (NOT_SUPPORTED)
  std::array<unsigned long long, 4> ecc_errors{};  // in the order of the ecc_errors line
  unsigned power_mw = 60000;
  unsigned long long energy_mj = 0;
  unsigned long long clock_us = 1000000;
  bool lost = false;

  // The answers without a scenario file (tests/platform/nvml_library_test.cpp): ten compute
  // processes (more than NvmlLibrary's first guess), a display query refused, MIG mode lost.
  static Scenario fixed() {
    Scenario scenario;
    for (std::uint32_t i = 0; i < 10; ++i)
      scenario.compute.push_back({1000 + i, 0});
    scenario.display_answer = NVML_ERROR_NO_PERMISSION;
    scenario.mig_answer = NVML_ERROR_GPU_IS_LOST;
    return scenario;
  }

  static Scenario from_environment() {
    const char* path = std::getenv("GPUBENCH_FAKE_NVML_SCENARIO");
    if (path == nullptr || *path == '\0') return fixed();
    std::ifstream in(path);
    if (!in) fail("cannot read the scenario file", path);
    Scenario scenario;
    for (std::string line; std::getline(in, line);)
      scenario.apply(line);
    return scenario;
  }

  [[noreturn]] static void fail(const char* what, std::string_view line) {
    std::fprintf(stderr, "fake NVML: %s: %.*s\n", what, static_cast<int>(line.size()), line.data());
    std::abort();
  }

  static FakeProcess read_process(std::istringstream& words, std::string_view line) {
    FakeProcess process;
    std::string pid;
    if (!(words >> pid >> process.sm_pct)) fail("want PID SM [GI]", line);
    // "getpid": the loading process itself, as NVML lists it outside a container.
    process.pid = pid == "getpid" ? static_cast<std::uint32_t>(::getpid())
                                  : static_cast<std::uint32_t>(std::stoul(pid));
    if (!(words >> process.gpu_instance)) process.gpu_instance = 0xFFFFFFFFu;
    return process;
  }

  void apply(std::string_view text) {
    const std::string line(text.substr(0, text.find('#')));
    std::istringstream words(line);
    std::string key;
    if (!(words >> key)) return;
    std::string word;
    if (key == "driver") {
      words >> driver;
    } else if (key == "entry_bytes") {
      words >> process_entry_bytes;
      if (process_entry_bytes != 24 && process_entry_bytes != 32) fail("entry size", line);
    } else if (key == "device") {
      words >> std::hex >> pci_device_id;
      pci_device_id = (pci_device_id << 16) | 0x10deu;
    } else if (key == "compute") {
      compute.push_back(read_process(words, line));
    } else if (key == "graphics") {
      graphics.push_back(read_process(words, line));
    } else if (key == "self") {
      self = read_process(words, line);
    } else if (key == "context") {
      context = true;
    } else if (key == "display" && words >> word) {
      display_answer = word == "no_permission" ? NVML_ERROR_NO_PERMISSION : NVML_SUCCESS;
      display_active = word == "on";
    } else if (key == "mig" && words >> word) {
      mig = word == "on";
    } else if (key == "ecc" && words >> word) {
      if (word != "on" && word != "off") fail("want ecc on|off", line);
      ecc = word == "on";
    } else if (key == "ecc_errors") {
      for (unsigned long long& count : ecc_errors) {
        if (!(words >> count)) fail("want four ECC counts", line);
      }
    } else if (key == "gpu_busy") {
      words >> gpu_busy_pct;
    } else if (key == "power_w") {
      unsigned watts = 0;
      words >> watts;
      power_mw = watts * 1000;
    } else if (key == "unsupported") {
      while (words >> word)
        unsupported.insert(word);
    } else if (key == "lost") {
      lost = true;
    } else {
      fail("unknown scenario line", line);
    }
  }

  // What nvmlDeviceGetComputeRunningProcesses lists: gpubench appears once it has its context.
  std::vector<FakeProcess> compute_list() const {
    std::vector<FakeProcess> list = compute;
    if (self && context) list.push_back(*self);
    return list;
  }

  // What nvmlDeviceGetProcessUtilization reports: every process that used the SMs, graphics ones
  // included (its documentation: "utilization of GPU SM (3D/Compute)").
  std::vector<FakeProcess> active_processes() const {
    std::vector<FakeProcess> active;
    for (const FakeProcess& process : compute_list()) {
      if (process.sm_pct > 0) active.push_back(process);
    }
    for (const FakeProcess& process : graphics) {
      if (process.sm_pct > 0) active.push_back(process);
    }
    return active;
  }
};

}  // namespace gpubench::fake_nvml
