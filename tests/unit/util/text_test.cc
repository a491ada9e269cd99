#include "harness/util/text.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <random>

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
  for (const char* bad :
       {"nan", ".nan", "inf", ".inf", "1e309", "1e-400", "92.3%", "1,5", "0x10", "", "-", "1e", " 1"}) {
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

namespace repro {
namespace {

TEST(ParseDecimalTest, ShortDecimalsGiveTheCorrectlyRoundedValueOfFromChars) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200000; ++i) {
    int digits = static_cast<int>(rng() % 15) + 1, decimals = static_cast<int>(rng() % (digits + 1));
    std::string text = std::to_string(rng() % 1000000000000000ULL);
    text = text.substr(0, static_cast<size_t>(digits));
    if (decimals > 0)
      text.insert(text.size() - static_cast<size_t>(std::min<int>(decimals, static_cast<int>(text.size()))), ".");
    if (rng() % 4 == 0) text.insert(0, "-");
    double expected = 0;
    std::from_chars(text.data(), text.data() + text.size(), expected);
    std::optional<double> parsed = ParseDecimal(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    ASSERT_EQ(std::bit_cast<uint64_t>(*parsed), std::bit_cast<uint64_t>(expected)) << text;
  }
}

}  // namespace
}  // namespace repro
