// Texts from a results file are echoed by compare, history and report: a gpu_name or a label of
// megabytes reaches them cut to a sane length (model/text_excerpt.hpp).
#include <gtest/gtest.h>

#include <string>

#include "model/results_file.hpp"
#include "model/text_excerpt.hpp"

namespace gpubench {
namespace {

TEST(EchoedText, ATenMegabyteGpuNameIsCutWhenRead) {
  const std::string huge(10 << 20, 'G');
  const std::string json =
      "{\"context\": {\"gpu_name\": \"" + huge +
      "\"}, \"benchmarks\": [{\"name\": \"a\", \"run_name\": \"a\", "
      "\"run_type\": \"iteration\", \"iterations\": 1, \"cpu_time\": 1, \"label\": \"" +
      huge + "\", \"real_time\": 1, \"time_unit\": \"ns\"}]}";
  const ResultsFile results = parse_results(json, "huge.json");
  const auto name = results.context_value("gpu_name");
  ASSERT_TRUE(name);
  EXPECT_LE(name->size(), kMaxEchoedTextBytes + 40);
  EXPECT_NE(name->find("bytes cut]"), std::string::npos);
  ASSERT_EQ(results.benchmarks.size(), 1u);
  EXPECT_LE(results.benchmarks[0].label.size(), kMaxEchoedTextBytes + 40);
}

TEST(EchoedText, ClippingNeverSplitsAUtf8Sequence) {
  const std::string text =
      "ab\xC3\xA9"
      "cd";  // "abécd"
  EXPECT_EQ(clipped_text(text, 3), "ab... [4 bytes cut]");
  EXPECT_EQ(clipped_text(text, 6), text);
}

}  // namespace
}  // namespace gpubench
