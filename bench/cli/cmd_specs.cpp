// `gpubench specs`: the documented-spec database (list, show, compare). Needs no GPU, except
// `compare --device N`, which compares the present card with its counterpart.

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/help_example.hpp"
#include "cli/probe.hpp"
#include "model/spec_database.hpp"
#include "render/json_values.hpp"

namespace gpubench::cli {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json value_json(const SpecValue* value) {
  if (value == nullptr || value->is_null()) return nullptr;
  if (const auto number = value->number()) return *number;
  return std::get<std::string>(value->value);
}

void list_sheets(bool json) {
  const SpecDatabase& database = SpecDatabase::builtin();
  if (json) {
    ordered_json sheets = ordered_json::array();
    for (const auto& sheet : database.sheets()) {
      sheets.push_back({{"id", sheet.id},
                        {"name", sheet.name},
                        {"chip", value_json(sheet.find("chip"))},
                        {"compute_capability", value_json(sheet.find("compute_capability"))},
                        {"product_class", std::string(to_string(sheet.product_class))},
                        {"counterpart", sheet.counterpart}});
    }
    ordered_json out = versioned_document(kSpecsListJsonSchema);
    out["sheets"] = std::move(sheets);
    fmt::print("{}\n", out.dump(2));
    return;
  }
  // Columns as wide as their longest entry (RTX PRO names and ids run long), at least the old
  // widths.
  std::size_t id_width = 16;
  std::size_t name_width = 30;
  for (const auto& sheet : database.sheets()) {
    id_width = std::max(id_width, sheet.id.size() + 2);
    name_width = std::max(name_width, sheet.name.size() + 2);
  }
  fmt::print("{:<{}}{:<{}}{:<8}{:<6}{:<12}{}\n", "id", id_width, "name", name_width, "chip", "cc",
             "class", "counterpart");
  for (const auto& sheet : database.sheets()) {
    fmt::print("{:<{}}{:<{}}{:<8}{:<6}{:<12}{}\n", sheet.id, id_width, sheet.name, name_width,
               sheet.find("chip")->display(), sheet.find("compute_capability")->display(),
               to_string(sheet.product_class), sheet.counterpart);
  }
}

void show_sheet(const SpecSheet& sheet, bool json) {
  if (json) {
    fmt::print("{}\n", spec_sheet_to_json(sheet));
    return;
  }
  fmt::print("{} ({}, {}, counterpart {})\n", sheet.name, sheet.id, to_string(sheet.product_class),
             sheet.counterpart.empty() ? "none" : sheet.counterpart);
  for (const auto& [key, value] : sheet.values) {
    fmt::print("  {:<28}{:<16}{}{}\n", key, value.display(), value.derived ? "[derived] " : "",
               value.source);
    if (!value.note.empty()) fmt::print("  {:<28}{:<16}note: {}\n", "", "", value.note);
  }
}

void compare(const SpecSheet& a, const SpecSheet& b, bool json) {
  const auto rows = compare_sheets(a, b);
  if (json) {
    ordered_json out = versioned_document(kSpecsCompareJsonSchema);
    out["a"] = {{"id", a.id}, {"name", a.name}};
    out["b"] = {{"id", b.id}, {"name", b.name}};
    ordered_json table = ordered_json::array();
    for (const auto& row : rows) {
      table.push_back({{"key", row.key},
                       {"unit", row.a   ? row.a->unit
                                : row.b ? row.b->unit
                                        : ""},
                       {"a", value_json(row.a)},
                       {"b", value_json(row.b)},
                       {"ratio_a_to_b", number_or_null(row.ratio_a_to_b)}});
    }
    out["rows"] = std::move(table);
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print("Documented specs: {} vs {} (dense peaks; [d] = derived, not printed by NVIDIA)\n",
             a.name, b.name);
  auto cell = [](const SpecValue* value) {
    if (value == nullptr) return std::string("-");
    return value->display() + (value->derived && !value->is_null() ? " [d]" : "");
  };
  // Right-aligned columns at least 18 wide, wider for a long id or cell, so they never run
  // together.
  std::size_t width = std::max<std::size_t>({18, a.id.size() + 2, b.id.size() + 2});
  for (const auto& row : rows) {
    width = std::max({width, cell(row.a).size() + 2, cell(row.b).size() + 2});
  }
  fmt::print("  {:<28}{:>{}}{:>{}}{:>10}\n", "", a.id, width, b.id, width, "a / b");
  for (const auto& row : rows) {
    fmt::print("  {:<28}{:>{}}{:>{}}{:>10}\n", row.key, cell(row.a), width, cell(row.b), width,
               row.ratio_a_to_b ? fmt::format("{:.2f}", *row.ratio_a_to_b) : "");
  }
  if (a.derived_from_device || b.derived_from_device) {
    fmt::print("  note: a sheet derived from device attributes is an estimate, not a document\n");
  }
}

}  // namespace

void add_specs_command(CLI::App& app, ExitCode& result) {
  struct Options {
    std::string show_id;
    std::string a_id;
    std::string b_id;
    std::optional<int> device;
    std::string against;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* specs = app.add_subcommand(
      "specs", "The documented-spec database: every value with its source; no GPU needed.");
  specs->require_subcommand(1);
  set_help_example(*specs, "gpubench specs compare rtx-4070 l4");

  CLI::App* list = specs->add_subcommand("list", "List the documented cards.");
  set_help_example(*list, "gpubench specs list --json");
  list->add_flag("--json", options->json, "Print JSON");
  list->callback([options] { list_sheets(options->json); });

  CLI::App* show = specs->add_subcommand("show", "Show one card's sheet with sources.");
  set_help_example(*show, "gpubench specs show l4");
  show->add_option("id", options->show_id, "Spec id (see `gpubench specs list`)")->required();
  show->add_flag("--json", options->json, "Print JSON");
  show->callback(
      [options] { show_sheet(SpecDatabase::builtin().at(options->show_id), options->json); });

  CLI::App* compare_command = specs->add_subcommand(
      "compare",
      "Compare two cards' documented specs (ID_A ID_B), or a present GPU with its counterpart "
      "(--device N [--against ID]).");
  set_help_example(*compare_command, "gpubench specs compare rtx-4070 l4 --json");
  compare_command->add_option("id_a", options->a_id, "First spec id");
  compare_command->add_option("id_b", options->b_id, "Second spec id");
  compare_command->add_option("--device", options->device,
                              "Compare the sheet matching this present GPU");
  compare_command->add_option("--against", options->against,
                              "Counterpart to compare with (default: the sheet's counterpart)");
  compare_command->add_flag("--json", options->json, "Print JSON");
  compare_command->callback([options, &result] {
    const SpecDatabase& database = SpecDatabase::builtin();
    if (options->device) {
      if (!options->a_id.empty()) {
        throw UserError("Give either two spec ids or --device, not both.");
      }
      const ProbedDevices probed = probe_devices(options->device);
      const SpecMatch match = match_device(database, probed.devices.front());
      if (!match.warning.empty()) fmt::print(stderr, "gpubench: warning: {}.\n", match.warning);
      const std::string against =
          options->against.empty() ? match.sheet.counterpart : options->against;
      if (against.empty()) {
        throw UserError(fmt::format(
            "{} has no documented counterpart; name one with --against ID (see gpubench specs "
            "list).",
            match.sheet.name));
      }
      compare(match.sheet, database.at(against), options->json);
      if (probed.nvml_problem) result = ExitCode::kBadInputOrNoGpu;
      return;
    }
    if (options->a_id.empty() || options->b_id.empty()) {
      throw UserError(
          "specs compare needs two spec ids (gpubench specs compare rtx-4070 l4) or --device N.");
    }
    compare(database.at(options->a_id), database.at(options->b_id), options->json);
  });
}

}  // namespace gpubench::cli
