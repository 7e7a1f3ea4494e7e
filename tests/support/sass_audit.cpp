#include "support/sass_audit.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <system_error>

#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

constexpr std::string_view kSpace = " \t\r\n\f\v";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::string_view first_word(std::string_view text) {
  text = trim(text);
  return text.substr(0, std::min(text.find_first_of(kSpace), text.size()));
}

// What follows the "/*0090*/" address of an instruction line; nullopt for any other line
// (encoding-only lines start "/* 0x", which is not an address).
std::optional<std::string_view> after_address(std::string_view line) {
  line = trim(line);
  if (!line.starts_with("/*")) return std::nullopt;
  const auto close = line.find("*/", 2);
  if (close == std::string_view::npos || close == 2) return std::nullopt;
  for (std::size_t i = 2; i < close; ++i) {
    if (std::isxdigit(static_cast<unsigned char>(line[i])) == 0) return std::nullopt;
  }
  return line.substr(close + 2);
}

// "   {   @!P0 BRA 0x100 ;   /* 0x... */" -> "BRA"; empty when there is no instruction.
std::string opcode_of(std::string_view instruction) {
  instruction = trim(instruction);
  if (instruction.starts_with('{')) instruction = trim(instruction.substr(1));
  // The instruction ends at ';', at a dual-issue '}' (cuobjdump 10.2+ prints no ';' before it), or
  // at the encoding comment.
  const auto end = std::min(instruction.find_first_of(";}"), instruction.find("/*"));
  instruction = trim(instruction.substr(0, std::min(end, instruction.size())));
  std::string_view opcode = first_word(instruction);
  if (opcode.starts_with('@')) opcode = first_word(instruction.substr(opcode.size()));
  if (opcode.starts_with('.')) return {};  // a directive, not an instruction
  return std::string(opcode);
}

// A guard that is always false ("@!PT", "@!UPT"): ptxas emits such instructions as issue-slot
// spacers (between consecutive QMMAs, for one); they do no work.
bool never_executes(std::string_view instruction) {
  instruction = trim(instruction);
  if (instruction.starts_with('{')) instruction = trim(instruction.substr(1));
  const std::string_view guard = first_word(instruction);
  return guard == "@!PT" || guard == "@!UPT";
}

// 0x90 from "/*0090*/ ...".
std::uint32_t address_of(std::string_view trimmed_line) {
  const auto close = trimmed_line.find("*/");
  return static_cast<std::uint32_t>(
      std::strtoul(std::string(trimmed_line.substr(2, close - 2)).c_str(), nullptr, 16));
}

// The hexadecimal target of "@!P0 BRA 0x2d40 ;" (nvdisasm prints absolute addresses).
std::optional<std::uint32_t> branch_target(std::string_view instruction) {
  const auto hex = instruction.find("0x");
  const auto end = std::min(instruction.find(';'), instruction.find("/*"));
  if (hex == std::string_view::npos || hex > end) return std::nullopt;
  return static_cast<std::uint32_t>(
      std::strtoul(std::string(instruction.substr(hex, end - hex)).c_str(), nullptr, 16));
}

bool is_function_terminator(std::string_view trimmed) {
  return trimmed.size() >= 3 && trimmed.find_first_not_of('.') == std::string_view::npos;
}

std::string code_of(const SassFunction& function) {
  return function.arch.empty() ? "its code" : fmt::format("its {} code", function.arch);
}

// The distinct opcodes of function that match pattern, in order of first appearance.
std::vector<std::string> distinct_matches(const SassFunction& function, std::string_view pattern) {
  std::vector<std::string> found;
  for (const auto& opcode : function.opcodes) {
    if (opcode_matches(opcode, pattern) &&
        std::find(found.begin(), found.end(), opcode) == found.end()) {
      found.push_back(opcode);
    }
  }
  return found;
}

std::size_t count_matches(const SassFunction& function, std::string_view pattern) {
  return static_cast<std::size_t>(std::count_if(
      function.opcodes.begin(), function.opcodes.end(),
      [pattern](const std::string& opcode) { return opcode_matches(opcode, pattern); }));
}

std::string missing_problem(const SassFunction& function, std::string_view pattern) {
  const std::string_view family = pattern.substr(0, std::min(pattern.find('.'), pattern.size()));
  const auto relatives = distinct_matches(function, family);
  if (relatives.empty()) {
    return fmt::format("{} has no {} instruction, and no {} instruction at all", code_of(function),
                       pattern, family);
  }
  return fmt::format("{} has no {} instruction (its {} instructions: {})", code_of(function),
                     pattern, family, fmt::join(relatives, ", "));
}

bool is_valid_arch(std::string_view arch) {
  if (!arch.starts_with("sm_")) return false;
  std::size_t i = 3;
  while (i < arch.size() && std::isdigit(static_cast<unsigned char>(arch[i])) != 0)
    ++i;
  if (i < 5) return false;  // at least two digits
  while (i < arch.size() && std::islower(static_cast<unsigned char>(arch[i])) != 0)
    ++i;
  return i == arch.size();
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string read_whole_file(const std::string& path) {
  std::string content;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) return content;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
    content.append(buffer, got);
  return content;
}

