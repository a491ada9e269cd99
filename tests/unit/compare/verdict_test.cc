#include "harness/compare/verdict.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace repro {
namespace {

Claim MakeClaim(const std::string& reported, Better better = Better::kEither, std::optional<double> abs = std::nullopt) {
  Claim claim;
  claim.id = "c";
  claim.metric = "acc";
  claim.reported = *ParseReported(reported);
  claim.better = better;
  claim.tolerance_abs = abs;
  return claim;
}

Side Completed(std::vector<double> values, const std::string& label = "e.acc", int64_t first_seed = 0) {
  Side side{label, {}};
  for (size_t i = 0; i < values.size(); ++i) {
    RunEvidence run;
    run.label = label + " seed=" + std::to_string(first_seed + static_cast<int64_t>(i));
    run.seed = first_seed + static_cast<int64_t>(i);
    run.state = RunEvidence::State::kCompleted;
    run.status = "completed";
    run.value = values[i];
    run.flag = "ok";
    side.runs.push_back(run);
  }
  return side;
}

TEST(AllowedDeviationTest, RoundingOfThePrintedValueWidenedByTheLargestTolerance) {
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("94")), 0.5);         // "94" means [93.5, 94.5]
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("1.88")), 0.005);     // "1.88" means [1.875, 1.885]
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("2.8e-6")), 0.05e-6);
  EXPECT_NEAR(AllowedDeviation(MakeClaim("37 ± 2 (x10^-3)")), 0.5e-3, 1e-15);
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("68", Better::kEither, 2.0)), 2.5);
  Claim combined = MakeClaim("50 +- 4");
  combined.tolerance_abs = 1;
  combined.tolerance_rel = 0.05;   // 2.5
  combined.tolerance_sigma = 1.5;  // 6
  EXPECT_DOUBLE_EQ(AllowedDeviation(combined), 0.5 + 6);
  combined.rounding = false;
  EXPECT_DOUBLE_EQ(AllowedDeviation(combined), 6);
}

TEST(JudgeValueTest, OneSeedUsesTheToleranceAndSaysSo) {
  Verdict v = JudgeValue(MakeClaim("94"), Completed({94.6}));
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason, "measured 94.6 (n=1), claimed 94: 0.6 above, allowed ±0.5; n=1, so no test: not-reproduced");
  EXPECT_EQ(JudgeValue(MakeClaim("94"), Completed({94.4})).kind, VerdictKind::kReproduced);
  EXPECT_EQ(JudgeValue(MakeClaim("94"), Completed({93.6})).kind, VerdictKind::kReproduced);
}

TEST(JudgeValueTest, EquivalenceWhenTheIntervalIsInsideTheBand) {
  Verdict v = JudgeValue(MakeClaim("68", Better::kEither, 2.0), Completed({67.8, 68.0, 68.2, 67.9, 68.1}));
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  EXPECT_EQ(v.test, "TOST");
  EXPECT_LT(*v.p_value, 0.001);
  EXPECT_EQ(v.reason, "measured 68 ± 0.1581 (n=5), claimed 68: 0 off, allowed ±2.5; 90% interval [67.85, 68.15] inside "
                      "[65.5, 70.5] (TOST p<0.001): reproduced");
}

TEST(JudgeValueTest, DifferenceWhenTheIntervalIsOutsideTheBand) {
  Verdict v = JudgeValue(MakeClaim("68", Better::kEither, 2.0), Completed({62, 62.5, 63}));
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason, "measured 62.5 ± 0.5 (n=3), claimed 68: 5.5 below, allowed ±2.5; 90% interval [61.66, 63.34] entirely "
                      "below 65.5 (one-sided t p=0.0046): not-reproduced");
  // The same distance with more spread is not a proven difference.
  Verdict noisy = JudgeValue(MakeClaim("68", Better::kEither, 2.0), Completed({64, 65, 66}));
  EXPECT_EQ(noisy.kind, VerdictKind::kInconclusive);
  EXPECT_EQ(noisy.reason, "measured 65 ± 1 (n=3), claimed 68: 3 below, allowed ±2.5; 90% interval [63.31, 66.69] straddles "
                          "65.5 (TOST p=0.76): inconclusive, about 10 more seeds would decide");
}

