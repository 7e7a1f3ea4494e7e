#pragma once
// The autotuning cache on disk (model/tuning_cache.hpp has its format and location rules). A run
// never fails for its cache: a missing file is empty, an unreadable or corrupt one is empty with a
// problem to warn about, and a write that fails is a problem to warn about.

#include <filesystem>
#include <optional>
#include <string>

#include "model/tuning_cache.hpp"

namespace gpubench {

// The cache file from the environment (GPUBENCH_CACHE_DIR, XDG_CACHE_HOME, HOME); nullopt when
// none is set.
std::optional<std::filesystem::path> tuning_cache_path();

// The cache at `path`: empty when the file does not exist; empty with `problem` set when it cannot
// be read or is not a tuning cache (it is then rewritten whole at the next remember_tuning).
TuningCache load_tuning_cache(const std::filesystem::path& path, std::string& problem);

// Adds or replaces one entry: the file is read again, merged and written atomically (temporary
// file and rename), so runs side by side lose at most each other's newest entry, never the file.
// "" on success, else one sentence.
std::string remember_tuning(const std::filesystem::path& path, const std::string& key,
                            const TunedChoice& choice);

}  // namespace gpubench