// The first non-blank line of text, trimmed.
std::string first_line(std::string_view text) {
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    const auto line = trim(text.substr(0, end));
    if (!line.empty()) return std::string(line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return {};
}

// A temporary file for cuobjdump's stderr, removed on destruction.
class TemporaryFile {
 public:
  TemporaryFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gpubench-cuobjdump-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
      throw UserError(fmt::format("Cannot create a temporary file in {}: {}; check TMPDIR.",
                                  std::filesystem::temp_directory_path().string(),
                                  std::error_code(errno, std::generic_category()).message()));
    }
    ::close(fd);
    path_ = pattern;
  }
  ~TemporaryFile() { std::remove(path_.c_str()); }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Instructions of function that match pattern and lie inside a loop (at or after a backward
// branch's target, at or before the branch), each once however many loops hold it.
std::vector<std::string> matches_in_loops(const SassFunction& function, std::string_view pattern) {
  std::vector<bool> in_loop(function.opcodes.size(), false);
  for (std::size_t end = 0; end < function.branch_targets.size(); ++end) {
    const auto& target = function.branch_targets[end];
    if (!target || *target > function.addresses[end]) continue;
    for (std::size_t i = 0; i <= end; ++i) {
      if (function.addresses[i] >= *target) in_loop[i] = true;
    }
  }
  std::vector<std::string> found;
  for (std::size_t i = 0; i < function.opcodes.size(); ++i) {
    if (in_loop[i] && opcode_matches(function.opcodes[i], pattern)) {
      found.push_back(fmt::format("{} at {:#x}", function.opcodes[i], function.addresses[i]));
    }
  }
  return found;
}

// The loop and count parts of a rule, for one function it applies to.
void audit_loops_and_counts(const SassFunction& function, const SassRule& rule,
                            std::vector<SassViolation>& violations) {
  for (const auto& pattern : rule.must_not_contain_in_loops) {
    if (const auto found = matches_in_loops(function, pattern); !found.empty()) {
      violations.push_back(
          {function.mangled_name,
           fmt::format("{} has {} instruction(s) matching {} inside a loop ({}), which its rule "
                       "forbids",
                       code_of(function), found.size(), pattern, fmt::join(found, ", "))});
    }
  }
  for (const auto& [pattern, expected] : rule.exact_counts) {
    if (const auto count = count_matches(function, pattern); count != expected) {
      violations.push_back({function.mangled_name,
                            fmt::format("{} has {} instruction(s) matching {}, where its rule "
                                        "expects exactly {}",
                                        code_of(function), count, pattern, expected)});
    }
  }
}

}  // namespace

std::vector<SassFunction> parse_cuobjdump_sass(std::string_view text) {
  std::vector<SassFunction> functions;
  std::string arch;
  bool in_function = false;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));

    const std::string_view trimmed = trim(line);
    if (const auto function = trimmed.find("Function :"); function != std::string_view::npos) {
      functions.push_back({std::string(first_word(trimmed.substr(function + 10))), arch, {}});
      in_function = true;
    } else if (trimmed.starts_with("code for ")) {
      arch = std::string(first_word(trimmed.substr(9)));
      in_function = false;
    } else if (trimmed.starts_with("arch = ")) {
      arch = std::string(first_word(trimmed.substr(7)));
      in_function = false;
    } else if (trimmed.starts_with("Fatbin ") || is_function_terminator(trimmed)) {
      in_function = false;
    } else if (const auto instruction = after_address(trimmed); instruction && in_function) {
      if (auto opcode = opcode_of(*instruction); !opcode.empty()) {
        SassFunction& current = functions.back();
        current.branch_targets.push_back(opcode_matches(opcode, "BRA") ? branch_target(*instruction)
                                                                       : std::nullopt);
        current.addresses.push_back(address_of(trimmed));
        current.never_executes.push_back(never_executes(*instruction));
        current.opcodes.push_back(std::move(opcode));
      }
    }
  }
  return functions;
}

bool opcode_matches(std::string_view opcode, std::string_view pattern) {
  if (pattern.empty() || !opcode.starts_with(pattern)) return false;
  return opcode.size() == pattern.size() || opcode[pattern.size()] == '.';
}