TEST(JudgeValueTest, InconclusiveSaysHowManyMoreSeedsWouldDecide) {
  // mean 68, sd 2: the 90% half-width t(0.95, n-1) * 2 / sqrt(n) first fits in 1.5 at n = 7.
  Verdict v = JudgeValue(MakeClaim("68", Better::kEither, 1.0), Completed({66, 68, 70}));
  EXPECT_EQ(v.kind, VerdictKind::kInconclusive);
  EXPECT_EQ(v.more_seeds, 4);
  EXPECT_EQ(v.reason, "measured 68 ± 2 (n=3), claimed 68: 0 off, allowed ±1.5; 90% interval [64.63, 71.37] is wider than "
                      "the band [66.5, 69.5] (TOST p=0.16): inconclusive, about 4 more seeds would decide");
  Verdict straddle = JudgeValue(MakeClaim("68", Better::kEither, 1.0), Completed({66, 67, 68}));
  EXPECT_EQ(straddle.kind, VerdictKind::kInconclusive);
  EXPECT_NE(straddle.reason.find("90% interval [65.31, 68.69] straddles 66.5"), std::string::npos) << straddle.reason;
  Verdict on_edge = JudgeValue(MakeClaim("68", Better::kEither, 1.0), Completed({65.5, 66.5, 67.5}));
  EXPECT_FALSE(on_edge.more_seeds.has_value());
  EXPECT_NE(on_edge.reason.find("more seeds are unlikely to decide (the estimate sits on the boundary)"), std::string::npos);
}

TEST(JudgeValueTest, DirectionMakesDoingBetterNotAFailure) {
  Side high = Completed({95, 95.2, 94.8});
  EXPECT_EQ(JudgeValue(MakeClaim("90", Better::kHigher), high).kind, VerdictKind::kBetterThanClaimed);
  EXPECT_EQ(JudgeValue(MakeClaim("90", Better::kEither), high).kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(JudgeValue(MakeClaim("100", Better::kHigher), high).kind, VerdictKind::kNotReproduced);
  Verdict at_least = JudgeValue(MakeClaim("95", Better::kHigher), Completed({95.3, 95.5, 95.4}));
  EXPECT_EQ(at_least.kind, VerdictKind::kReproduced);
  EXPECT_EQ(at_least.test, "non-inferiority");
  Side low = Completed({0.10, 0.11, 0.09});
  EXPECT_EQ(JudgeValue(MakeClaim("0.3", Better::kLower), low).kind, VerdictKind::kBetterThanClaimed);
  EXPECT_EQ(JudgeValue(MakeClaim("0.05", Better::kLower), low).kind, VerdictKind::kNotReproduced);
}

// TOSTER's documented example, TOSTone.raw(m=0.52, mu=0.5, sd=0.5, n=300, low_eqbound=-0.1,
// high_eqbound=0.1, alpha=0.05) (Lakens, TOSTER package documentation). Its formulas:
// t1 = (m-mu-low)/(sd/sqrt(n)), p1 = pt(t1, n-1, lower=FALSE); t2 likewise with lower=TRUE.
// Reference values computed independently with SciPy 1.10 (scipy.stats.t.sf / .cdf / .ppf):
// p1 = 2.108450756519668e-05, p2 = 0.002966761875505435, 90% CI of m-mu [-0.0276304, 0.0676304].
TEST(TostTest, MatchesTheToosterWorkedExample) {
  Estimate e{0.52, 0.5 / std::sqrt(300.0), 299};
  EXPECT_NEAR(PGreater(e, 0.5 - 0.1), 2.108450756519668e-05, 1e-9);
  EXPECT_NEAR(PLess(e, 0.5 + 0.1), 0.002966761875505435, 1e-9);
  auto [lo, hi] = Interval(e, 0.90);
  EXPECT_NEAR(lo - 0.5, -0.027630408998862308, 1e-9);
  EXPECT_NEAR(hi - 0.5, 0.06763040899886234, 1e-9);

  // The same data as 300 seeds (mean 0.52, sample sd exactly 0.5): equivalent within ±0.1.
  double a = 0.5 * std::sqrt(299.0 / 300.0);
  std::vector<double> values;
  for (int i = 0; i < 150; ++i) {
    values.push_back(0.52 + a);
    values.push_back(0.52 - a);
  }
  Claim claim = MakeClaim("0.5", Better::kEither, 0.1);
  claim.rounding = false;
  Verdict v = JudgeValue(claim, Completed(values));
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  EXPECT_NEAR(*v.p_value, 0.002966761875505435, 1e-9);
}

TEST(JudgeValueProperty, TightSeedsAtTheClaimAreReproducedAndAShiftBeyondToleranceFlipsIt) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 50; ++trial) {
    std::normal_distribution<double> noise(0, 0.01);
    double claimed = std::uniform_real_distribution<double>(10, 90)(rng);
    std::vector<double> values;
    for (int i = 0; i < 10; ++i) values.push_back(claimed + noise(rng));
    Claim claim = MakeClaim(std::to_string(claimed), Better::kEither, 1.0);
    EXPECT_EQ(JudgeValue(claim, Completed(values)).kind, VerdictKind::kReproduced) << claimed;
    for (double& value : values) value += 1.2;  // beyond the 1.0 tolerance by far more than the noise
    EXPECT_EQ(JudgeValue(claim, Completed(values)).kind, VerdictKind::kNotReproduced) << claimed;
  }
}

