#pragma once
// What the SASS audit tests share (tests/kernels/sass_*_test.cpp): the captured cuobjdump output
// of tests/fixtures/sass/, lookups in parsed functions, a stand-in cuobjdump, and the audit of a
// real binary against a rule table.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "support/sass_audit.hpp"
#include "support/test_support.hpp"

namespace gpubench {

// The architecture both target cards (RTX 4070, L4) run.
inline constexpr std::string_view kAuditArch = "sm_89";

// The text of tests/fixtures/sass/`name`; throws if it is missing or empty.
std::string sass_fixture(const std::string& name);

// The fixture kernels (namespace gpubench::fixture), sm_89: fixture_kernels_sm89.sass, parsed once.
const std::vector<SassFunction>& fixture_kernels();

// The first function whose mangled name contains `pattern`; throws if none does.
const SassFunction& function_named(const std::vector<SassFunction>& functions,
                                   std::string_view pattern);

bool contains(const std::vector<std::string>& opcodes, std::string_view opcode);

// A stand-in cuobjdump in `dir`: a shell script with the given body.
std::filesystem::path fake_cuobjdump(const testing::TempDir& dir, const std::string& body);

// This test binary, which links every kernel the tests call (the own GEMMs, the sm_90a library).
std::filesystem::path this_test_binary();

// Runs the configured cuobjdump (GPUBENCH_CUOBJDUMP_PATH) on `binary` and expects `rules` (and the
// local-memory check of every function) to pass for `arch`.
void expect_audit_passes(const std::filesystem::path& binary, const std::vector<SassRule>& rules,
                         std::string_view arch = kAuditArch);

}  // namespace gpubench
