// The per-sample side file of `gpubench run --samples-out` (model/sample_log.hpp): what it writes
// reads back sample for sample, and other text is refused. Invented values.
#include "model/sample_log.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "model/sample_series.hpp"

namespace gpubench {
namespace {

TEST(SampleLog, WhatItWritesReadsBackSampleForSample) {
  SampleLog log;
  log.add({"gemm/x/manual_time", 0, 1, {8.4e-6, 9.1e-6, 8.4e-6}, {1}});
  log.add({"gemm/x/manual_time", 1, 16, {8.2e-6}, {}});
  EXPECT_EQ(log.size(), 2u);
  const std::vector<SampledRepetition> read = parse_sample_log(log.to_json());
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].run_name, "gemm/x/manual_time");
  EXPECT_EQ(read[0].repetition, 0);
  EXPECT_EQ(read[0].launches_per_sample, 1);
  EXPECT_EQ(read[0].seconds, (std::vector<double>{8.4e-6, 9.1e-6, 8.4e-6}));  // exact: round trip
  EXPECT_EQ(read[0].throttled, (std::vector<std::size_t>{1}));
  EXPECT_EQ(read[1].repetition, 1);
  EXPECT_EQ(read[1].launches_per_sample, 16);
  EXPECT_TRUE(read[1].throttled.empty());
}

TEST(SampleLog, OtherTextIsRefused) {
  EXPECT_THROW(parse_sample_log("{\"benchmarks\": []}"), std::runtime_error);
  EXPECT_THROW(parse_sample_log("not json"), std::runtime_error);
  EXPECT_THROW(parse_sample_log(R"({"format": "gpubench-samples", "version": 1,
      "repetitions": [{"run_name": "x"}]})"),
               std::runtime_error);
  EXPECT_NO_THROW(parse_sample_log(SampleLog().to_json()));
}

TEST(SampleLog, TheSeriesSaysWhichSamplesItDropsAsThrottled) {
  // The clock reads 1000 MHz until t = 1 s, then 500 MHz: below 75% of 1000 from the second sample.
  std::vector<TelemetrySample> readings(2);
  readings[0].time_s = 0.0;
  readings[0].sm_clock_mhz = 1000.0;
  readings[1].time_s = 1.0;
  readings[1].sm_clock_mhz = 500.0;
  SampleSeries series(StoppingRule{}, 1000.0);
  series.add({.seconds = 1e-3, .begin_s = 0.1, .end_s = 0.2}, readings);
  series.add({.seconds = 2e-3, .begin_s = 1.1, .end_s = 1.2}, readings);
  EXPECT_EQ(series.throttled(readings), (std::vector<bool>{false, true}));
  ASSERT_EQ(series.samples().size(), 2u);
  EXPECT_EQ(series.samples()[1].seconds, 2e-3);
  EXPECT_EQ(series.summarize(readings).throttled, 1u);
}

}  // namespace
}  // namespace gpubench