TEST(JudgeValueTest, EvidenceThatCannotBeJudged) {
  Side side = Completed({90, 91});
  RunEvidence timeout;
  timeout.label = "e seed=2";
  timeout.seed = 2;
  timeout.state = RunEvidence::State::kUnfinished;
  timeout.status = "timeout";
  timeout.signal = 15;
  side.runs.push_back(timeout);
  EXPECT_EQ(JudgeValue(MakeClaim("90"), side).reason, "1 of 3 runs did not finish: e seed=2 timeout (signal 15)");

  Side pending = Completed({90});
  pending.runs.push_back(RunEvidence{});
  EXPECT_EQ(JudgeValue(MakeClaim("90"), pending).kind, VerdictKind::kPending);

  Side missing = Completed({90});
  missing.runs[0].value.reset();
  missing.runs[0].flag = "missing";
  missing.runs[0].message = "not found: looked in stdout lines matching /acc=/";
  EXPECT_EQ(JudgeValue(MakeClaim("90"), missing).reason,
            "metric not found in 1 of 1 runs (e.acc seed=0): not found: looked in stdout lines matching /acc=/");

  Side nan = Completed({90});
  nan.runs[0].value.reset();
  nan.runs[0].flag = "non-finite";
  nan.runs[0].message = "value 'nan' is non-finite";
  Verdict v = JudgeValue(MakeClaim("90"), nan);
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason, "not a finite number in 1 of 1 runs: e.acc seed=0 value 'nan' is non-finite");
}

Claim Compare(const std::string& expect) {
  Claim claim;
  claim.id = "cmp";
  claim.kind = ClaimKind::kComparison;
  claim.comparison = *ParseComparison(expect);
  return claim;
}

