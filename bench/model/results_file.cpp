#include "model/results_file.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gpubench/errors.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

using json = nlohmann::json;

[[noreturn]] void reject(const std::filesystem::path& origin, std::string_view reason) {
  throw UserError(
      fmt::format("Cannot read results file {}: {}.", printable_path(origin.string()), reason));
}

// Fields google/benchmark writes for every run; any other number in a run is a user counter.
const std::set<std::string_view> kRunFields = {
    "name",
    "family_index",
    "per_family_instance_index",
    "run_name",
    "run_type",
    "repetitions",
    "repetition_index",
    "threads",
    "iterations",
    "real_time",
    "cpu_time",
    "time_unit",
    "aggregate_name",
    "aggregate_unit",
    "label",
    "error_occurred",
    "error_message",
    "skipped",
    "skip_message",
};

// Every text the loader hands on is free of control characters (see without_control_characters):
// names, labels and context values end up on terminals and in reports.
std::string string_field(const json& run, std::string_view key) {
  const auto it = run.find(key);
  return it != run.end() && it->is_string()
             ? without_control_characters(it->get_ref<const std::string&>())
             : std::string();
}

// A count written as 1e300 or -5.5 by a foreign tool is not a count: 0, as for an absent field
// (converting an out-of-range double to an integer would be undefined).
std::int64_t integer_field(const json& run, std::string_view key) {
  const auto it = run.find(key);
  if (it == run.end()) return 0;
  if (it->is_number_integer() && !it->is_number_unsigned()) return it->get<std::int64_t>();
  if (it->is_number_unsigned()) {
    const auto value = it->get<std::uint64_t>();
    return value <= static_cast<std::uint64_t>(INT64_MAX) ? static_cast<std::int64_t>(value) : 0;
  }
  if (it->is_number_float()) {
    const double value = it->get<double>();
    const bool whole = value == std::floor(value);
    return whole && std::fabs(value) < 9.0e18 ? static_cast<std::int64_t>(value) : 0;
  }
  return 0;
}

std::string quoted_name(std::string_view name) {
  return fmt::format("\"{}\"", escaped_excerpt(name, 80));
}

BenchmarkRecord parse_run(const json& run, std::size_t index, const std::filesystem::path& origin) {
  if (!run.is_object()) reject(origin, fmt::format("benchmarks[{}] is not an object", index));
  const auto name = run.find("name");
  if (name == run.end() || !name->is_string() || name->get<std::string>().empty()) {
    reject(origin, fmt::format("benchmarks[{}] has no name", index));
  }
  BenchmarkRecord record;
  record.name = without_control_characters(name->get_ref<const std::string&>());
  record.run_name = string_field(run, "run_name");
  if (record.run_name.empty()) record.run_name = record.name;
  record.run_type = string_field(run, "run_type");
  if (record.run_type.empty()) record.run_type = "iteration";
  record.aggregate_name = string_field(run, "aggregate_name");
  record.time_unit = string_field(run, "time_unit");
  record.label = string_field(run, "label");
  record.repetitions = integer_field(run, "repetitions");
  record.repetition_index = integer_field(run, "repetition_index");
  record.iterations = integer_field(run, "iterations");
  record.error_occurred = run.value("error_occurred", false) || run.value("skipped", false);
  record.error_message = string_field(run, "error_message");
  if (record.error_message.empty()) record.error_message = string_field(run, "skip_message");

  const auto real_time = run.find("real_time");
  const auto cpu_time = run.find("cpu_time");
  if (!record.error_occurred) {
    if (real_time == run.end() || !real_time->is_number() || cpu_time == run.end() ||
        !cpu_time->is_number()) {
      reject(origin,
             fmt::format("benchmark {} has no real_time/cpu_time", quoted_name(record.name)));
    }
    if (record.time_unit.empty()) {
      reject(origin, fmt::format("benchmark {} has no time_unit", quoted_name(record.name)));
    }
  }
  if (!record.time_unit.empty() && record.time_unit != "ns" && record.time_unit != "us" &&
      record.time_unit != "ms" && record.time_unit != "s") {
    reject(origin, fmt::format("benchmark {} has time_unit {}, not ns, us, ms or s",
                               quoted_name(record.name), quoted_name(record.time_unit)));
  }
  if (real_time != run.end() && real_time->is_number()) record.real_time = real_time->get<double>();
  if (cpu_time != run.end() && cpu_time->is_number()) record.cpu_time = cpu_time->get<double>();
  for (const auto& [key, value] : run.items()) {
    if (!kRunFields.contains(key) && value.is_number()) {
      record.counters[without_control_characters(key)] = value.get<double>();
    }
  }
  if (const auto reasons = run.find("reasons"); reasons != run.end()) {
    if (!reasons->is_array()) {
      reject(origin,
             fmt::format("benchmark \"{}\" has a \"reasons\" that is not a list", record.name));
    }
    record.reasons.emplace();
    for (const auto& reason : *reasons) {
      if (!reason.is_string()) {
        reject(origin, fmt::format("benchmark \"{}\" has a reason that is not text", record.name));
      }
      record.reasons->push_back(reason.get<std::string>());
    }
  }
  return record;
}

