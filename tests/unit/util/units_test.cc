#include "harness/util/units.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

TEST(ParseDurationTest, ReadsUnitsAndCombinations) {
  EXPECT_EQ(ParseDuration("90s"), 90.0);
  EXPECT_EQ(ParseDuration("30m"), 1800.0);
  EXPECT_EQ(ParseDuration("1h30m"), 5400.0);
  EXPECT_EQ(ParseDuration("45"), 45.0);
  EXPECT_EQ(ParseDuration("250ms"), 0.25);
  EXPECT_FALSE(ParseDuration("soon"));
  EXPECT_FALSE(ParseDuration("0s"));
  EXPECT_FALSE(ParseDuration("-5m"));
  EXPECT_FALSE(ParseDuration("5 minutes"));
}

TEST(ParseBytesTest, ReadsBinarySuffixes) {
  EXPECT_EQ(ParseBytes("4G"), int64_t{4} << 30);
  EXPECT_EQ(ParseBytes("512MiB"), int64_t{512} << 20);
  EXPECT_EQ(ParseBytes("100"), 100);
  EXPECT_FALSE(ParseBytes("4X"));
  EXPECT_FALSE(ParseBytes("lots"));
}

TEST(FormatDurationTest, PicksAReadableUnit) {
  EXPECT_EQ(FormatDuration(0.35), "350ms");
  EXPECT_EQ(FormatDuration(4.24), "4.2s");
  EXPECT_EQ(FormatDuration(125), "2m05s");
  EXPECT_EQ(FormatDuration(3723), "1h02m03s");
}

}  // namespace
}  // namespace repro
