#pragma once
// Autotuning choices remembered across runs (the own SGEMM's tile per device and shape), so a
// second run does not tune again. Pure: the text of the cache file, its keys and where it lives;
// platform/tuning_cache_file.hpp reads and writes it.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gpubench {

struct TunedChoice {
  std::string choice;     // the kernel's own name for it ("sgemm tile 128x128x16")
  double tuning_s = 0.0;  // what tuning it took, when it was tuned
};

struct TuningCache {
  std::map<std::string, TunedChoice> entries;  // by tuning_cache_key
};

// One entry's key: the device (its UUID and driver: a new driver may change the fastest kernel),
// the candidate set (a choice among other candidates is void) and the shape.
std::string tuning_cache_key(std::string_view device_uuid, std::string_view driver_version,
                             std::string_view candidates, long long m, long long n, long long k);

// The file's text. A file that is not a tuning cache of this format (corrupt, cut short, another
// version) reads as empty, with `problem` saying why; an entry of the wrong shape is skipped.
TuningCache parse_tuning_cache(std::string_view text, std::string& problem);
std::string serialize_tuning_cache(const TuningCache& cache);

// The folder: $GPUBENCH_CACHE_DIR, else $XDG_CACHE_HOME/gpubench, else $HOME/.cache/gpubench
// (the XDG base directory default); nullopt when none is set (nothing is remembered). Empty
// values count as unset; XDG_CACHE_HOME must be absolute, as the specification says.
std::optional<std::filesystem::path> tuning_cache_dir(const char* gpubench_cache_dir,
                                                      const char* xdg_cache_home, const char* home);

inline constexpr std::string_view kTuningCacheFileName = "tuning.json";

}  // namespace gpubench
