// Loading spec sheets from a directory (results/specs/ in the tree, or a user's copy): one bad
// sheet must not hide the good ones, so each file is judged on its own and the bad ones listed.

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gpubench/errors.hpp"
#include "model/spec_database.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

std::vector<std::filesystem::path> sheet_files(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  std::filesystem::directory_iterator it(directory, error);
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (it->path().extension() == ".json") files.push_back(it->path());
  }
  if (error || files.empty()) {
    throw UserError(fmt::format("No spec sheets found in {}; pass the results/specs directory.",
                                printable_path(directory.string())));
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string invalid(const std::filesystem::path& file, std::string_view problem) {
  return fmt::format("Spec sheet {} is invalid: {}; fix the file (see results/specs/).",
                     printable_path(file.string()), problem);
}

// The sheet in `file`, or its problem added to `bad`.
std::optional<SpecSheet> read_sheet(const std::filesystem::path& file,
                                    std::vector<BadSpecFile>& bad) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    bad.push_back({file, fmt::format("Cannot read spec sheet {}; check that it is a readable file.",
                                     printable_path(file.string()))});
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    SpecSheet sheet = parse_spec_sheet(text.str(), file.string());
    if (sheet.id == file.stem().string()) return sheet;
    bad.push_back({file, invalid(file, fmt::format("id \"{}\" must match the file name",
                                                   escaped_excerpt(sheet.id, 60)))});
  } catch (const UserError& error) {
    bad.push_back({file, error.what()});
  }
  return std::nullopt;
}

// Leaves out, until none is left, each sheet whose counterpart is itself or not among the others
// (a counterpart may have been left out for its own problem).
void drop_missing_counterparts(std::vector<std::pair<std::filesystem::path, SpecSheet>>& sheets,
                               std::vector<BadSpecFile>& bad) {
  for (bool dropped = true; dropped;) {
    dropped = false;
    std::set<std::string> ids;
    for (const auto& entry : sheets)
      ids.insert(entry.second.id);
    for (auto it = sheets.begin(); it != sheets.end(); ++it) {
      const SpecSheet& sheet = it->second;
      if (sheet.counterpart != sheet.id && ids.contains(sheet.counterpart)) continue;
      bad.push_back(
          {it->first, invalid(it->first, fmt::format("counterpart \"{}\" is not another sheet",
                                                     escaped_excerpt(sheet.counterpart, 60)))});
      sheets.erase(it);
      dropped = true;
      break;
    }
  }
}

}  // namespace

SpecDatabase SpecDatabase::load_directory(const std::filesystem::path& directory,
                                          std::vector<BadSpecFile>& bad) {
  std::vector<BadSpecFile> problems;
  std::vector<std::pair<std::filesystem::path, SpecSheet>> good;
  for (const auto& file : sheet_files(directory)) {
    if (auto sheet = read_sheet(file, problems)) good.emplace_back(file, std::move(*sheet));
  }
  drop_missing_counterparts(good, problems);
  std::sort(problems.begin(), problems.end(),
            [](const BadSpecFile& a, const BadSpecFile& b) { return a.path < b.path; });
  bad.insert(bad.end(), problems.begin(), problems.end());
  std::vector<SpecSheet> sheets;
  for (auto& entry : good)
    sheets.push_back(std::move(entry.second));
  // Ids equal file names, so no two sheets share one; counterparts were checked above.
  return SpecDatabase(std::move(sheets));
}

SpecDatabase SpecDatabase::load_directory(const std::filesystem::path& directory) {
  std::vector<BadSpecFile> bad;
  SpecDatabase database = load_directory(directory, bad);
  if (bad.empty()) return database;
  std::string reasons;
  for (const auto& file : bad)
    reasons += (reasons.empty() ? "" : " ") + file.reason;
  throw UserError(reasons);
}

}  // namespace gpubench