// google/benchmark writes non-finite doubles as bare NaN / Infinity / -Infinity values.
bool holds_non_finite_literal(std::string_view text) {
  for (const std::string_view literal : {"NaN", "Infinity"}) {
    for (auto at = text.find(literal); at != std::string_view::npos;
         at = text.find(literal, at + 1)) {
      auto before = at;
      while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '-' ||
                            text[before - 1] == '\t' || text[before - 1] == '\n')) {
        --before;
      }
      if (before > 0 &&
          (text[before - 1] == ':' || text[before - 1] == ',' || text[before - 1] == '[')) {
        return true;
      }
    }
  }
  return false;
}

std::string scalar_text(const json& value) {
  if (value.is_string()) return without_control_characters(value.get_ref<const std::string&>());
  return value.dump();
}

}  // namespace

std::string_view gpubench_version() {
  return GPUBENCH_VERSION;
}

std::size_t replace_non_finite_values(std::string& json_text) {
  std::string out;
  out.reserve(json_text.size());
  std::size_t replaced = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json_text.size(); ++i) {
    const char c = json_text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json_text.size()) {
        out += json_text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    bool matched = false;
    // Outside strings, JSON has no letters but true/false/null; these are all non-finite values.
    for (const std::string_view literal :
         {"-Infinity", "Infinity", "-NaN", "NaN", "-nan", "nan", "-inf", "inf"}) {
      if (json_text.compare(i, literal.size(), literal) == 0) {
        out += "null";
        i += literal.size() - 1;
        ++replaced;
        matched = true;
        break;
      }
    }
    if (!matched) out += c;
  }
  json_text = std::move(out);
  return replaced;
}

std::optional<std::string> ResultsFile::context_value(std::string_view key) const {
  const auto it = context.find(std::string(key));
  if (it == context.end()) return std::nullopt;
  return it->second;
}