std::vector<SassViolation> audit_sass(const std::vector<SassFunction>& functions,
                                      const std::vector<SassRule>& rules) {
  std::vector<SassViolation> violations;
  for (const auto& rule : rules) {
    bool matched = false;
    for (const auto& function : functions) {
      if (function.mangled_name.find(rule.kernel_pattern) == std::string::npos) continue;
      matched = true;
      for (const auto& pattern : rule.must_contain) {
        if (count_matches(function, pattern) == 0) {
          violations.push_back({function.mangled_name, missing_problem(function, pattern)});
        }
      }
      for (const auto& pattern : rule.must_not_contain) {
        if (const auto count = count_matches(function, pattern); count > 0) {
          violations.push_back(
              {function.mangled_name,
               fmt::format("{} has {} instruction(s) matching {} ({}), which its rule forbids",
                           code_of(function), count, pattern,
                           fmt::join(distinct_matches(function, pattern), ", "))});
        }
      }
      audit_loops_and_counts(function, rule, violations);
    }
    if (!matched) {
      violations.push_back(
          {rule.kernel_pattern,
           fmt::format("no kernel matches pattern {} (renamed, missing, or not built for this "
                       "architecture?)",
                       rule.kernel_pattern)});
    }
    if (rule.min_fraction_in_loop) {
      const std::string pattern = rule.must_contain.empty() ? "" : rule.must_contain.front();
      for (const auto& function : functions) {
        if (function.mangled_name.find(rule.kernel_pattern) == std::string::npos) continue;
        const auto loop = hottest_loop(function, pattern);
        if (!loop) {
          violations.push_back(
              {function.mangled_name, fmt::format("{} has no loop to audit", code_of(function))});
        } else if (loop->fraction() < *rule.min_fraction_in_loop) {
          violations.push_back(
              {function.mangled_name,
               fmt::format("{} instructions of its hottest loop are {} ({:.0f}%), fewer than the "
                           "{:.0f}% the rule requires",
                           loop->matching, pattern, loop->fraction() * 100,
                           *rule.min_fraction_in_loop * 100)});
        }
      }
    }
  }
  for (const auto& function : functions) {
    const auto loads = count_matches(function, "LDL");
    const auto stores = count_matches(function, "STL");
    if (loads + stores > 0) {
      violations.push_back({function.mangled_name,
                            fmt::format("uses local memory (spill?): {} has {} LDL and {} STL",
                                        code_of(function), loads, stores)});
    }
  }
  return violations;
}

std::optional<SassLoop> hottest_loop(const SassFunction& function, std::string_view pattern) {
  std::optional<SassLoop> best;
  for (std::size_t end = 0; end < function.opcodes.size(); ++end) {
    const auto& target =
        end < function.branch_targets.size() ? function.branch_targets[end] : std::nullopt;
    if (!target || *target > function.addresses[end]) continue;  // not a backward branch
    SassLoop loop;
    for (std::size_t i = 0; i <= end; ++i) {
      const bool padding = function.opcodes[i] == "NOP" ||
                           (i < function.never_executes.size() && function.never_executes[i]);
      if (function.addresses[i] < *target || padding) continue;
      ++loop.instructions;
      if (opcode_matches(function.opcodes[i], pattern)) ++loop.matching;
    }
    if (!best || loop.matching > best->matching) best = loop;
  }
  return best;
}

std::string format_violations(const std::vector<SassViolation>& violations) {
  std::string text;
  for (const auto& violation : violations) {
    text += fmt::format("{}: {}\n", violation.kernel, violation.problem);
  }
  return text;
}

std::string run_cuobjdump(const std::filesystem::path& cuobjdump,
                          const std::filesystem::path& binary, std::string_view arch) {
  if (cuobjdump.empty()) {
    throw UserError("No cuobjdump is configured for the SASS audit: run scripts/setup.sh.");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(cuobjdump, ec)) {
    throw UserError(
        fmt::format("cuobjdump not found at {}: run scripts/setup.sh.", cuobjdump.string()));
  }
  if (!std::filesystem::is_regular_file(binary, ec)) {
    throw UserError(fmt::format("{} does not exist, so its SASS cannot be audited: build it first.",
                                binary.string()));
  }
  if (!is_valid_arch(arch)) {
    throw UserError(
        fmt::format("'{}' is not an architecture cuobjdump knows; use one like sm_89.", arch));
  }

  const TemporaryFile errors;
  const std::string command =
      fmt::format("{} -sass -arch {} {} 2>{} </dev/null", shell_quote(cuobjdump.string()), arch,
                  shell_quote(binary.string()), shell_quote(errors.path()));
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw UserError(fmt::format("Cannot start {}: {}.", cuobjdump.string(),
                                std::error_code(errno, std::generic_category()).message()));
  }
  std::string output;
  char buffer[65536];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, got);
  const int status = ::pclose(pipe);
  const int exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;

  const std::string stderr_text = read_whole_file(errors.path());
  if (stderr_text.find("does not contain device code") != std::string::npos) return output;
  if (stderr_text.find("nvdisasm") != std::string::npos) {
    throw UserError(fmt::format(
        "{} cannot print SASS without nvdisasm (not beside it, on PATH or in NVDISASM_PATH): run "
        "scripts/setup.sh.",
        cuobjdump.string()));
  }
  if (exit_code != 0) {
    throw UserError(fmt::format("{} -sass failed on {} (exit {}): {}.", cuobjdump.string(),
                                binary.string(), exit_code,
                                stderr_text.empty() ? "no message" : first_line(stderr_text)));
  }
  return output;
}

}  // namespace gpubench
