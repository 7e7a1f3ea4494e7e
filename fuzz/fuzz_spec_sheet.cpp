// libFuzzer target; what it does with one input is fuzz_spec_sheet_input in
// tests/support/fuzz_inputs.hpp (shared with the regression test that replays past findings).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "support/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gpubench::testing::fuzz_spec_sheet_input(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
