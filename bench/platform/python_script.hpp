#pragma once
// The one way gpubench runs its matplotlib scripts (report plots, history --plot): with the Python
// named by GPUBENCH_PYTHON if set, else the first of python3 on PATH and /usr/bin/python3 that has
// matplotlib (a pyenv or venv python3 often lacks the distribution's python3-matplotlib).

#include <filesystem>
#include <string>
#include <vector>

namespace gpubench {

// What a plot script exits with when its Python lacks matplotlib: the runner then tries the next.
inline constexpr int kMissingMatplotlibExit = 3;

struct ScriptRun {
  int status = -1;      // the script's exit status; -1 when no Python could run it
  std::string python;   // the interpreter that ran it
  std::string problem;  // one sentence when status != 0
};

// Runs `python script arguments...`, stdout and stderr into `log`.
ScriptRun run_matplotlib_script(const std::filesystem::path& script,
                                const std::vector<std::string>& arguments,
                                const std::filesystem::path& log);

}  // namespace gpubench
