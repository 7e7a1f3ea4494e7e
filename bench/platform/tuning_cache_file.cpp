#include "platform/tuning_cache_file.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "platform/atomic_file.hpp"

namespace gpubench {

std::optional<std::filesystem::path> tuning_cache_path() {
  const auto dir = tuning_cache_dir(std::getenv("GPUBENCH_CACHE_DIR"),
                                    std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
  if (!dir) return std::nullopt;
  return *dir / kTuningCacheFileName;
}

TuningCache load_tuning_cache(const std::filesystem::path& path, std::string& problem) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return {};
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    problem = fmt::format("the tuning cache {} cannot be read; tuning again", path.string());
    return {};
  }
  std::string why;
  TuningCache cache = parse_tuning_cache(text.str(), why);
  if (!why.empty()) {
    problem = fmt::format("the tuning cache {} is not usable ({}); tuning again and rewriting it",
                          path.string(), why);
  }
  return cache;
}

std::string remember_tuning(const std::filesystem::path& path, const std::string& key,
                            const TunedChoice& choice) {
  std::string ignored;  // a corrupt file is replaced by what this run knows
  TuningCache cache = load_tuning_cache(path, ignored);
  cache.entries[key] = choice;
  try {
    std::filesystem::create_directories(path.parent_path());
    write_file_atomically(path, serialize_tuning_cache(cache));
  } catch (const std::exception& error) {
    return fmt::format("the tuning cache {} could not be written ({}); the next run tunes again",
                       path.string(), error.what());
  }
  return "";
}

}  // namespace gpubench
