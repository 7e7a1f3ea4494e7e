#include "render/text_table.hpp"

#include <gtest/gtest.h>

namespace gpubench {
namespace {

TEST(TextTable, PadsColumnsAlignsAndTrimsTrailingSpaces) {
  const std::string table =
      format_text_table({"name", "value", "note"}, {{"a", "1.5", ""}, {"longer", "12", "x"}},
                        [](std::size_t column) { return column == 1; });
  EXPECT_EQ(table,
            "name    value  note\n"
            "a         1.5\n"
            "longer     12  x\n");
  EXPECT_EQ(format_text_table(
                {"h"}, {{"v"}}, [](std::size_t) { return false; }, "  "),
            "  h\n  v\n");
}

}  // namespace
}  // namespace gpubench
