#pragma once
// The SASS audit: CI has no GPU, so it checks the machine code the compiler emitted instead. The
// kernels' SASS (from cuobjdump) is parsed into opcodes per function and held against a table of
// rules: "this kernel must use 128-bit global loads", "no kernel may touch local memory".

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpubench {

// One function's machine code as `cuobjdump -sass` prints it.
struct SassFunction {
  std::string mangled_name;  // e.g. "_ZN8gpubench6memory19stream_triad_kernelE..."
  std::string arch;          // "sm_89": the "code for sm_89" section it was printed in
  // In address order, with every modifier ("LDG.E.128.CONSTANT", "HMMA.16816.F32") and without
  // the guard predicate ("@!P0 BRA 0x100" gives "BRA").
  std::vector<std::string> opcodes;
  // Parallel to opcodes: each instruction's address, and a branch's target address (BRA only).
  std::vector<std::uint32_t> addresses = {};
  std::vector<std::optional<std::uint32_t>> branch_targets = {};
  std::vector<bool> never_executes = {};  // guarded by an always-false predicate (@!PT, @!UPT)
};

// The hottest loop of a function: of the ranges [target, branch] closed by a backward branch, the
// one holding the most instructions matching `pattern`; nullopt when there is no backward branch.
// NOPs and never-executed "@!PT"/"@!UPT" spacers are padding and are not counted.
struct SassLoop {
  std::size_t instructions = 0;
  std::size_t matching = 0;
  double fraction() const {
    return instructions ? static_cast<double>(matching) / static_cast<double>(instructions) : 0;
  }
};
std::optional<SassLoop> hottest_loop(const SassFunction& function, std::string_view pattern);

// Every function in cuobjdump -sass output, in the order printed. Ignores what is not an
// instruction inside a function: fatbin headers, "code for sm_XX" / ".target" / ".headerflags"
// lines, encoding-only lines ("/* 0x... */"), labels and blank lines. Reads predicated
// instructions and the braces of dual-issue pairs ("{ ... }", Maxwell/Pascal). Text with no
// "Function :" header gives an empty vector.
std::vector<SassFunction> parse_cuobjdump_sass(std::string_view text);

// True when opcode equals pattern or extends it by whole modifiers: "LDG.E.128" matches
// "LDG.E.128" and "LDG.E.128.CONSTANT", not "LDG.E"; "LDG" matches every global load.
bool opcode_matches(std::string_view opcode, std::string_view pattern);

struct SassRule {
  std::string kernel_pattern;  // a substring of the mangled names it applies to
  // Opcode patterns (see opcode_matches): each must match at least one instruction of every
  // function the rule applies to...
  std::vector<std::string> must_contain = {};
  // ...and none of these may match any.
  std::vector<std::string> must_not_contain = {};
  // When set: in each function's hottest loop (see hottest_loop), at least this fraction of the
  // instructions must match must_contain's first pattern -- the timed loop is dominated by the
  // instruction under test. A function without a loop fails it.
  std::optional<double> min_fraction_in_loop = {};
  // None of these may match an instruction inside any loop (a range closed by a backward branch):
  // what a kernel may do once, outside its loops, it may not do per iteration.
  std::vector<std::string> must_not_contain_in_loops = {};
  // Exactly this many instructions of each function must match the pattern: the shape of code
  // a compiler could change behind the source's back (ptxas adding warpgroup waits, say).
  std::vector<std::pair<std::string, std::size_t>> exact_counts = {};
};

struct SassViolation {
  std::string kernel;   // the mangled name, or the rule's pattern when it matched nothing
  std::string problem;  // one sentence
};

// Checks each rule against the functions whose mangled name contains its pattern; a rule that
// matches no function is itself a violation ("no kernel matches pattern X"), so a renamed or
// missing kernel fails the audit. Every function, ruled or not, is also checked for local memory
// (any LDL or STL: "uses local memory (spill?)"). Violations come in rule order, then function
// order for the local-memory check; an empty result means the audit passed.
std::vector<SassViolation> audit_sass(const std::vector<SassFunction>& functions,
                                      const std::vector<SassRule>& rules);

// "kernel: problem", one violation a line.
std::string format_violations(const std::vector<SassViolation>& violations);

// Runs `cuobjdump -sass -arch ARCH BINARY` and returns what it printed. A binary with no device
// code, or none for arch, gives text without functions (so the audit reports every rule as
// unmatched). Throws UserError when cuobjdump is missing, cannot find the nvdisasm it needs, or
// fails, and when the binary does not exist or arch is not of the form "sm_89".
std::string run_cuobjdump(const std::filesystem::path& cuobjdump,
                          const std::filesystem::path& binary, std::string_view arch);

}  // namespace gpubench
