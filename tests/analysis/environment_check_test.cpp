// Each environment item decoded into a state and, where it would skew the figures, one warning.
// The NVML reports here are synthetic.
#include "analysis/environment_check.hpp"

#include <gtest/gtest.h>

namespace gpubench {
namespace {

// A card in the state gpubench wants: nothing to warn about.
NvmlDeviceReport clean() {
  NvmlDeviceReport nvml;
  nvml.compute_process_ids = std::vector<std::uint32_t>{4242};  // gpubench itself
  nvml.persistence_mode = true;
  nvml.sm_clock_mhz = 210;
  nvml.sm_clock_max_mhz = 2000;
  nvml.memory_clock_mhz = 405;
  nvml.memory_clock_max_mhz = 10000;
  nvml.clock_event_reasons = 0x1;  // idle
  nvml.power_limit_w = 100;
  nvml.power_default_limit_w = 100;
  nvml.ecc_enabled = false;
  nvml.pcie_generation = 1;  // trained down at idle: not a warning
  nvml.pcie_generation_max = 4;
  nvml.pcie_width = 16;
  nvml.pcie_width_max = 16;
  nvml.mig_enabled = false;
  nvml.display_active = false;
  return nvml;
}

const EnvironmentFinding& find(const std::vector<EnvironmentFinding>& findings,
                               std::string_view key) {
  for (const auto& finding : findings) {
    if (finding.key == key) return finding;
  }
  throw std::runtime_error("no finding " + std::string(key));
}

TEST(EnvironmentCheck, ACleanCardGivesStatesAndNoWarnings) {
  const auto findings = check_environment(clean(), 4242);
  for (const auto& finding : findings)
    EXPECT_TRUE(finding.warning.empty()) << finding.key << ": " << finding.warning;
  EXPECT_EQ(find(findings, "compute_processes").state, "none besides gpubench");
  EXPECT_EQ(find(findings, "persistence_mode").state, "on");
  EXPECT_EQ(find(findings, "clock_event_reasons").state, "GPU idle");
  EXPECT_EQ(find(findings, "power_limit").state, "100 W (default 100 W)");
  EXPECT_NE(find(findings, "clocks").state.find("SM 210 of 2000 MHz"), std::string::npos);
  EXPECT_NE(find(findings, "pcie_link").state.find("gen 1 of 4, x16 of x16"), std::string::npos);
}

TEST(EnvironmentCheck, EachProblemIsOneWarning) {
  struct Case {
    const char* key;
    void (*spoil)(NvmlDeviceReport&);
    const char* words;
  };
  const Case cases[] = {
      {"compute_processes",
       [](NvmlDeviceReport& n) {
         n.compute_process_ids = std::vector<std::uint32_t>{4242, 7, 8};
       },
       "2 other compute processes (pid 7, 8) share this GPU"},
      {"persistence_mode", [](NvmlDeviceReport& n) { n.persistence_mode = false; },
       "nvidia-smi -pm 1"},
      {"clock_event_reasons", [](NvmlDeviceReport& n) { n.clock_event_reasons = 0x1 | 0x40; },
       "held down before the run starts (hardware thermal slowdown)"},
      {"power_limit", [](NvmlDeviceReport& n) { n.power_limit_w = 70; },
       "70 W, below the default 100 W"},
      {"power_limit", [](NvmlDeviceReport& n) { n.power_limit_w = 120; }, "above the default"},
      {"pcie_link", [](NvmlDeviceReport& n) { n.pcie_width = 8; }, "x8 of the x16"},
      {"mig_mode", [](NvmlDeviceReport& n) { n.mig_enabled = true; }, "MIG mode is on"},
      {"display_active", [](NvmlDeviceReport& n) { n.display_active = true; }, "watchdog"},
  };
  for (const Case& c : cases) {
    NvmlDeviceReport nvml = clean();
    c.spoil(nvml);
    const auto findings = check_environment(nvml, 4242);
    int warnings = 0;
    for (const auto& finding : findings) {
      if (finding.warning.empty()) continue;
      ++warnings;
      EXPECT_EQ(finding.key, c.key);
      EXPECT_NE(finding.warning.find(c.words), std::string::npos) << finding.warning;
      EXPECT_EQ(finding.warning.find('\n'), std::string::npos);
      EXPECT_EQ(finding.warning.back(), '.') << "one sentence";
    }
    EXPECT_EQ(warnings, 1) << c.key;
  }
}

TEST(EnvironmentCheck, WhatTheDriverDoesNotReportIsSaidAndNotWarnedAbout) {
  const auto findings = check_environment(NvmlDeviceReport{}, 1);
  for (const auto& finding : findings) {
    EXPECT_TRUE(finding.warning.empty()) << finding.key;
    if (finding.key != "clocks" && finding.key != "platform") {
      EXPECT_EQ(finding.state, "not reported") << finding.key;
    }
  }
}

TEST(EnvironmentCheck, ThePlatformScenarioIsOneLine) {
  const NvmlDeviceReport card = clean();
  EXPECT_EQ(platform_finding(&card, {}).state, "bare metal");
  EXPECT_EQ(check_environment(clean(), 4242).front().key, "platform");
  NvmlDeviceReport desktop = clean();
  desktop.display_active = true;
  EXPECT_TRUE(platform_finding(&desktop, {}).state.starts_with("desktop with display ("));
  NvmlDeviceReport mig = clean();
  mig.mig_enabled = true;
  const std::string sliced = platform_finding(&mig, {.container = true}).state;
  EXPECT_TRUE(sliced.starts_with("container + MIG slice (")) << sliced;
  EXPECT_NE(sliced.find("no per-process or device utilization"), std::string::npos) << sliced;
  const std::string wsl = platform_finding(nullptr, {.wsl = true}).state;
  EXPECT_TRUE(wsl.starts_with("WSL 2 (")) << wsl;
  EXPECT_NE(wsl.find("no process list"), std::string::npos) << wsl;
  for (const std::string& line : {sliced, wsl})
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(EnvironmentCheck, ContextKeysArePrefixedEnv) {
  NvmlDeviceReport nvml = clean();
  nvml.persistence_mode = false;
  const auto context = environment_context(check_environment(nvml, 4242));
  EXPECT_EQ(context.at("env_persistence_mode"), "off");
  EXPECT_NE(context.at("env_warning_persistence_mode").find("Persistence mode is off"),
            std::string::npos);
  EXPECT_FALSE(context.contains("env_warning_mig_mode"));
  for (const auto& [key, value] : context)
    EXPECT_TRUE(key.starts_with("env_")) << key;
}

}  // namespace
}  // namespace gpubench
