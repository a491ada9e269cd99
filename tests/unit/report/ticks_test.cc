#include "harness/report/ticks.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

std::vector<std::string> Labels(const std::vector<Tick>& ticks) {
  std::vector<std::string> labels;
  for (const Tick& tick : ticks) labels.push_back(tick.label);
  return labels;
}

TEST(ExactDecimal, WritesTheValueWithoutFloatNoise) {
  EXPECT_EQ(ExactDecimal(0, -5), "0");
  EXPECT_EQ(ExactDecimal(25, -3), "0.025");
  EXPECT_EQ(ExactDecimal(188, -2), "1.88");
  EXPECT_EQ(ExactDecimal(-15, -1), "-1.5");
  EXPECT_EQ(ExactDecimal(2, 3), "2000");
  EXPECT_EQ(ExactDecimal(2000, -3), "2");
  EXPECT_EQ(ExactDecimal(25, -8), "2.5e-07");
  EXPECT_EQ(ExactDecimal(1, 9), "1e+09");
  EXPECT_EQ(ExactDecimal(3, -4), "0.0003");
}

// The example: an axis around a claim of 1.88 puts a tick at 1.88 itself.
TEST(NiceScale, TicksAtRoundValuesAndTheAxisEndsOnTicks) {
  LinearScale scale = NiceScale(1.8435, 1.9165);
  EXPECT_EQ(Labels(scale.ticks), (std::vector<std::string>{"1.84", "1.86", "1.88", "1.9", "1.92"}));
  EXPECT_DOUBLE_EQ(scale.low, 1.84);
  EXPECT_DOUBLE_EQ(scale.high, 1.92);
  EXPECT_EQ(scale.ticks[2].value, 1.88) << "the tick labelled 1.88 stands at 1.88";
  EXPECT_EQ(Labels(NiceScale(0, 10).ticks), (std::vector<std::string>{"0", "2", "4", "6", "8", "10"}));
  EXPECT_EQ(Labels(NiceScale(0, 0.1).ticks), (std::vector<std::string>{"0", "0.02", "0.04", "0.06", "0.08", "0.1"}));
  EXPECT_EQ(Labels(NiceScale(0.83, 0.94).ticks),
            (std::vector<std::string>{"0.825", "0.85", "0.875", "0.9", "0.925", "0.95"}));
  EXPECT_EQ(Labels(NiceScale(-3, 7).ticks), (std::vector<std::string>{"-4", "-2", "0", "2", "4", "6", "8"}));
}

TEST(NiceScale, AZeroSpanStillGetsTwoTicks) {
  LinearScale scale = NiceScale(0.9, 0.9);
  EXPECT_GE(scale.ticks.size(), 2u);
  EXPECT_LT(scale.low, 0.9);
  EXPECT_GT(scale.high, 0.9);
  EXPECT_GE(NiceScale(0, 0).ticks.size(), 2u);
}

TEST(TicksWithin, StepsZeroTo2000KeepTheirEnds) {
  EXPECT_EQ(Labels(TicksWithin(0, 2000)), (std::vector<std::string>{"0", "500", "1000", "1500", "2000"}));
  EXPECT_EQ(Labels(TicksWithin(100, 6000)), (std::vector<std::string>{"2000", "4000", "6000"}));
  EXPECT_TRUE(TicksWithin(5, 5).empty());
}

TEST(LogTicks, OneTwoFiveWithinAFewDecadesThenPowersOfTen) {
  EXPECT_EQ(Labels(LogTicks(0.3, 20)), (std::vector<std::string>{"0.5", "1", "2", "5", "10", "20"}));
  EXPECT_EQ(Labels(LogTicks(1e-4, 10)), (std::vector<std::string>{"0.0001", "0.001", "0.01", "0.1", "1", "10"}));
  EXPECT_TRUE(LogTicks(0, 10).empty()) << "no log axis through zero";
}

}  // namespace
}  // namespace repro
