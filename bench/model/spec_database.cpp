#include "model/spec_database.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "gpubench/errors.hpp"
#include "model/derived_spec_sheet.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace detail {
const std::vector<std::pair<std::string_view, std::string_view>>& builtin_spec_files();
}  // namespace detail

namespace {

using ordered_json = nlohmann::ordered_json;

const std::set<std::string_view> kArchitectures = {"turing", "ampere", "ada", "hopper",
                                                   "blackwell"};
const std::set<std::string_view> kTextKeys = {"chip", "compute_capability", "memory_type"};

[[noreturn]] void fail(std::string_view origin, std::string_view problem) {
  throw UserError(fmt::format("Spec sheet {} is invalid: {}; fix the file (see results/specs/).",
                              printable_path(origin), problem));
}

// Text from the sheet, for a message: quoted, escaped, and short.
std::string quoted_text(std::string_view text) {
  return fmt::format("\"{}\"", escaped_excerpt(text, 60));
}

std::string required_string(const ordered_json& object, std::string_view key,
                            std::string_view origin, std::string_view where) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) {
    fail(origin, fmt::format("{}\"{}\" must be a non-empty string", where, key));
  }
  return it->get<std::string>();
}

std::uint32_t parse_pci_id(const std::string& text, std::string_view origin) {
  std::uint32_t id = 0;
  if (text.size() != 6 || text.rfind("0x", 0) != 0) {
    fail(origin, fmt::format("PCI device id {} must look like 0x2786", quoted_text(text)));
  }
  const auto [end, error] = std::from_chars(text.data() + 2, text.data() + text.size(), id, 16);
  if (error != std::errc{} || end != text.data() + text.size()) {
    fail(origin, fmt::format("PCI device id {} is not hexadecimal", quoted_text(text)));
  }
  return id;
}

SpecValue parse_value(const ordered_json& entry, std::string_view key, std::string_view origin) {
  if (!entry.is_object()) fail(origin, fmt::format("values.{} must be an object", key));
  const std::string where = fmt::format("values.{}: ", key);
  SpecValue value;
  const auto it = entry.find("value");
  if (it == entry.end()) fail(origin, where + "\"value\" is missing (use null for absent)");
  if (it->is_null()) {
    value.value = std::monostate{};
  } else if (kTextKeys.contains(key)) {
    if (!it->is_string()) fail(origin, where + "\"value\" must be a string or null");
    value.value = it->get<std::string>();
  } else {
    if (!it->is_number()) fail(origin, where + "\"value\" must be a number or null");
    const double number = it->get<double>();
    if (!std::isfinite(number) || number <= 0) {
      fail(origin, where + "\"value\" must be a positive number");
    }
    value.value = number;
  }
  const auto unit = entry.find("unit");
  if (unit == entry.end() || !unit->is_string()) fail(origin, where + "\"unit\" must be a string");
  value.unit = unit->get<std::string>();
  value.source = required_string(entry, "source", origin, where);
  if (value.source.starts_with(kUndocumentedPrefix) && !value.is_null()) {
    fail(origin, where + "an \"undocumented:\" source needs a null value");
  }
  const auto derived = entry.find("derived");
  if (derived == entry.end() || !derived->is_boolean()) {
    fail(origin, where + "\"derived\" must be true or false");
  }
  value.derived = derived->get<bool>();
  if (const auto note = entry.find("note"); note != entry.end()) {
    if (!note->is_string()) fail(origin, where + "\"note\" must be a string");
    value.note = note->get<std::string>();
  }
  for (const auto& [field, ignored] : entry.items()) {
    if (field != "value" && field != "unit" && field != "source" && field != "derived" &&
        field != "note") {
      fail(origin, fmt::format("{}unknown field {}", where, quoted_text(field)));
    }
  }
  return value;
}

std::string format_number(double number) {
  if (number == std::floor(number) && std::fabs(number) < 1e9) {
    return fmt::format("{}", static_cast<long long>(number));
  }
  return fmt::format("{:.4g}", number);
}

}  // namespace

