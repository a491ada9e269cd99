#include "harness/compare/stats.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

// Two-sided 95% critical values t(0.975, df), from the NIST/SEMATECH e-Handbook of
// Statistical Methods, Table 1.3.6.7.2 (Critical Values of the Student's t Distribution).
TEST(StudentTTest, MatchesPublishedCriticalValues) {
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.706, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 2), 4.303, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 4), 2.776, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 9), 2.262, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 29), 2.045, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.95, 10), 1.812, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 1e7), 1.960, 1e-3);
}

TEST(SummarizeTest, MeanSampleStdAndInterval) {
  SeedSummary s = Summarize({65, 66, 67});
  EXPECT_EQ(s.n, 3);
  EXPECT_DOUBLE_EQ(s.mean, 66);
  EXPECT_DOUBLE_EQ(s.std, 1);  // sample std (n - 1), not population
  EXPECT_NEAR(s.sem, 0.57735, 1e-5);
  EXPECT_NEAR(*s.ci_low, 66 - 4.302653 * 0.57735, 1e-4);
  EXPECT_NEAR(*s.ci_high, 66 + 4.302653 * 0.57735, 1e-4);
  EXPECT_EQ(s.min, 65);
  EXPECT_EQ(s.max, 67);
}

TEST(SummarizeTest, OneValueHasNoInterval) {
  SeedSummary s = Summarize({0.97});
  EXPECT_EQ(s.n, 1);
  EXPECT_EQ(s.std, 0);
  EXPECT_FALSE(s.ci_low.has_value());
}

TEST(SummarizeTest, StableForLargeCommonOffsets) {
  SeedSummary s = Summarize({1e9 + 1, 1e9 + 2, 1e9 + 3});
  EXPECT_NEAR(s.std, 1.0, 1e-6);
}

}  // namespace
}  // namespace repro