ResultsFile parse_results(std::string_view json_text, const std::filesystem::path& origin) {
  json document;
  try {
    document = json::parse(json_text);
  } catch (const json::parse_error& error) {
    // The parser ran out of text (rather than meeting a wrong character): a cut-off file.
    const bool truncated =
        error.byte > json_text.size() ||
        std::string_view(error.what()).find("unexpected end of input") != std::string_view::npos;
    if (truncated) reject(origin, "the JSON ends early (truncated file?)");
    if (holds_non_finite_literal(json_text)) {
      reject(origin,
             "it holds NaN or Infinity, which google/benchmark writes for a non-finite counter "
             "but JSON cannot carry (rerun or fix the benchmark that produced it)");
    }
    reject(origin, fmt::format("it is not valid JSON ({})",
                               describe_json_error(error.what(), error.byte, json_text)));
  } catch (const json::exception& error) {
    // e.g. a number too large for a double (1e999).
    reject(origin, fmt::format("it holds a value JSON readers cannot represent ({})",
                               describe_json_error(error.what(), 0, json_text)));
  }
  if (!document.is_object() || !document.contains("context") || !document["context"].is_object() ||
      !document.contains("benchmarks") || !document["benchmarks"].is_array()) {
    reject(origin,
           "it is not a google/benchmark JSON file (expected an object with \"context\" and "
           "\"benchmarks\")");
  }

  ResultsFile results;
  results.path = origin;
  for (const auto& [key, value] : document["context"].items()) {
    if (value.is_primitive() && !value.is_null()) {
      results.context[without_control_characters(key)] = scalar_text(value);
    }
  }
  if (const auto version = results.context_value(kSchemaVersionKey)) {
    int parsed = 0;
    const auto [end, error] =
        std::from_chars(version->data(), version->data() + version->size(), parsed);
    if (error != std::errc{} || end != version->data() + version->size()) {
      reject(origin,
             fmt::format("{} {} is not a number", kSchemaVersionKey, quoted_name(*version)));
    }
    if (parsed != kResultsSchemaVersion) {
      reject(origin, fmt::format("it uses gpubench results schema {}, this gpubench reads schema "
                                 "{} (use a matching gpubench version)",
                                 parsed, kResultsSchemaVersion));
    }
    results.schema_version = parsed;
    for (const auto key : kManifestKeys) {
      if (!results.context.contains(std::string(key))) {
        reject(origin, fmt::format("its device manifest lacks \"{}\"", key));
      }
    }
  }
  std::size_t index = 0;
  try {
    for (const auto& run : document["benchmarks"]) {
      results.benchmarks.push_back(parse_run(run, index++, origin));
    }
  } catch (const json::exception& error) {
    reject(origin, fmt::format("benchmarks[{}] has a field of the wrong type ({})", index - 1,
                               describe_json_error(error.what(), 0, {})));
  }
  return results;
}

ResultsFile load_results_file(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    reject(path, "it is a directory (`history` reads directories of results files)");
  }
  // Far above any real run (the full suite writes well under 1 MiB): refuses /dev/zero and
  // mistaken multi-gigabyte files before they are read into memory.
  constexpr std::uintmax_t kMaxBytes = std::uintmax_t{256} << 20;
  if (const auto bytes = std::filesystem::file_size(path, error); !error && bytes > kMaxBytes) {
    reject(path, fmt::format("it is {} MiB, larger than any results file", bytes >> 20));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) reject(path, "it does not exist or cannot be opened");
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) reject(path, "it is empty");
  return parse_results(text.str(), path);
}

std::map<std::string, std::string> make_manifest(const DeviceInfo& device,
                                                 std::string_view gpu_spec_id) {
  std::map<std::string, std::string> manifest;
  manifest[std::string(kSchemaVersionKey)] = std::to_string(kResultsSchemaVersion);
  manifest["gpu_name"] = device.name;
  manifest["gpu_pci_device_id"] = device.nvml && device.nvml->pci_device_id
                                      ? fmt::format("{:#06x}", *device.nvml->pci_device_id)
                                      : "unknown";
  manifest["compute_capability"] = device.compute_capability.str();
  manifest["sm_count"] = std::to_string(device.sm_count);
  manifest["driver_version"] = device.driver_version.value_or("unknown");
  manifest["cuda_driver_version"] = format_cuda_version(device.cuda_driver_version);
  manifest["cuda_runtime_version"] = format_cuda_version(device.cuda_runtime_version);
  manifest["cublas_version"] = device.cublas_version;
  manifest["gpubench_version"] = std::string(gpubench_version());
  manifest["gpu_spec_id"] = std::string(gpu_spec_id);
  // Which GPU of its host a run measured, so that runs of many GPUs and hosts never collide
  // (google/benchmark records host_name itself). Not required when reading: older runs lack them.
  manifest["gpu_index"] = std::to_string(device.ordinal);
  if (!device.uuid.empty()) manifest["gpu_uuid"] = device.uuid;
  return manifest;
}

}  // namespace gpubench