TEST(JudgeComparisonTest, PairedBySeedWhenBothSidesRanTheSameSeeds) {
  // scipy.stats.ttest_rel(b, a) on these: t = 3.1622776601683804, two-sided p = 0.03410942316740957.
  Side a = Completed({1, 2, 3, 4, 5}, "a.m"), b = Completed({1.5, 2.1, 3.9, 4.2, 5.8}, "b.m");
  Verdict v = JudgeComparison(Compare("b.m > a.m"), b, a);
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  EXPECT_EQ(v.test, "paired t");
  EXPECT_NEAR(*v.p_value, 0.03410942316740957 / 2, 1e-9);
  EXPECT_EQ(v.reason, "b.m - a.m = diff 0.5 ± 0.3536 (n=5, paired), claimed > 0: 90% interval [0.1629, 0.8371] entirely "
                      "above 0 (paired t p=0.017): reproduced");
  EXPECT_EQ(JudgeComparison(Compare("b.m > a.m + 2"), b, a).kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(JudgeComparison(Compare("b.m > a.m + 0.5"), b, a).kind, VerdictKind::kInconclusive);
}

TEST(JudgeComparisonTest, WelchWhenTheSeedsDiffer) {
  // Morey & Calin-Jageman (2016), as used in the TOSTER vignette: control n=95, M=5.25,
  // SD=0.95; organic n=89, M=5.22, SD=0.83. scipy.stats.ttest_ind_from_stats(...,
  // equal_var=False): t = 0.22847935450001453; Welch dof 181.13436716050748.
  SeedSummary control{95, 5.25, 0.95, 0.95 / std::sqrt(95.0), 0, 0, {}, {}};
  SeedSummary organic{89, 5.22, 0.83, 0.83 / std::sqrt(89.0), 0, 0, {}, {}};
  Estimate e = WelchDifference(control, organic);
  EXPECT_NEAR(e.value / e.se, 0.22847935450001453, 1e-9);
  EXPECT_NEAR(e.dof, 181.13436716050748, 1e-6);

  Side cnn = Completed({94.1, 93.8, 94.3}, "cnn.acc", 0), mlp = Completed({68.2, 67.5, 68.9, 68.0}, "mlp.acc", 10);
  Verdict v = JudgeComparison(Compare("cnn.acc > mlp.acc + 10"), cnn, mlp);
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  EXPECT_EQ(v.test, "Welch t");
  EXPECT_EQ(JudgeComparison(Compare("cnn.acc - mlp.acc < 20"), cnn, mlp).kind, VerdictKind::kNotReproduced);
}

TEST(JudgeComparisonTest, RatioFormAndSingleSeeds) {
  Side fast = Completed({10, 11, 9}, "fast.time"), slow = Completed({20, 21, 19}, "slow.time");
  EXPECT_EQ(JudgeComparison(Compare("fast.time / slow.time < 0.8"), fast, slow).kind, VerdictKind::kReproduced);
  EXPECT_EQ(JudgeComparison(Compare("fast.time / slow.time < 0.4"), fast, slow).kind, VerdictKind::kNotReproduced);
  Verdict single = JudgeComparison(Compare("x.m > y.m"), Completed({3}, "x.m"), Completed({2}, "y.m"));
  EXPECT_EQ(single.kind, VerdictKind::kReproduced);
  EXPECT_EQ(single.test, "none (n=1)");
}

TEST(JudgeRankingTest, EveryAdjacentPairInTheClaimedOrder) {
  Claim claim;
  claim.id = "rank";
  claim.kind = ClaimKind::kRanking;
  claim.better = Better::kHigher;
  std::vector<Side> order = {Completed({94, 94.2, 93.9}, "cnn.acc"), Completed({91, 91.3, 90.8}, "gru.acc"),
                             Completed({68, 68.4, 67.9}, "mlp.acc")};
  Verdict v = JudgeRanking(claim, order);
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  ASSERT_EQ(v.parts.size(), 2u);
  EXPECT_EQ(v.parts[0].substr(0, 20), "cnn.acc > gru.acc: d");
  EXPECT_EQ(v.reason, "2 of 2 adjacent pairs in the claimed order: reproduced");
  std::swap(order[1], order[2]);
  EXPECT_EQ(JudgeRanking(claim, order).kind, VerdictKind::kNotReproduced);
}

TEST(CombineForAllTest, TheWorstValueDecides) {
  Claim claim = MakeClaim("68");
  claim.for_all = "lr";
  Verdict good = JudgeValue(claim, Completed({68.1}));
  Verdict bad = JudgeValue(claim, Completed({60}));
  Verdict v = CombineForAll(claim, {{"lr=0.1", good}, {"lr=0.01", bad}});
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason, "holds at 1 of 2 values of lr: not-reproduced");
  EXPECT_EQ(v.parts[1].rfind("lr=0.01: measured 60 (n=1)", 0), 0u);
  EXPECT_EQ(CombineForAll(claim, {{"lr=0.1", good}, {"lr=0.01", good}}).kind, VerdictKind::kReproduced);
}

TEST(FormatTest, NumbersAndPValues) {
  EXPECT_EQ(FormatNumber(0.97333333), "0.9733");
  EXPECT_EQ(FormatNumber(68.0), "68");
  EXPECT_EQ(FormatNumber(-2.6), "-2.6");
  EXPECT_EQ(FormatNumber(2.8e-6), "2.800e-06");
  EXPECT_EQ(FormatP(0.0004), "p<0.001");
  EXPECT_EQ(FormatP(0.01705), "p=0.017");
}

TEST(SeedsToResolveTest, SmallestSampleWhoseIntervalFits) {
  EXPECT_EQ(SeedsToResolve(2.0, 1.5), 7);
  EXPECT_FALSE(SeedsToResolve(2.0, 0).has_value());
  EXPECT_FALSE(SeedsToResolve(100.0, 1e-6).has_value()) << "beyond the cap";
}

}  // namespace
}  // namespace repro
