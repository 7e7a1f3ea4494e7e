#include "model/sample_log.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace gpubench {

namespace {
constexpr std::string_view kFormat = "gpubench-samples";
constexpr int kVersion = 1;
}  // namespace

void SampleLog::add(SampledRepetition repetition) {
  const std::lock_guard lock(mutex_);
  repetitions_.push_back(std::move(repetition));
}

std::size_t SampleLog::size() const {
  const std::lock_guard lock(mutex_);
  return repetitions_.size();
}

std::string SampleLog::to_json() const {
  const std::lock_guard lock(mutex_);
  nlohmann::ordered_json out;
  out["format"] = kFormat;
  out["version"] = kVersion;
  out["unit"] = "s";
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const SampledRepetition& r : repetitions_) {
    list.push_back({{"run_name", r.run_name},
                    {"repetition", r.repetition},
                    {"launches_per_sample", r.launches_per_sample},
                    {"seconds", r.seconds},
                    {"throttled", r.throttled}});
  }
  out["repetitions"] = std::move(list);
  return out.dump() + "\n";  // one line: a full run holds about a million samples
}

std::vector<SampledRepetition> parse_sample_log(std::string_view text) {
  const auto file = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!file.is_object() || file.value("format", "") != kFormat ||
      file.value("version", 0) != kVersion || !file.contains("repetitions")) {
    throw std::runtime_error("not a gpubench per-sample file (format gpubench-samples, version 1)");
  }
  std::vector<SampledRepetition> result;
  try {
    for (const auto& r : file.at("repetitions")) {
      result.push_back({r.at("run_name").get<std::string>(), r.at("repetition").get<int>(),
                        r.at("launches_per_sample").get<int>(),
                        r.at("seconds").get<std::vector<double>>(),
                        r.at("throttled").get<std::vector<std::size_t>>()});
    }
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(std::string("malformed gpubench per-sample file: ") + error.what());
  }
  return result;
}

}  // namespace gpubench
