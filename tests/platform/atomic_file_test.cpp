#include "platform/atomic_file.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "support/test_support.hpp"

namespace gpubench {
namespace {

using testing::read_file;
using testing::TempDir;

std::size_t entries_in(const std::filesystem::path& directory) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory))
    ++count;
  return count;
}

TEST(AtomicFile, WritesContentAndLeavesNoTemporary) {
  TempDir dir;
  const auto target = dir.path() / "run.json";
  write_file_atomically(target, std::string_view("{\"a\": 1}"));
  EXPECT_EQ(read_file(target), "{\"a\": 1}");
  EXPECT_EQ(entries_in(dir.path()), 1u);
}

TEST(AtomicFile, CreatesMissingDirectories) {
  TempDir dir;
  const auto target = dir.path() / "results" / "runs" / "l4" / "run.json";
  write_file_atomically(target, std::string_view("x"));
  EXPECT_EQ(read_file(target), "x");
}

TEST(AtomicFile, InterruptedWriterLeavesNoFileUnderTheName) {
  TempDir dir;
  const auto target = dir.path() / "run.json";
  EXPECT_THROW(write_file_atomically(target,
                                     [](std::ostream& out) {
                                       out << "{\"benchmarks\": [";  // half a file...
                                       throw std::runtime_error("interrupted");
                                     }),
               std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_EQ(entries_in(dir.path()), 0u) << "the temporary must be removed too";
}

TEST(AtomicFile, InterruptedWriterKeepsThePreviousFile) {
  TempDir dir;
  const auto target = dir.path() / "run.json";
  write_file_atomically(target, std::string_view("old"));
  EXPECT_THROW(write_file_atomically(target,
                                     [](std::ostream& out) {
                                       out << "new but partial";
                                       throw std::runtime_error("interrupted");
                                     }),
               std::runtime_error);
  EXPECT_EQ(read_file(target), "old");
}

TEST(AtomicFile, UnwritableDirectoryIsAUserError) {
  TempDir dir;
  const auto blocker = dir.write("not-a-dir", "file");
  try {
    write_file_atomically(blocker / "run.json", std::string_view("x"));
    FAIL() << "expected UserError";
  } catch (const UserError& error) {
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
  }
}

}  // namespace
}  // namespace gpubench
