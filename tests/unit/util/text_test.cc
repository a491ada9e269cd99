#include "harness/util/text.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

TEST(EditDistanceTest, CountsInsertionsDeletionsSubstitutions) {
  EXPECT_EQ(EditDistance("tolerence", "tolerance"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("mpl", "mlp"), 1u) << "a transposition is one typo";
}

TEST(DidYouMeanTest, SuggestsOnlyCloseNames) {
  std::vector<std::string> keys = {"tolerance", "reported", "metric"};
  EXPECT_EQ(DidYouMean("tolerence", keys), " (did you mean 'tolerance'?)");
  EXPECT_EQ(DidYouMean("zzz", keys), "");
}

TEST(ParseDecimalTest, AcceptsPlainDecimalsOnly) {
  EXPECT_EQ(ParseDecimal("68"), 68.0);
  EXPECT_EQ(ParseDecimal("-0.49"), -0.49);
  EXPECT_EQ(ParseDecimal("2.8e-6"), 2.8e-6);
  EXPECT_EQ(ParseDecimal(".5"), 0.5);
  for (const char* bad : {"nan", ".nan", "inf", ".inf", "1e309", "1e-400", "92.3%", "1,5", "0x10", "", "-", "1e", " 1"}) {
    EXPECT_FALSE(ParseDecimal(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParseDecimal("0.0"), 0.0);  // a real zero is not an underflow
}

TEST(PrintedDecimalsTest, FollowsThePrintedPrecision) {
  EXPECT_EQ(PrintedDecimals("94"), 0);
  EXPECT_EQ(PrintedDecimals("68.20"), 2);
  EXPECT_EQ(PrintedDecimals("1.88"), 2);
  EXPECT_EQ(PrintedDecimals("2.8e-6"), 7);
  EXPECT_EQ(PrintedDecimals("3e2"), -2);
}

}  // namespace
}  // namespace repro