std::optional<double> SpecValue::number() const {
  if (const auto* number = std::get_if<double>(&value)) return *number;
  return std::nullopt;
}

std::string SpecValue::display() const {
  if (undocumented()) return "not documented";
  if (is_null()) return "n/a";
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  const std::string number_text = format_number(std::get<double>(value));
  return unit.empty() ? number_text : fmt::format("{} {}", number_text, unit);
}

const SpecValue* SpecSheet::find(std::string_view key) const {
  for (const auto& [value_key, value] : values) {
    if (value_key == key) return &value;
  }
  return nullptr;
}

std::optional<double> SpecSheet::number(std::string_view key) const {
  const SpecValue* value = find(key);
  return value ? value->number() : std::nullopt;
}

std::optional<ComputeCapability> SpecSheet::compute_capability() const {
  const SpecValue* value = find("compute_capability");
  if (value == nullptr) return std::nullopt;
  if (const auto* text = std::get_if<std::string>(&value->value)) {
    return ComputeCapability::parse(*text);
  }
  return std::nullopt;
}

namespace {

// The sheet's JSON, parsed with a bound on keys per object, as an object of this schema version.
ordered_json parse_sheet_document(std::string_view json_text, std::string_view origin) {
  ordered_json document;
  // ordered_json finds a key by linear search, so an object of 60,000 keys took seconds to build
  // (found by fuzzing); no sheet object has more than kMaxKeys, so larger ones stop the parser.
  constexpr std::size_t kMaxKeys = 64;
  std::vector<std::size_t> keys_in_open_objects;
  const auto limit_keys = [&](int, nlohmann::json::parse_event_t event, const ordered_json&) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start || event == Event::array_start) {
      keys_in_open_objects.push_back(0);
    } else if (event == Event::object_end || event == Event::array_end) {
      keys_in_open_objects.pop_back();
    } else if (event == Event::key && ++keys_in_open_objects.back() > kMaxKeys) {
      fail(origin, fmt::format("an object has more than {} keys", kMaxKeys));
    }
    return true;
  };
  try {
    document = ordered_json::parse(json_text, limit_keys);
  } catch (const nlohmann::json::parse_error& error) {
    fail(origin, fmt::format("not valid JSON ({})",
                             describe_json_error(error.what(), error.byte, json_text)));
  } catch (const nlohmann::json::exception& error) {
    // e.g. a number too large for a double (1e999).
    fail(origin, fmt::format("it holds a value JSON cannot represent ({})",
                             describe_json_error(error.what(), 0, json_text)));
  }
  if (!document.is_object()) fail(origin, "the top level must be an object");
  const auto version = document.find("schema_version");
  if (version == document.end() || !version->is_number_integer()) {
    fail(origin, "\"schema_version\" is missing");
  }
  // Compared as written: narrowing 4294967297 to int would read as schema 1.
  if (version->dump() != std::to_string(kSpecSchemaVersion)) {
    fail(origin, fmt::format("schema_version {} is not the {} this gpubench reads", version->dump(),
                             kSpecSchemaVersion));
  }
  return document;
}

// id, name, architecture, product class, counterpart, PCI ids and names.
void parse_sheet_identity(const ordered_json& document, std::string_view origin, SpecSheet& sheet) {
  sheet.id = required_string(document, "id", origin, "");
  sheet.name = required_string(document, "name", origin, "");
  sheet.architecture = required_string(document, "architecture", origin, "");
  if (!kArchitectures.contains(sheet.architecture)) {
    fail(origin, fmt::format("architecture {} is not turing, ampere, ada, hopper or blackwell",
                             quoted_text(sheet.architecture)));
  }
  const auto product_class =
      parse_product_class(required_string(document, "product_class", origin, ""));
  if (!product_class) fail(origin, "product_class must be \"geforce\" or \"datacenter\"");
  sheet.product_class = *product_class;
  sheet.counterpart = required_string(document, "counterpart", origin, "");

  const auto ids = document.find("pci_device_ids");
  if (ids == document.end() || !ids->is_array()) fail(origin, "\"pci_device_ids\" must be a list");
  for (const auto& id : *ids) {
    if (!id.is_string()) fail(origin, "\"pci_device_ids\" must hold strings like \"0x2786\"");
    sheet.pci_device_ids.push_back(parse_pci_id(id.get<std::string>(), origin));
  }
  const auto names = document.find("names");
  if (names == document.end() || !names->is_array() || names->empty()) {
    fail(origin, "\"names\" must list the device names CUDA reports");
  }
  for (const auto& name : *names) {
    if (!name.is_string() || name.get<std::string>().empty()) {
      fail(origin, "\"names\" must hold non-empty strings");
    }
    sheet.names.push_back(name.get<std::string>());
  }
}

