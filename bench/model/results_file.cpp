#include "model/results_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>

#include "gpubench/errors.hpp"
#include "model/results_reader.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

using json = nlohmann::json;
using detail::reject;

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

namespace {

// Why simdjson refused the text, in nlohmann/json's words where it refuses it too (they place the
// error by line and column); otherwise the text is valid JSON simdjson does not read.
[[noreturn]] void diagnose(std::string_view json_text, const std::filesystem::path& origin,
                           const detail::JsonRefused& refused) {
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
  reject(origin, fmt::format("it holds an integer beyond 64 bits or is nested deeper than 1,024 "
                             "levels, which gpubench does not read ({})",
                             escaped_excerpt(refused.message, 120)));
}

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// `padded` holds the text and detail::kJsonPadding more bytes.
ResultsFile parse_padded(const std::string& padded, std::size_t size,
                         const std::filesystem::path& origin, RecordsKept kept,
                         CounterFilter keep_counter) {
  const std::string_view json_text(padded.data(), size);
  // nlohmann/json skips a UTF-8 byte order mark, simdjson refuses it.
  const std::size_t skip = json_text.starts_with(kByteOrderMark) ? kByteOrderMark.size() : 0;
  try {
    return detail::read_results(padded.data() + skip, size - skip, origin, kept, keep_counter);
  } catch (const detail::JsonRefused& refused) {
    diagnose(json_text, origin, refused);
  }
}

}  // namespace

ResultsFile parse_results(std::string_view json_text, const std::filesystem::path& origin,
                          RecordsKept kept, CounterFilter keep_counter) {
  std::string padded;
  padded.reserve(json_text.size() + detail::kJsonPadding);
  padded.append(json_text);
  padded.resize(json_text.size() + detail::kJsonPadding, ' ');
  return parse_padded(padded, json_text.size(), origin, kept, keep_counter);
}

ResultsFile load_results_file(const std::filesystem::path& path, RecordsKept kept,
                              CounterFilter keep_counter) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    reject(path, "it is a directory (`history` reads directories of results files)");
  }
  // Far above any real run (the full suite writes under 3 MiB): refuses /dev/zero and mistaken
  // multi-gigabyte files before they are read into memory.
  constexpr std::uintmax_t kMaxBytes = std::uintmax_t{256} << 20;
  const auto bytes = std::filesystem::file_size(path, error);
  if (!error && bytes > kMaxBytes) {
    reject(path, fmt::format("it is {} MiB, larger than any results file", bytes >> 20));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) reject(path, "it does not exist or cannot be opened");
  // Read straight into the parser's padded buffer, one per thread and kept from file to file
  // (history and fleet read thousands): no copy, no multi-megabyte allocation per file.
  thread_local std::string padded;
  if (padded.capacity() > (std::size_t{64} << 20)) std::string().swap(padded);  // after a huge one
  padded.clear();
  std::size_t size = 0;
  for (std::size_t chunk = error ? std::size_t{1} << 16 : static_cast<std::size_t>(bytes) + 1;;
       chunk = std::max<std::size_t>(chunk, size)) {
    padded.resize(size + chunk + detail::kJsonPadding);
    in.read(padded.data() + size, static_cast<std::streamsize>(chunk));
    size += static_cast<std::size_t>(in.gcount());
    if (!in) break;
  }
  if (size == 0) reject(path, "it is empty");
  padded.resize(size + detail::kJsonPadding, ' ');
  return parse_padded(padded, size, path, kept, keep_counter);
}

std::map<std::string, std::string> make_manifest(const DeviceInfo& device,
                                                 std::string_view gpu_spec_id) {
  std::map<std::string, std::string> manifest;
  manifest[std::string(kSchemaVersionKey)] = std::to_string(kResultsSchemaVersion);
  manifest[std::string(context_keys::kGpuName)] = device.name;
  manifest[std::string(context_keys::kGpuPciDeviceId)] =
      device.nvml && device.nvml->pci_device_id
          ? fmt::format("{:#06x}", *device.nvml->pci_device_id)
          : "unknown";
  manifest[std::string(context_keys::kComputeCapability)] = device.compute_capability.str();
  manifest[std::string(context_keys::kSmCount)] = std::to_string(device.sm_count);
  manifest[std::string(context_keys::kDriverVersion)] = device.driver_version.value_or("unknown");
  manifest[std::string(context_keys::kCudaDriverVersion)] =
      format_cuda_version(device.cuda_driver_version);
  manifest[std::string(context_keys::kCudaRuntimeVersion)] =
      format_cuda_version(device.cuda_runtime_version);
  manifest[std::string(context_keys::kCublasVersion)] = device.cublas_version;
  manifest[std::string(context_keys::kGpubenchVersion)] = std::string(gpubench_version());
  manifest[std::string(context_keys::kGpuSpecId)] = std::string(gpu_spec_id);
  // Which GPU of its host a run measured, so that runs of many GPUs and hosts never collide
  // (google/benchmark records host_name itself). Not required when reading: older runs lack them.
  manifest[std::string(context_keys::kGpuIndex)] = std::to_string(device.ordinal);
  if (!device.uuid.empty()) manifest[std::string(context_keys::kGpuUuid)] = device.uuid;
  return manifest;
}

}  // namespace gpubench
