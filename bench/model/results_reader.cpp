#include "model/results_reader.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gpubench/errors.hpp"
#include "gpubench/results_schema.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench::detail {
namespace {

namespace dom = simdjson::dom;
static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

// The fields google/benchmark writes for every run, as they are used; any other number in a run
// is a user counter.
enum class Field : std::uint8_t {
  kCounter,
  kIgnored,  // family_index, per_family_instance_index, threads, aggregate_unit
  kName,
  kRunName,
  kRunType,
  kAggregateName,
  kTimeUnit,
  kLabel,
  kErrorMessage,
  kSkipMessage,
  kRepetitions,
  kRepetitionIndex,
  kIterations,
  kRealTime,
  kCpuTime,
  kErrorOccurred,
  kSkipped,
  kReasons,
};
constexpr std::size_t kTextFields = 8;  // kName .. kSkipMessage
constexpr std::size_t text_index(Field field) {
  return static_cast<std::size_t>(field) - static_cast<std::size_t>(Field::kName);
}

// Called ~70 million times for a thousand full runs: dispatch on the length first.
Field field_of(std::string_view key) {
  const auto is = [&](std::string_view name, Field field) {
    return key == name ? field : Field::kCounter;
  };
  switch (key.size()) {
    case 4:
      return is("name", Field::kName);
    case 5:
      return is("label", Field::kLabel);
    case 7:
      if (key == "threads") return Field::kIgnored;
      if (key == "skipped") return Field::kSkipped;
      static_assert(kReasonsKey.size() == 7);
      return is(kReasonsKey, Field::kReasons);
    case 8:
      if (key == "run_name") return Field::kRunName;
      if (key == "run_type") return Field::kRunType;
      return is("cpu_time", Field::kCpuTime);
    case 9:
      if (key == "real_time") return Field::kRealTime;
      return is("time_unit", Field::kTimeUnit);
    case 10:
      return is("iterations", Field::kIterations);
    case 11:
      return is("repetitions", Field::kRepetitions);
    case 12:
      if (key == "family_index") return Field::kIgnored;
      return is("skip_message", Field::kSkipMessage);
    case 13:
      return is("error_message", Field::kErrorMessage);
    case 14:
      if (key == "aggregate_name") return Field::kAggregateName;
      if (key == "aggregate_unit") return Field::kIgnored;
      return is("error_occurred", Field::kErrorOccurred);
    case 16:
      return is("repetition_index", Field::kRepetitionIndex);
    case 25:
      return is("per_family_instance_index", Field::kIgnored);
    default:
      return Field::kCounter;
  }
}

// nlohmann/json's name for the type, as its type errors word it.
std::string_view type_name(dom::element value) {
  switch (value.type()) {
    case dom::element_type::ARRAY:
      return "array";
    case dom::element_type::OBJECT:
      return "object";
    case dom::element_type::STRING:
      return "string";
    case dom::element_type::BOOL:
      return "boolean";
    case dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "number";
  }
}

// A count written as 1e300 or -5.5 by a foreign tool is not a count: 0, as for an absent field
// (converting an out-of-range double to an integer would be undefined).
std::int64_t integer_of(dom::element value) {
  switch (value.type()) {
    case dom::element_type::INT64:
      return value.get_int64().value_unsafe();
    case dom::element_type::UINT64: {
      const std::uint64_t count = value.get_uint64().value_unsafe();
      return count <= static_cast<std::uint64_t>(INT64_MAX) ? static_cast<std::int64_t>(count) : 0;
    }
    case dom::element_type::DOUBLE: {
      const double count = value.get_double().value_unsafe();
      const bool whole = count == std::floor(count);
      return whole && std::fabs(count) < 9.0e18 ? static_cast<std::int64_t>(count) : 0;
    }
    default:
      return 0;
  }
}

// The container a checked element holds (its type tested before).
dom::array array_in(dom::element value) {
  dom::array array;
  if (value.get_array().get(array)) throw std::logic_error("results reader: not an array");
  return array;
}

dom::object object_in(dom::element value) {
  dom::object object;
  if (value.get_object().get(object)) throw std::logic_error("results reader: not an object");
  return object;
}

std::optional<double> number_of(dom::element value) {
  if (!value.is_number()) return std::nullopt;
  return value.get_double().value_unsafe();
}

// error_occurred / skipped, as nlohmann's value(key, false) read them: absent is false, a value
// of another type is an error.
struct Flag {
  bool value = false;
  std::string_view wrong_type;  // non-empty: the type it had instead of boolean
};

Flag flag_of(dom::element value) {
  if (value.is_bool()) return {value.get_bool().value_unsafe(), {}};
  return {false, type_name(value)};
}

// (key, value) of one JSON object's members in file order, the values not yet converted (most
// records fleet and history read are dropped, most counters fleet reads are filtered out).
using KeyedValues = std::vector<std::pair<std::string_view, dom::element>>;

// The map nlohmann/json's DOM and the loader used to build: the last of duplicate keys counts, and
// keys are escaped in sorted order, so of two keys that escape alike the one sorting last wins.
// `value_of` converts a value (nullopt: not kept); `keep` decides on each key's final value.
template <class Map, class ValueOf, class Keep>
void assign_in_key_order(KeyedValues& entries, Map& out, ValueOf value_of, Keep keep) {
  const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  // google/benchmark writes the counters sorted already.
  if (!std::is_sorted(entries.begin(), entries.end(), by_key)) {
    std::stable_sort(entries.begin(), entries.end(), by_key);
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& [raw_key, raw_value] = entries[i];
    if (i + 1 < entries.size() && entries[i + 1].first == raw_key) continue;
    auto value = value_of(raw_value);
    if (!value || !keep(raw_key, *value)) continue;
    out.insert_or_assign(without_control_characters(raw_key), std::move(*value));
  }
}

// One run's fields as the file holds them (views into the parser), the last of duplicate keys.
struct RunFields {
  std::array<std::string_view, kTextFields> text{};  // "" when absent or not a string
  std::int64_t repetitions = 0;
  std::int64_t repetition_index = 0;
  std::int64_t iterations = 0;
  std::optional<double> real_time;
  std::optional<double> cpu_time;
  Flag error_occurred;
  Flag skipped;
  std::optional<dom::element> reasons;
  KeyedValues counters;  // every other key