// Every spec key, in kSpecKeys' order, and nothing else.
void parse_sheet_values(const ordered_json& document, std::string_view origin, SpecSheet& sheet) {
  const auto values = document.find("values");
  if (values == document.end() || !values->is_object()) fail(origin, "\"values\" is missing");
  for (const auto key : kSpecKeys) {
    if (!values->contains(key)) fail(origin, fmt::format("values.{} is missing", key));
  }
  std::size_t position = 0;
  for (const auto& [key, entry] : values->items()) {
    if (position >= kSpecKeys.size() || key != kSpecKeys[position]) {
      const bool known = std::find(kSpecKeys.begin(), kSpecKeys.end(), key) != kSpecKeys.end();
      fail(origin, known ? fmt::format("values.{} is out of order (expected {})", key,
                                       position < kSpecKeys.size() ? kSpecKeys[position] : "end")
                         : fmt::format("values.{} is not a spec key", quoted_text(key)));
    }
    sheet.values.emplace_back(key, parse_value(entry, key, origin));
    ++position;
  }
  if (!sheet.compute_capability()) {
    fail(origin, "values.compute_capability must be a string like \"8.9\"");
  }
}

void reject_unknown_fields(const ordered_json& document, std::string_view origin) {
  for (const auto& [field, ignored] : document.items()) {
    static const std::set<std::string_view> known = {
        "schema_version", "id",    "name",  "architecture", "product_class", "counterpart",
        "pci_device_ids", "names", "values"};
    if (!known.contains(field)) fail(origin, fmt::format("unknown field {}", quoted_text(field)));
  }
}

}  // namespace

SpecSheet parse_spec_sheet(std::string_view json_text, std::string_view origin) {
  const ordered_json document = parse_sheet_document(json_text, origin);
  SpecSheet sheet;
  parse_sheet_identity(document, origin, sheet);
  parse_sheet_values(document, origin, sheet);
  reject_unknown_fields(document, origin);
  return sheet;
}

std::string spec_sheet_to_json(const SpecSheet& sheet, int indent) {
  ordered_json document;
  document["id"] = sheet.id;
  document["name"] = sheet.name;
  document["architecture"] = sheet.architecture;
  document["product_class"] = std::string(to_string(sheet.product_class));
  document["counterpart"] =
      sheet.counterpart.empty() ? ordered_json() : ordered_json(sheet.counterpart);
  document["derived_from_device"] = sheet.derived_from_device;
  ordered_json values = ordered_json::object();
  for (const auto& [key, value] : sheet.values) {
    ordered_json entry;
    if (const auto* number = std::get_if<double>(&value.value)) {
      entry["value"] = *number;
    } else if (const auto* text = std::get_if<std::string>(&value.value)) {
      entry["value"] = *text;
    } else {
      entry["value"] = nullptr;
    }
    entry["unit"] = value.unit;
    entry["source"] = value.source;
    entry["derived"] = value.derived;
    if (!value.note.empty()) entry["note"] = value.note;
    values[key] = std::move(entry);
  }
  document["values"] = std::move(values);
  return document.dump(indent);
}

