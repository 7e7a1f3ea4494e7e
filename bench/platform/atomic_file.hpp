#pragma once
// Files gpubench publishes appear whole or not at all: written to a temporary name beside the
// target, flushed, then renamed over it.

#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace gpubench {

// Calls write(stream) on a temporary file in path's directory and renames it to path once the
// writer returned and the data reached the disk. If write throws (or the process is interrupted
// before the rename), path is untouched; the temporary is removed on the exception path.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(std::ostream&)>& write);

void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace gpubench
