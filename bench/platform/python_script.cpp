#include "platform/python_script.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

extern char** environ;

namespace gpubench {
namespace {

// Runs argv without a shell, stdout and stderr into `log`. Returns the exit status, or -1 when the
// program could not be started.
int run_program(const std::vector<std::string>& arguments, const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> copies = arguments;
  std::vector<char*> argv;
  for (auto& argument : copies)
    argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

ScriptRun run_matplotlib_script(const std::filesystem::path& script,
                                const std::vector<std::string>& arguments,
                                const std::filesystem::path& log) {
  // A Python named in GPUBENCH_PYTHON is the user's choice: it is the only one tried.
  std::vector<std::string> pythons;
  const char* chosen = std::getenv("GPUBENCH_PYTHON");
  ScriptRun run;
  if (chosen != nullptr && *chosen != '\0') {
    pythons.emplace_back(chosen);
    run.problem = fmt::format(
        "GPUBENCH_PYTHON={} could not be run; point it at a Python 3 with "
        "matplotlib",
        chosen);
  } else {
    pythons = {"python3", "/usr/bin/python3"};
    run.problem = "python3 was not found; install python3 and python3-matplotlib";
  }
  for (const std::string& python : pythons) {
    std::vector<std::string> command = {python, script.string()};
    command.insert(command.end(), arguments.begin(), arguments.end());
    const int status = run_program(command, log);
    if (status == -1) continue;  // not there
    if (status == kMissingMatplotlibExit) {
      run.problem = fmt::format(
          "{} has no matplotlib; install python3-matplotlib (or set GPUBENCH_PYTHON to "
          "a Python that has it)",
          python);
      continue;
    }
    run.status = status;
    run.python = python;
    run.problem = status == 0 ? "" : fmt::format("{} failed (exit {})", script.string(), status);
    return run;
  }
  return run;
}

}  // namespace gpubench