SpecDatabase::SpecDatabase(std::vector<SpecSheet> sheets) : sheets_(std::move(sheets)) {
  std::sort(sheets_.begin(), sheets_.end(),
            [](const SpecSheet& a, const SpecSheet& b) { return a.id < b.id; });
  for (std::size_t i = 1; i < sheets_.size(); ++i) {
    if (sheets_[i].id == sheets_[i - 1].id) {
      throw UserError(fmt::format("Spec id {} is defined twice; keep one sheet per card.",
                                  quoted_text(sheets_[i].id)));
    }
  }
  for (const auto& sheet : sheets_) {
    if (sheet.counterpart == sheet.id || find(sheet.counterpart) == nullptr) {
      throw UserError(fmt::format(
          "Spec sheet {} names counterpart {}, which is not another sheet; fix its file.",
          quoted_text(sheet.id), quoted_text(sheet.counterpart)));
    }
  }
}

const SpecDatabase& SpecDatabase::builtin() {
  static const SpecDatabase database = [] {
    std::vector<SpecSheet> sheets;
    for (const auto& [file, text] : detail::builtin_spec_files()) {
      sheets.push_back(parse_spec_sheet(text, fmt::format("results/specs/{}", file)));
    }
    return SpecDatabase(std::move(sheets));
  }();
  return database;
}

const SpecSheet* SpecDatabase::find(std::string_view id) const {
  for (const auto& sheet : sheets_) {
    if (sheet.id == id) return &sheet;
  }
  return nullptr;
}

const SpecSheet& SpecDatabase::at(std::string_view id) const {
  if (const SpecSheet* sheet = find(id)) return *sheet;
  std::string known;
  for (const auto& sheet : sheets_)
    known += (known.empty() ? "" : ", ") + sheet.id;
  throw UserError(fmt::format("Unknown spec id \"{}\"; known ids: {}.", id, known));
}

std::string_view to_string(SpecMatch::How how) {
  switch (how) {
    case SpecMatch::How::kPciDeviceId:
      return "PCI device id";
    case SpecMatch::How::kName:
      return "device name";
    case SpecMatch::How::kDerivedFromDevice:
      return "derived from device attributes";
  }
  return "";
}

SpecMatch match_device(const SpecDatabase& database, const DeviceInfo& device) {
  const std::optional<std::uint32_t> pci_id =
      device.nvml ? device.nvml->pci_device_id : std::nullopt;
  if (pci_id) {
    for (const auto& sheet : database.sheets()) {
      if (std::find(sheet.pci_device_ids.begin(), sheet.pci_device_ids.end(), *pci_id) !=
          sheet.pci_device_ids.end()) {
        return {sheet, SpecMatch::How::kPciDeviceId, {}};
      }
    }
  }
  const std::string name = device.trimmed_name();
  for (const auto& sheet : database.sheets()) {
    if (std::find(sheet.names.begin(), sheet.names.end(), name) != sheet.names.end()) {
      std::string warning;
      if (pci_id) {
        warning = fmt::format(
            "PCI device id {:#06x} is not in sheet {}; matched by name only, so this may be a "
            "board variant with other clocks or memory",
            *pci_id, sheet.id);
      }
      return {sheet, SpecMatch::How::kName, warning};
    }
  }
  return {derive_sheet_from_device(device), SpecMatch::How::kDerivedFromDevice,
          fmt::format("{} is not in the documented-spec database; its sheet is derived from the "
                      "device's attributes and the rate table, not from NVIDIA's documents",
                      name)};
}

}  // namespace gpubench

namespace gpubench {

std::vector<SpecComparisonRow> compare_sheets(const SpecSheet& a, const SpecSheet& b) {
  std::vector<SpecComparisonRow> rows;
  for (const auto key : kSpecKeys) {
    SpecComparisonRow row;
    row.key = std::string(key);
    row.a = a.find(key);
    row.b = b.find(key);
    const auto a_number = row.a ? row.a->number() : std::nullopt;
    const auto b_number = row.b ? row.b->number() : std::nullopt;
    if (a_number && b_number) row.ratio_a_to_b = *a_number / *b_number;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace gpubench
