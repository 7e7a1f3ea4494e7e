#pragma once
// The real H200 runs kept as fixtures (tests/fixtures/runs/h200-b376421/: quick1, quick2, full,
// contended), for every test that reads them.

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace gpubench::testing {

// The path of one run, by file name ("quick1.json").
inline std::filesystem::path h200_run(const std::string& file_name) {
  return std::filesystem::path(GPUBENCH_TEST_FIXTURES_DIR) / "runs" / "h200-b376421" / file_name;
}

// One run as JSON, by file name ("quick1.json").
inline nlohmann::json h200_run_json(const std::string& file_name) {
  std::ifstream in(h200_run(file_name));
  return nlohmann::json::parse(in);
}

}  // namespace gpubench::testing
