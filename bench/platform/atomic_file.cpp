#include "platform/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

std::filesystem::path temporary_beside(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  // Same directory, so the final rename never crosses a file system.
  return path.parent_path() /
         fmt::format("{}.tmp.{}.{}", path.filename().string(), ::getpid(), counter++);
}

void flush_to_disk(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(std::ostream&)>& write) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      throw UserError(fmt::format("Cannot create directory {}: {}; choose another output path.",
                                  path.parent_path().string(), ec.message()));
    }
  }
  const std::filesystem::path temporary = temporary_beside(path);
  try {
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      if (!out) {
        throw UserError(fmt::format("Cannot write {}: {}; check the directory's permissions.",
                                    temporary.string(), std::strerror(errno)));
      }
      write(out);
      out.flush();
      if (!out) {
        throw UserError(fmt::format("Writing {} failed (disk full?); nothing was published.",
                                    temporary.string()));
      }
    }
    flush_to_disk(temporary);
    std::filesystem::rename(temporary, path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  write_file_atomically(path, [content](std::ostream& out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

}  // namespace gpubench
