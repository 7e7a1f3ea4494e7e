#pragma once
// Every command's --help opens with one line a person can paste: the quickest way to learn a
// command is to run it.

#include <CLI/CLI.hpp>
#include <string>

namespace gpubench::cli {

// `command --help` then prints "Example: <example>" before its description. Subcommands added to
// `command` afterwards inherit the example until they set their own.
void set_help_example(CLI::App& command, std::string example);

}  // namespace gpubench::cli
