#include "analysis/regex_guard.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <string>

#include "analysis/compare.hpp"
#include "gpubench/errors.hpp"

namespace gpubench {
namespace {

TEST(UserRegex, PassesThePatternsPeopleWrite) {
  for (const char* pattern :
       {"bandwidth|tflops", "^(real|cpu)_time$", "gbs$", "_w$|^power", "a*?", "\\*+", "[*+]+",
        "x{2}", "(ab)*", "latency_(ns|us)", "{", "a{,3}", "a{1,9999}", "\\\\1"}) {
    EXPECT_EQ(regex_refusal(pattern), "") << pattern;
  }
}

TEST(UserRegex, RefusesWhatLibstdcxxOverflowsReading) {
  // Fuzz findings: libstdc++ reads these numbers into a long without an overflow check.
  for (const char* pattern : {"0\\444444444444444444444", "a{99999}", "a{1,123456}", "(a)\\1"}) {
    EXPECT_NE(regex_refusal(pattern), "") << pattern;
  }
  EXPECT_NE(regex_refusal(std::string(300, 'a')), "");
}

double cpu_seconds_to_select(const std::string& pattern) {
  timespec start{}, end{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
  const MetricSelector selector(pattern);
  for (const char* name : {"real_time", "bandwidth_gbs", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa_gbs",
                           "ralralralralralralralral_gbs"}) {
    (void)selector.selects(name);
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &end);
  return static_cast<double>(end.tv_sec - start.tv_sec) +
         static_cast<double>(end.tv_nsec - start.tv_nsec) * 1e-9;
}

TEST(UserRegex, PatternsThatHungTheBacktrackerMatchQuickly) {
  // Fuzz findings: each took minutes with std::regex's default depth-first executor.
  for (const char* pattern : {"\xf6++++++++++*+++++*\xd3"
                              "5",
                              "(|ral|){24}=00t", "(a*)*b", "((a|aa)+)+x", "(a|a|a){20}y"}) {
    EXPECT_LT(cpu_seconds_to_select(pattern), 2.0) << pattern;
  }
}

TEST(UserRegex, BadPatternIsExitTwoAndQuotedEscaped) {
  try {
    MetricSelector selector(
        std::string("|^(\x02"
                    "554"));
    FAIL() << "an unbalanced regex was accepted";
  } catch (const UserError& error) {
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
    EXPECT_NE(std::string(error.what()).find("--metric \"|^(\\x02554\""), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace gpubench
