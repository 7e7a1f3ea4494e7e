#include "support/sass_audit_checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "gpubench/errors.hpp"

#ifndef GPUBENCH_CUOBJDUMP_PATH
#error "GPUBENCH_CUOBJDUMP_PATH must be defined (the cuobjdump path, or \"\") for this test"
#endif

namespace gpubench {

std::string sass_fixture(const std::string& name) {
  const auto path = std::filesystem::path(GPUBENCH_TEST_FIXTURES_DIR) / "sass" / name;
  std::string text = testing::read_file(path);
  if (text.empty()) throw std::runtime_error("missing or empty fixture " + path.string());
  return text;
}

const std::vector<SassFunction>& fixture_kernels() {
  static const std::vector<SassFunction> functions =
      parse_cuobjdump_sass(sass_fixture("fixture_kernels_sm89.sass"));
  return functions;
}

const SassFunction& function_named(const std::vector<SassFunction>& functions,
                                   std::string_view pattern) {
  const auto it = std::find_if(functions.begin(), functions.end(), [pattern](const auto& f) {
    return f.mangled_name.find(pattern) != std::string::npos;
  });
  if (it == functions.end()) throw std::runtime_error("no function " + std::string(pattern));
  return *it;
}

bool contains(const std::vector<std::string>& opcodes, std::string_view opcode) {
  return std::find(opcodes.begin(), opcodes.end(), opcode) != opcodes.end();
}

std::filesystem::path fake_cuobjdump(const testing::TempDir& dir, const std::string& body) {
  const auto path = dir.write("cuobjdump", "#!/bin/sh\n" + body + "\n");
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

std::filesystem::path this_test_binary() {
  return std::filesystem::read_symlink("/proc/self/exe");
}

void expect_audit_passes(const std::filesystem::path& binary, const std::vector<SassRule>& rules,
                         std::string_view arch) {
  const std::filesystem::path cuobjdump = GPUBENCH_CUOBJDUMP_PATH;
  ASSERT_TRUE(!cuobjdump.empty() && std::filesystem::is_regular_file(cuobjdump))
      << "No cuobjdump for the SASS audit (GPUBENCH_CUOBJDUMP_PATH=\"" << cuobjdump.string()
      << "\"): run scripts/setup.sh, then configure again.";
  std::vector<SassFunction> functions;
  try {
    functions = parse_cuobjdump_sass(run_cuobjdump(cuobjdump, binary, arch));
  } catch (const UserError& error) {
    FAIL() << error.what();
  }
  const auto violations = audit_sass(functions, rules);
  std::string unmatched;
  for (const auto& violation : violations) {
    if (violation.problem.starts_with("no kernel matches pattern")) {
      unmatched += (unmatched.empty() ? "" : ", ") + violation.kernel;
    }
  }
  EXPECT_TRUE(violations.empty())
      << violations.size() << " SASS audit violation(s) in " << binary.string() << " (" << arch
      << ", " << functions.size() << " functions):\n"
      << format_violations(violations)
      << (unmatched.empty() ? "" : "patterns that matched no kernel: " + unmatched + "\n")
      << (functions.empty() ? "the binary holds no " + std::string(arch) + " SASS at all\n" : "");
}

}  // namespace gpubench
