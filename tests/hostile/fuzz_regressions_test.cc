// Inputs the fuzz targets of tests/fuzz found (scripts/fuzz), each fed to the function the
// target calls. Each case aborted under UBSan, or gave a wrong value, before its fix.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/metrics/extract.h"
#include "harness/metrics/files.h"

namespace repro {
namespace {

std::vector<Observation> JsonLineObservations(const std::string& line) {
  std::vector<Observation> seen;
  EXPECT_TRUE(ReadJsonLine(line, "acc", "step", [&](Observation o) { seen.push_back(std::move(o)); }));
  return seen;
}

// files_fuzz/extract_fuzz: a JSON Lines step beyond int64 (a float to nlohmann) was converted
// to int64_t: undefined behaviour. Such a step is no step; the value still counts.
TEST(FuzzRegressions, JsonLinesStepOutOfRangeIsNoStep) {
  for (const char* step : {"133333333333333333333", "1e300", "-1e19", "18446744073709551615", "9223372036854775808"}) {
    std::vector<Observation> seen = JsonLineObservations(std::string(R"({"step": )") + step + R"(, "acc": 0.5})");
    ASSERT_EQ(seen.size(), 1u) << step;
    EXPECT_EQ(seen[0].value, 0.5) << step;
    EXPECT_FALSE(seen[0].step.has_value()) << step;
  }
  EXPECT_EQ(JsonLineObservations(R"({"step": 9223372036854775807, "acc": 1})")[0].step, INT64_MAX);
  EXPECT_EQ(JsonLineObservations(R"({"step": -9223372036854775808, "acc": 1})")[0].step, INT64_MIN);
  EXPECT_EQ(JsonLineObservations(R"({"step": 2.5, "acc": 1})")[0].step, 2);
}

// files_fuzz crash-50e7c884: a TSV step column of 40 digits.
TEST(FuzzRegressions, CsvStepOutOfRangeIsNoStep) {
  std::vector<Observation> seen;
  Status read = ReadCsv("step\tacc\n1888888800077777777777777777777777777777\t0.5\n-1e300\t0.25\n7\t1\n", '\t', "acc",
                        "step", [&](Observation o) { seen.push_back(std::move(o)); });
  ASSERT_TRUE(read) << read.error();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].value, 0.5);
  EXPECT_FALSE(seen[0].step.has_value());
  EXPECT_FALSE(seen[1].step.has_value());
  EXPECT_EQ(seen[2].step, 7);
}

// extract_fuzz crash-77b67cc3: a regex's step group of 24 digits; the observation takes the
// next index instead.
TEST(FuzzRegressions, RegexStepOutOfRangeTakesTheNextIndex) {
  MetricSpec spec;
  spec.name = "acc";
  spec.pattern = R"(epoch (?<step>\d+) acc=(?<value>\S+))";
  std::vector<Observation> seen;
  MetricCollector collector({spec}, [&](const std::string&, const Observation& o) { seen.push_back(o); });
  collector.OnOutput(StreamId::kStdout, "epoch 999999999999999999999999 acc=0.5\nepoch 3 acc=0.75\n");
  collector.OnOutput(StreamId::kStdout, {});
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].value, 0.5);
  EXPECT_EQ(seen[0].step, 0);
  EXPECT_EQ(seen[1].step, 3);
}

}  // namespace
}  // namespace repro
