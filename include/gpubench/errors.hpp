#pragma once
// Exit codes shared by every gpubench command, and the one error type users see.

#include <stdexcept>
#include <string>

namespace gpubench {

enum class ExitCode : int {
  kOk = 0,
  kRegressionOrFailedCheck =
      1,                 // a benchmark failed its verification, or compare found a regression
  kBadInputOrNoGpu = 2,  // bad arguments or files, or no usable GPU / driver / NVML
  kInterrupted = 130,    // Ctrl-C: stopped after the current benchmark, nothing published
};

// A failure the user can act on. what() is one sentence: what happened and what to do about it.
class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& sentence, ExitCode code = ExitCode::kBadInputOrNoGpu)
      : std::runtime_error(sentence), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

}  // namespace gpubench
