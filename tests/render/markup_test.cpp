#include "render/markup.hpp"

#include <gtest/gtest.h>

namespace gpubench {
namespace {

TEST(Markup, EscapesWhatHtmlAndXmlReserve) {
  EXPECT_EQ(escape_markup(R"(a<b & "c" 'd'>)"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  EXPECT_EQ(escape_markup("plain text"), "plain text");
}

TEST(Markup, ControlCharactersXmlForbidsBecomeQuestionMarks) {
  EXPECT_EQ(escape_markup(std::string("a\x01"
                                      "b\tc\nd",
                                      7)),
            "a?b\tc\nd");
}

}  // namespace
}  // namespace gpubench
