#include "harness/suites/suites.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "gpubench/errors.hpp"

namespace gpubench {

// Defined in <name>_suite.cpp beside this file.
void register_memory_suite(SuiteContext& context);
void register_compute_suite(SuiteContext& context);
void register_gemm_suite(SuiteContext& context);
void register_driver_suite(SuiteContext& context);

namespace {

constexpr Suite kSuites[] = {
    {"memory", "DRAM (STREAM set), L2 sweep, load latency, host<->device and device copies",
     register_memory_suite},
    {"compute", "peak of each execution unit (FMA pipes, mma.sync tensor cores) and latency",
     register_compute_suite},
    {"gemm", "cuBLAS/cuBLASLt per precision and gpubench's own GEMMs on square, LLM, ResNet shapes",
     register_gemm_suite},
    {"driver",
     "the software path a driver upgrade changes: launch, graph, sync, small copies, "
     "allocation, module load/JIT, cuBLAS first use",
     register_driver_suite},
};

std::string joined_names(std::string_view separator) {
  std::vector<std::string_view> names;
  for (const Suite& suite : kSuites)
    names.push_back(suite.name);
  return fmt::format("{}", fmt::join(names, separator));
}

}  // namespace

std::span<const Suite> all_suites() {
  return kSuites;
}

std::string all_suite_names() {
  return joined_names(",");
}

std::vector<const Suite*> parse_suite_list(const std::string& list) {
  std::vector<const Suite*> suites;
  std::stringstream stream(list);
  std::string name;
  while (std::getline(stream, name, ',')) {
    if (name.empty()) continue;
    const auto found = std::find_if(std::begin(kSuites), std::end(kSuites),
                                    [&](const Suite& suite) { return suite.name == name; });
    if (found == std::end(kSuites)) {
      throw UserError(
          fmt::format("Suite \"{}\" does not exist; available: {}.", name, joined_names(", ")));
    }
    suites.push_back(&*found);
  }
  if (suites.empty()) {
    throw UserError("--suite needs at least one suite name, e.g. --suite memory.");
  }
  return suites;
}

}  // namespace gpubench
