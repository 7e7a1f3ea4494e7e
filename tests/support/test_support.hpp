#pragma once
// Shared by the test files: temporary directories, running the gpubench binary, GPU presence.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "device/device_probe.hpp"
#include "gpubench/errors.hpp"
#include "model/results_file.hpp"

namespace gpubench::testing {

// True in the sanitize build (CMakePresets.json "sanitize"), where a few outside libraries cannot
// run under AddressSanitizer's runtime; the ordinary build runs the tests that skip for it.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUnderAddressSanitizer = true;
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("gpubench-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `env_prefix GPUBENCH_EXE args` through the shell, capturing both streams.
inline CommandResult run_gpubench(const std::string& args, const std::string& env_prefix = "") {
  TempDir dir;
  const auto out = dir.path() / "out";
  const auto err = dir.path() / "err";
  const std::string command = env_prefix + " '" GPUBENCH_EXE "' " + args + " >'" + out.string() +
                              "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

// `gpubench run --suite SUITE --quick` into a temporary file, loaded; nullopt, with a test failure
// showing gpubench's output, when the run does not exit 0.
inline std::optional<ResultsFile> run_quick_suite(const std::string& suite) {
  TempDir dir;
  const auto out = dir.path() / (suite + ".json");
  const CommandResult result =
      run_gpubench("run --suite " + suite + " --quick --out '" + out.string() + "'");
  if (result.exit_code != 0) {
    ADD_FAILURE() << "gpubench run --suite " << suite << " exited " << result.exit_code << "\n"
                  << result.out << result.err;
    return std::nullopt;
  }
  return load_results_file(out);
}

// Hides every GPU from a child process, so no-GPU behaviour is tested on any machine.
inline constexpr const char* kNoGpuEnv = "CUDA_VISIBLE_DEVICES=";

// The sentence of the UserError `call` throws, checking it carries exit code 2 (bad input), or ""
// when it throws none: the one shape of every "bad input is one sentence and exit 2" test.
template <typename Call>
std::string refusal(Call call) {
  try {
    call();
  } catch (const UserError& error) {
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
    return error.what();
  }
  return "";
}

// Why no usable CUDA device is here (visible_device_count()'s sentence: no driver, a driver too old
// for this build, no visible device, a driver error), or "" when one is. The reason is kept, not
// collapsed into "no GPU": on a GPU machine it is the defect to fix.
inline std::string gpu_absence() {
  try {
    return visible_device_count() > 0 ? std::string() : std::string("no CUDA device is visible");
  } catch (const UserError& error) {
    return error.what();
  }
}

inline bool gpu_present() {
  return gpu_absence().empty();
}

// GPUBENCH_REQUIRE_GPU=1 (scripts/gpu-session.sh, the CTest label require_gpu): a machine that is
// meant to have a usable GPU, where a GPU test that would skip fails instead, with its reason.
inline bool gpu_required() {
  const char* value = std::getenv("GPUBENCH_REQUIRE_GPU");
  return value != nullptr && std::string(value) == "1";
}

// Marks a skip that is right on a GPU machine too: a test of another architecture's path, of the
// no-GPU path, or of a build option. gpu-session.sh counts the skips without this mark, which must
// be none.
inline constexpr const char* kOtherHardwareSkip = "[other hardware] ";

}  // namespace gpubench::testing

// Skips the test with REASON, or, under GPUBENCH_REQUIRE_GPU=1, fails it with REASON: for what a
// GPU machine must have (a usable device, the sm_90a kernels on a Hopper, CUPTI).
#define GPUBENCH_SKIP_UNLESS_GPU_REQUIRED(reason)                                   \
  do {                                                                              \
    if (::gpubench::testing::gpu_required()) {                                      \
      FAIL() << "GPUBENCH_REQUIRE_GPU=1, yet this GPU test cannot run: " << reason; \
    }                                                                               \
    GTEST_SKIP() << reason;                                                         \
  } while (0)

// Skips a test that does not apply to this machine's hardware or build (see kOtherHardwareSkip).
#define GPUBENCH_SKIP_OTHER_HARDWARE(reason) \
  GTEST_SKIP() << ::gpubench::testing::kOtherHardwareSkip << reason

#define GPUBENCH_REQUIRE_GPU()                                                            \
  do {                                                                                    \
    const std::string gpubench_absence_ = ::gpubench::testing::gpu_absence();             \
    if (!gpubench_absence_.empty()) GPUBENCH_SKIP_UNLESS_GPU_REQUIRED(gpubench_absence_); \
  } while (0)