  std::string_view text_of(Field field) const { return text[text_index(field)]; }
  bool failed() const { return error_occurred.value || skipped.value; }
  // Ready for the next run, keeping the counters' storage.
  void reset() {
    KeyedValues storage = std::move(counters);
    storage.clear();
    *this = RunFields{};
    counters = std::move(storage);
  }
};

void read_field(RunFields& run, std::string_view key, dom::element value) {
  const Field field = field_of(key);
  switch (field) {
    case Field::kCounter:
      run.counters.emplace_back(key, value);
      return;
    case Field::kIgnored:
      return;
    case Field::kRepetitions:
      run.repetitions = integer_of(value);
      return;
    case Field::kRepetitionIndex:
      run.repetition_index = integer_of(value);
      return;
    case Field::kIterations:
      run.iterations = integer_of(value);
      return;
    case Field::kRealTime:
      run.real_time = number_of(value);
      return;
    case Field::kCpuTime:
      run.cpu_time = number_of(value);
      return;
    case Field::kErrorOccurred:
      run.error_occurred = flag_of(value);
      return;
    case Field::kSkipped:
      run.skipped = flag_of(value);
      return;
    case Field::kReasons:
      run.reasons = value;
      return;
    default:
      run.text[text_index(field)] =
          value.is_string() ? value.get_string().value_unsafe() : std::string_view();
  }
}

std::string quoted_name(std::string_view name) {
  return fmt::format("\"{}\"", escaped_excerpt(name, 80));
}

bool is_time_unit(std::string_view unit) {
  return unit == "ns" || unit == "us" || unit == "ms" || unit == "s";
}

// The loader's checks of one run, in the order they have always been made.
void check_run(const RunFields& run, std::size_t index, const std::filesystem::path& origin) {
  const std::string name = without_control_characters(run.text_of(Field::kName));
  if (name.empty()) reject(origin, fmt::format("benchmarks[{}] has no name", index));
  // Read as `error_occurred || skipped`: skipped is not looked at when error_occurred is true.
  for (const Flag* flag : {&run.error_occurred, &run.skipped}) {
    if (!flag->wrong_type.empty()) {
      reject(origin, fmt::format("benchmarks[{}] has a field of the wrong type (type must be "
                                 "boolean, but is {})",
                                 index, flag->wrong_type));
    }
    if (flag->value) break;
  }
  const bool failed = run.failed();
  const std::string time_unit = without_control_characters(run.text_of(Field::kTimeUnit));
  if (!failed) {
    if (!run.real_time || !run.cpu_time) {
      reject(origin, fmt::format("benchmark {} has no real_time/cpu_time", quoted_name(name)));
    }
    if (time_unit.empty()) {
      reject(origin, fmt::format("benchmark {} has no time_unit", quoted_name(name)));
    }
  }
  if (!time_unit.empty() && !is_time_unit(time_unit)) {
    reject(origin, fmt::format("benchmark {} has time_unit {}, not ns, us, ms or s",
                               quoted_name(name), quoted_name(time_unit)));
  }
  if (!run.reasons) return;
  if (!run.reasons->is_array()) {
    reject(origin, fmt::format("benchmark \"{}\" has a \"reasons\" that is not a list", name));
  }
  for (const dom::element reason : array_in(*run.reasons)) {
    if (!reason.is_string()) {
      reject(origin, fmt::format("benchmark \"{}\" has a reason that is not text", name));
    }
  }
}

std::string text_or(std::string_view text, std::string_view fallback) {
  return without_control_characters(text.empty() ? fallback : text);
}

BenchmarkRecord make_record(RunFields& run, CounterFilter keep_counter) {
  BenchmarkRecord record;
  record.name = without_control_characters(run.text_of(Field::kName));
  record.run_name = text_or(run.text_of(Field::kRunName), run.text_of(Field::kName));
  record.run_type = text_or(run.text_of(Field::kRunType), "iteration");
  record.aggregate_name = without_control_characters(run.text_of(Field::kAggregateName));
  record.time_unit = without_control_characters(run.text_of(Field::kTimeUnit));
  record.label = clipped_text(without_control_characters(run.text_of(Field::kLabel)));
  record.repetitions = run.repetitions;
  record.repetition_index = run.repetition_index;
  record.iterations = run.iterations;
  record.real_time = run.real_time.value_or(0);
  record.cpu_time = run.cpu_time.value_or(0);
  record.error_occurred = run.failed();
  record.error_message =
      text_or(run.text_of(Field::kErrorMessage), run.text_of(Field::kSkipMessage));
  if (keep_counter == nullptr) {
    record.counters.reserve(run.counters.size());
    keep_counter = [](std::string_view, double) { return true; };
  }
  assign_in_key_order(run.counters, record.counters, number_of, keep_counter);
  if (run.reasons) {
    record.reasons.emplace();
    for (const dom::element reason : array_in(*run.reasons)) {
      record.reasons->push_back(without_control_characters(reason.get_string().value_unsafe()));
    }
  }
  return record;
}

// RecordsKept::kSamples: which runs have been seen, and whether with an iteration record.
class SampleRecords {
 public:
  bool keep(const RunFields& run) {
    std::string_view run_name = run.text_of(Field::kRunName);
    if (run_name.empty()) run_name = run.text_of(Field::kName);
    std::string escaped;  // the run_name extract_samples groups by
    if (has_control_characters(run_name)) run_name = escaped = without_control_characters(run_name);
    auto seen = runs_.find(run_name);
    const bool first = seen == runs_.end();
    if (first) seen = runs_.emplace(std::string(run_name), false).first;
    if (first || run.failed()) return true;
    const std::string_view run_type = run.text_of(Field::kRunType);
    if (run_type != "aggregate") return seen->second = true;
    const std::string_view aggregate = run.text_of(Field::kAggregateName);
    return !seen->second && (aggregate == "median" || aggregate == "mean");
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  // run_name -> has an iteration record
  std::unordered_map<std::string, bool, Hash, std::equal_to<>> runs_;
};

std::vector<BenchmarkRecord> read_runs(dom::array runs, const std::filesystem::path& origin,
                                       RecordsKept kept, CounterFilter keep_counter) {
  std::vector<BenchmarkRecord> records;
  records.reserve(runs.size());
  SampleRecords samples;
  RunFields fields;
  std::size_t index = 0;
  for (const dom::element run : runs) {
    dom::object object;
    if (run.get_object().get(object)) {
      reject(origin, fmt::format("benchmarks[{}] is not an object", index));
    }
    fields.reset();
    for (const dom::key_value_pair field : object)
      read_field(fields, field.key, field.value);
    check_run(fields, index++, origin);
    if (kept == RecordsKept::kAll || samples.keep(fields))
      records.push_back(make_record(fields, keep_counter));
  }
  return records;
}

// A context value as text: strings as they are, numbers and booleans as JSON writes them.
std::optional<std::string> scalar_text(dom::element value) {
  switch (value.type()) {
    case dom::element_type::STRING:
      return clipped_text(without_control_characters(value.get_string().value_unsafe()));
    case dom::element_type::INT64:
      return nlohmann::json(value.get_int64().value_unsafe()).dump();
    case dom::element_type::UINT64:
      return nlohmann::json(value.get_uint64().value_unsafe()).dump();
    case dom::element_type::DOUBLE:
      return nlohmann::json(value.get_double().value_unsafe()).dump();
    case dom::element_type::BOOL:
      return value.get_bool().value_unsafe() ? "true" : "false";
    default:
      return std::nullopt;  // null, lists and objects: not a manifest entry
  }
}

void check_manifest(ResultsFile& results, const std::filesystem::path& origin) {
  const auto version = results.context_value(kSchemaVersionKey);
  if (!version) return;
  int parsed = 0;
  const auto [end, error] =
      std::from_chars(version->data(), version->data() + version->size(), parsed);
  if (error != std::errc{} || end != version->data() + version->size()) {
    reject(origin, fmt::format("{} {} is not a number", kSchemaVersionKey, quoted_name(*version)));
  }
  if (parsed != kResultsSchemaVersion) {
    reject(origin, fmt::format("it uses gpubench results schema {}, this gpubench reads schema {} "
                               "(use a matching gpubench version)",
                               parsed, kResultsSchemaVersion));
  }
  results.schema_version = parsed;
  for (const auto key : kManifestKeys) {
    if (!results.context.contains(std::string(key))) {
      reject(origin, fmt::format("its device manifest lacks \"{}\"", key));
    }
  }
}

}  // namespace

void reject(const std::filesystem::path& origin, std::string_view reason) {
  throw UserError(
      fmt::format("Cannot read results file {}: {}.", printable_path(origin.string()), reason));
}

ResultsFile read_results(const char* text, std::size_t size, const std::filesystem::path& origin,
                         RecordsKept kept, CounterFilter keep_counter) {
  // One per thread, its buffers reused from file to file (history and fleet read in parallel).
  thread_local dom::parser parser;
  dom::element document;
  if (const auto error = parser.parse(text, size, false).get(document)) {
    throw JsonRefused{static_cast<int>(error), simdjson::error_message(error)};
  }
  std::optional<dom::element> context;
  std::optional<dom::element> benchmarks;
  if (document.is_object()) {
    for (const dom::key_value_pair field : object_in(document)) {
      if (field.key == kContextKey) context = field.value;
      if (field.key == kBenchmarksKey) benchmarks = field.value;
    }
  }
  if (!context || !context->is_object() || !benchmarks || !benchmarks->is_array()) {
    reject(origin,
           "it is not a google/benchmark JSON file (expected an object with \"context\" and "
           "\"benchmarks\")");
  }
  ResultsFile results;
  results.path = origin;
  KeyedValues entries;
  for (const dom::key_value_pair field : object_in(*context))
    entries.emplace_back(field.key, field.value);
  assign_in_key_order(entries, results.context, scalar_text,
                      [](std::string_view, const std::string&) { return true; });
  check_manifest(results, origin);
  results.benchmarks = read_runs(array_in(*benchmarks), origin, kept, keep_counter);
  return results;
}

}  // namespace gpubench::detail
