#include "harness/metrics/extract.h"

#include <gtest/gtest.h>

#include "harness/metrics/lines.h"
#include "tests/test_util.h"

namespace repro {
namespace {

TEST(ParseObservedNumberTest, FlagsWhatIsNotAFiniteNumber) {
  EXPECT_EQ(ParseObservedNumber("0.93").flag, ValueFlag::kOk);
  EXPECT_EQ(ParseObservedNumber("-0").value, 0.0);
  for (const char* text : {"nan", "NaN", "inf", "-inf", "Infinity", "1e309"}) {
    EXPECT_EQ(ParseObservedNumber(text).flag, ValueFlag::kNonFinite) << text;
  }
  for (const char* text : {"0,93", "abc", "", "0.9.3"}) {
    EXPECT_EQ(ParseObservedNumber(text).flag, ValueFlag::kUnparseable) << text;
  }
}

std::vector<Observation> Series(std::vector<std::string> texts) {
  std::vector<Observation> series;
  for (const std::string& text : texts) series.push_back(ParseObservedNumber(text));
  return series;
}

TEST(ReduceTest, EachReducer) {
  EXPECT_EQ(Reduce("m", Reducer::kLast, Series({"1", "3", "2"})).value, 2.0);
  EXPECT_EQ(Reduce("m", Reducer::kMin, Series({"1", "3", "2"})).value, 1.0);
  EXPECT_EQ(Reduce("m", Reducer::kMax, Series({"1", "3", "2"})).value, 3.0);
  EXPECT_EQ(Reduce("m", Reducer::kMean, Series({"1", "3", "2"})).value, 2.0);
  EXPECT_EQ(Reduce("m", Reducer::kLast, {}).flag, ValueFlag::kMissing);
}

TEST(ReduceTest, NonFiniteValuesAreNeverHidden) {
  MetricValue diverged = Reduce("loss", Reducer::kMin, Series({"0.5", "nan", "0.4"}));
  EXPECT_EQ(diverged.flag, ValueFlag::kNonFinite);
  EXPECT_FALSE(diverged.value.has_value());
  EXPECT_EQ(diverged.message, "value 'nan' is non-finite");
  // "last" looks only at the last value.
  EXPECT_EQ(Reduce("loss", Reducer::kLast, Series({"nan", "0.4"})).value, 0.4);
}

TEST(MetricCollectorTest, RegexOverStreamsWithSteps) {
  MetricSpec acc{"acc", MetricSource::kStdout, R"(step (?<step>\d+) acc=(?<value>\S+))", "", "", Reducer::kMax};
  MetricSpec err{"err", MetricSource::kStderr, R"(err (?<value>\S+))", "", "", Reducer::kLast};
  MetricCollector collector({acc, err});
  collector.OnLine(StreamId::kStdout, "step 10 acc=0.5");
  collector.OnLine(StreamId::kStderr, "step 20 acc=0.9");  // wrong stream: ignored
  collector.OnLine(StreamId::kStdout, "step 20 acc=0.7");
  collector.OnLine(StreamId::kStderr, "err 0.25");
  std::vector<MetricValue> values = collector.Finish([](const MetricSpec&) { return std::filesystem::path(); });
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].value, 0.7);
  ASSERT_EQ(values[0].series.size(), 2u);
  EXPECT_EQ(values[0].series[1].step, 20);
  EXPECT_EQ(values[1].value, 0.25);
}

TEST(MetricCollectorTest, MissingMetricSaysWhereItLooked) {
  MetricCollector collector({{"acc", MetricSource::kStdout, "acc=(?<value>\\S+)", "", "", Reducer::kLast}});
  collector.OnLine(StreamId::kStdout, "nothing here");
  MetricValue value = collector.Finish([](const MetricSpec&) { return std::filesystem::path(); })[0];
  EXPECT_EQ(value.flag, ValueFlag::kMissing);
  EXPECT_EQ(value.message, "not found: looked in stdout lines matching /acc=(?<value>\\S+)/");
}

TEST(MetricCollectorTest, InvalidUtf8DoesNotHideTheMetricOnTheSameLine) {
  MetricCollector collector({{"acc", MetricSource::kStdout, "acc=(?<value>[0-9.]+)", "", "", Reducer::kLast}});
  collector.OnLine(StreamId::kStdout, "caf\xe9 acc=0.5");
  EXPECT_EQ(collector.Finish([](const MetricSpec&) { return std::filesystem::path(); })[0].value, 0.5);
}

TEST(ExtractJsonTest, NumbersArraysAndErrors) {
  EXPECT_EQ(ExtractJson(R"({"test": {"acc": 0.9}})", "/test/acc")->front().value, 0.9);
  std::vector<Observation> series = *ExtractJson(R"({"loss": [3, 2, 1]})", "/loss");
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[2].step, 2);
  EXPECT_EQ((*ExtractJson(R"({"acc": "NaN"})", "/acc"))[0].flag, ValueFlag::kNonFinite);
  EXPECT_EQ(ExtractJson(R"({"acc": 1})", "/nope").error(), "nothing at JSON pointer '/nope'");
  EXPECT_EQ(ExtractJson("{not json", "/a").error(), "not valid JSON");
}

TEST(MetricCollectorTest, JsonFileMetric) {
  testing::ScopedTempDir dir;
  testing::WriteText(dir / "out/m.json", R"({"acc": [0.5, 0.8]})");
  MetricSpec spec{"acc", MetricSource::kJsonFile, "", "out/m.json", "/acc", Reducer::kMax};
  MetricCollector collector({spec});
  std::vector<MetricValue> values = collector.Finish([&](const MetricSpec& s) { return dir / s.file; });
  EXPECT_EQ(values[0].value, 0.8);
  MetricCollector absent({spec});
  MetricValue missing = absent.Finish([&](const MetricSpec&) { return dir / "none.json"; })[0];
  EXPECT_EQ(missing.flag, ValueFlag::kMissing);
  EXPECT_NE(missing.message.find("none.json (not readable"), std::string::npos) << missing.message;
}

TEST(LineSplitterTest, CleansProgressBarsAndColours) {
  std::vector<std::string> lines;
  LineSplitter splitter([&](std::string_view line) { lines.emplace_back(line); });
  splitter.Feed("10%|#   \r50%|##  \r100%|####\r\n\x1b[32macc=0.9\x1b[0m\npart");
  splitter.Feed("ial");
  splitter.Finish();
  EXPECT_EQ(lines, (std::vector<std::string>{"100%|####", "acc=0.9", "partial"}));
}

TEST(LineSplitterTest, OverlongLinesAreCutAndMemoryStaysBounded) {
  std::vector<std::string> lines;
  LineSplitter splitter([&](std::string_view line) { lines.emplace_back(line); }, /*max_line=*/16);
  splitter.Feed("acc=1 " + std::string(1000, 'x'));
  splitter.Feed(std::string(1000, 'y') + "\nnext\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "acc=1 xxxxxxxxxx");
  EXPECT_EQ(lines[1], "next");
  EXPECT_EQ(splitter.overlong_lines(), 1u);
}

}  // namespace
}  // namespace repro
