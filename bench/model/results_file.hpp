#pragma once
// gpubench results are google/benchmark JSON files (what --benchmark_out_format=json writes), so
// existing tools read them; gpubench adds its device manifest to "context". This is the one loader
// every consumer (report, compare, history, fleet) uses. It parses with simdjson (a full-profile
// run is ~2.8 MB and `fleet` reads a thousand of them); nlohmann/json only words the message about
// a file simdjson refuses. The keys and the schema version are the contract in
// gpubench/results_schema.hpp.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/results_schema.hpp"
#include "model/counter_map.hpp"
#include "model/device_info.hpp"

namespace gpubench {

struct BenchmarkRecord {
  std::string name;
  std::string run_name;
  std::string run_type;        // "iteration" or "aggregate"
  std::string aggregate_name;  // "median", "stddev", ... for aggregates
  std::string time_unit;       // "ns", "us", "ms", "s"
  std::string label;
  std::int64_t repetitions = 0;
  std::int64_t repetition_index = 0;
  std::int64_t iterations = 0;
  double real_time = 0;
  double cpu_time = 0;
  bool error_occurred = false;
  std::string error_message;
  CounterMap counters;  // every other numeric field: the user counters
  // Why the figure falls short of its peak (analysis/reasons.hpp), as `gpubench run` recorded
  // it; empty optional for files written before reasons were recorded.
  std::optional<std::vector<std::string>> reasons;
};

struct ResultsFile {
  std::filesystem::path path;
  std::map<std::string, std::string> context;  // scalar context entries, as text
  std::optional<int> schema_version;           // set for gpubench runs, empty for plain files
  std::vector<BenchmarkRecord> benchmarks;

  bool is_gpubench_run() const { return schema_version.has_value(); }
  std::optional<std::string> context_value(std::string_view key) const;
};

// What a caller keeps of a file's records. Every record is read and checked either way: a file one
// refuses, the other refuses with the same message.
enum class RecordsKept {
  kAll,
  // What extract_samples (history, fleet) uses, about half of a run with repetitions: every
  // iteration and failed record, and an aggregate only when it is the first record of its run or a
  // median/mean of a run with no iteration record before it.
  kSamples,
};

// Which user counters of a kept record a caller keeps (every one when null): fleet, reading a
// thousand full runs, keeps the few its figures use rather than copying ~25 names per record.
// Called with the counter's name as the file spells it and its value.
using CounterFilter = bool (*)(std::string_view name, double value);

// Throws UserError (exit 2) naming the file and the reason: unreadable, malformed or truncated
// JSON, not a google/benchmark shape, an unknown gpubench schema version, a missing manifest key,
// or a run without times or with a time unit other than ns/us/ms/s. The message quotes the file
// only as a short escaped excerpt; every text kept from it has its control characters escaped.
// Duplicate keys: the last one counts. Refused although valid JSON: integers beyond 64 bits and
// nesting deeper than 1,024 levels (google/benchmark writes neither). Fuzzed
// (fuzz/fuzz_results_file.cpp).
ResultsFile load_results_file(const std::filesystem::path& path,
                              RecordsKept kept = RecordsKept::kAll,
                              CounterFilter keep_counter = nullptr);
ResultsFile parse_results(std::string_view json_text, const std::filesystem::path& origin,
                          RecordsKept kept = RecordsKept::kAll,
                          CounterFilter keep_counter = nullptr);

// google/benchmark writes a non-finite double (the coefficient of variation of an all-zero counter,
// for one) as a bare NaN / Infinity, which is not JSON. Replaces each such value outside strings
// with null, so the file stays readable by every JSON reader; returns how many it replaced.
std::size_t replace_non_finite_values(std::string& json_text);

// The manifest for a run on this device, keyed by kManifestKeys (plus the schema version).
std::map<std::string, std::string> make_manifest(const DeviceInfo& device,
                                                 std::string_view gpu_spec_id);

std::string_view gpubench_version();

}  // namespace gpubench
