#pragma once
// The versions of gpubench's --json outputs (docs/results-schema.md). Every document is a JSON
// object that opens with {"schema": <name>, "schema_version": <version>}, so a script can refuse a
// shape it was not written for instead of misreading it.
//
// Each output kind has its own version: they change independently, and a dashboard reading
// `report --json` should not see its version move because `fleet --json` changed. A version rises
// when a key is renamed or removed or its meaning or unit changes; a new key does not raise it.

#include <string_view>

namespace gpubench {

struct JsonOutputSchema {
  std::string_view name;  // "gpubench-<command>": which document this is
  int version;
};

inline constexpr JsonOutputSchema kReportJsonSchema{"gpubench-report", 1};
inline constexpr JsonOutputSchema kCompareJsonSchema{"gpubench-compare", 1};
inline constexpr JsonOutputSchema kHistoryJsonSchema{"gpubench-history", 1};
inline constexpr JsonOutputSchema kFleetJsonSchema{"gpubench-fleet", 1};
inline constexpr JsonOutputSchema kCheckJsonSchema{"gpubench-check", 1};
inline constexpr JsonOutputSchema kInfoJsonSchema{"gpubench-info", 1};
inline constexpr JsonOutputSchema kSpecsListJsonSchema{"gpubench-specs-list", 1};
inline constexpr JsonOutputSchema kSpecsCompareJsonSchema{"gpubench-specs-compare", 1};
// `specs show --json` prints the spec sheet itself, versioned by the sheet format's own
// "schema_version" (kSpecSchemaVersion, docs/specs.md).

}  // namespace gpubench
