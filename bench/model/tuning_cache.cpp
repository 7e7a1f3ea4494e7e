#include "model/tuning_cache.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace gpubench {
namespace {

// Bumped when the file's layout changes: an older file is then ignored, not misread.
constexpr int kTuningCacheFormat = 1;

bool set(const char* value) {
  return value != nullptr && *value != '\0';
}

}  // namespace

std::string tuning_cache_key(std::string_view device_uuid, std::string_view driver_version,
                             std::string_view candidates, long long m, long long n, long long k) {
  return fmt::format("{}|driver {}|{}|{}x{}x{}", device_uuid, driver_version, candidates, m, n, k);
}

TuningCache parse_tuning_cache(std::string_view text, std::string& problem) {
  TuningCache cache;
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    problem = "it is not a JSON object";
    return cache;
  }
  const auto format = document.find("format");
  if (format == document.end() || *format != kTuningCacheFormat) {
    problem = fmt::format("it is not format {}", kTuningCacheFormat);
    return cache;
  }
  const auto entries = document.find("entries");
  if (entries == document.end() || !entries->is_object()) {
    problem = "it has no \"entries\" object";
    return cache;
  }
  for (const auto& [key, entry] : entries->items()) {
    if (!entry.is_object()) continue;
    const auto choice = entry.find("choice");
    const auto tuning_s = entry.find("tuning_s");
    if (choice == entry.end() || !choice->is_string() || tuning_s == entry.end() ||
        !tuning_s->is_number() || !std::isfinite(tuning_s->get<double>()) ||
        tuning_s->get<double>() < 0) {
      continue;
    }
    cache.entries[key] = TunedChoice{choice->get<std::string>(), tuning_s->get<double>()};
  }
  return cache;
}

std::string serialize_tuning_cache(const TuningCache& cache) {
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& [key, entry] : cache.entries)
    entries[key] = {{"choice", entry.choice}, {"tuning_s", entry.tuning_s}};
  const nlohmann::json document = {{"format", kTuningCacheFormat}, {"entries", entries}};
  return document.dump(2) + "\n";
}

std::optional<std::filesystem::path> tuning_cache_dir(const char* gpubench_cache_dir,
                                                      const char* xdg_cache_home,
                                                      const char* home) {
  if (set(gpubench_cache_dir)) return std::filesystem::path(gpubench_cache_dir);
  if (set(xdg_cache_home) && std::filesystem::path(xdg_cache_home).is_absolute()) {
    return std::filesystem::path(xdg_cache_home) / "gpubench";
  }
  if (set(home)) return std::filesystem::path(home) / ".cache" / "gpubench";
  return std::nullopt;
}

}  // namespace gpubench
