#include "harness/compare/verdict.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "harness/report/cells.h"

namespace repro {
namespace {

Claim MakeClaim(const std::string& reported, Better better = Better::kEither,
                std::optional<double> abs = std::nullopt) {
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
    run.status = AttemptStatus::kCompleted;
    run.value = values[i];
    run.flag = ValueFlag::kOk;
    side.runs.push_back(run);
  }
  return side;
}

TEST(AllowedDeviationTest, RoundingOfThePrintedValueWidenedByTheLargestTolerance) {
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("94")), 0.5);      // "94" means [93.5, 94.5]
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("1.88")), 0.005);  // "1.88" means [1.875, 1.885]
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

TEST(JudgeValueTest, OneSeedUsesADeclaredToleranceAndSaysSo) {
  Verdict v = JudgeValue(MakeClaim("94", Better::kEither, 0.5), Completed({95.1}));
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason,
            "measured 95.10 (n=1), claimed 94: 1.10 above, allowed ±1; n=1, so no test: the declared tolerance "
            "decides: not-reproduced");
  EXPECT_EQ(JudgeValue(MakeClaim("94", Better::kEither, 0.5), Completed({94.9})).kind, VerdictKind::kReproduced);
  EXPECT_EQ(JudgeValue(MakeClaim("94", Better::kEither, 0.5), Completed({93.1})).kind, VerdictKind::kReproduced);
}

// nanoGPT's README: val loss "1.88"; one CPU run gives 1.8857. The printed digits (±0.005)
// are the paper's rounding, not a measure of how much a second run would differ.
TEST(JudgeValueTest, OneStochasticRunAgainstOnlyThePrintedDigitsIsInconclusive) {
  Verdict v = JudgeValue(MakeClaim("1.88"), Completed({1.8857}));
  EXPECT_EQ(v.kind, VerdictKind::kInconclusive);
  EXPECT_EQ(v.test, "none (n=1)");
  EXPECT_EQ(v.lean, "the value is outside the band");
  EXPECT_EQ(v.reason,
            "measured 1.8857 (n=1), claimed 1.88: 0.0057 above, allowed ±0.005; one run of code not declared "
            "deterministic, and the band is only the paper's printed digits, which say nothing of run-to-run "
            "noise: inconclusive; the value is outside the band; to decide, run several seeds, declare a "
            "tolerance, or declare the experiment 'deterministic: true' if it is");
  EXPECT_EQ(JudgeValue(MakeClaim("1.88"), Completed({1.8817})).lean, "the value is inside the band");
  EXPECT_EQ(JudgeValue(MakeClaim("1.88"), Completed({1.8817})).kind, VerdictKind::kInconclusive);
}

TEST(JudgeValueTest, ADeterministicExperimentIsDecidedByOneRunAgainstThePrintedDigits) {
  Claim claim = MakeClaim("1.88");
  claim.deterministic = true;
  Verdict v = JudgeValue(claim, Completed({1.8857}));
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.test, "none (deterministic)");
  EXPECT_EQ(v.reason,
            "measured 1.8857 (n=1), claimed 1.88: 0.0057 above, allowed ±0.005; declared deterministic, so one run "
            "decides: not-reproduced");
  EXPECT_EQ(JudgeValue(claim, Completed({1.8843})).kind, VerdictKind::kReproduced);
  claim.better = Better::kLower;
  EXPECT_EQ(JudgeValue(claim, Completed({1.8643})).kind, VerdictKind::kBetterThanClaimed);
}

// A measured 0.95 against a claimed "1.0" (±0.05) lies on the band's edge, which is inside;
// in binary floating point 1.0 - 0.95 is 0.05000000000000004 and would put it outside.
TEST(JudgeValueTest, BandEdgesAreDecidedInDecimalAsPrinted) {
  ASSERT_GT(1.0 - 0.95, 0.05) << "the binary arithmetic this test guards against";
  Claim claim = MakeClaim("1.0");
  claim.deterministic = true;
  EXPECT_EQ(JudgeValue(claim, Completed({0.95})).kind, VerdictKind::kReproduced);
  EXPECT_EQ(JudgeValue(claim, Completed({1.05})).kind, VerdictKind::kReproduced);
  EXPECT_EQ(JudgeValue(claim, Completed({0.9499})).kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(JudgeValue(claim, Completed({1.0501})).kind, VerdictKind::kNotReproduced);
  // Deterministic seeds at the edge: a zero-width interval on the edge is inside.
  EXPECT_EQ(JudgeValue(claim, Completed({0.95, 0.95, 0.95})).kind, VerdictKind::kReproduced);
  Claim scaled = MakeClaim("37 ± 2 (x10^-3)");
  scaled.deterministic = true;
  EXPECT_EQ(JudgeValue(scaled, Completed({0.0365})).kind, VerdictKind::kReproduced);
  EXPECT_EQ(JudgeValue(scaled, Completed({0.0375})).kind, VerdictKind::kReproduced);
}

// Three seeds of code that never receives the seed: one value three times is not a spread of 0.
TEST(JudgeValueTest, BitIdenticalSeedsCountAsOneRun) {
  Verdict v = JudgeValue(MakeClaim("0.5", Better::kEither, 0.01), Completed({0.5, 0.5, 0.5}));
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  EXPECT_EQ(v.test, "none (n=1)");
  EXPECT_EQ(v.summary->n, 1);
  EXPECT_FALSE(v.p_value.has_value()) << "no test was run, so no p-value is shown";
  EXPECT_EQ(v.seeds, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(v.reason,
            "measured 0.500 (n=1), claimed 0.5: 0.000 off, allowed ±0.06; the 3 seeds gave bit-identical values (does "
            "the seed reach the code?), so they count as one run; n=1, so no test: the declared tolerance "
            "decides: reproduced");
  // Without a declared tolerance that one run cannot decide.
  EXPECT_EQ(JudgeValue(MakeClaim("0.5"), Completed({0.5, 0.5, 0.5})).kind, VerdictKind::kInconclusive);
  // Values that differ in the last bit are different runs.
  Verdict close = JudgeValue(MakeClaim("0.5", Better::kEither, 0.01), Completed({0.5, std::nextafter(0.5, 1.0), 0.5}));
  EXPECT_EQ(close.summary->n, 3);
  EXPECT_EQ(close.test, "TOST");
  // Declared deterministic, identical seeds are what is expected, and they are tested as seeds.
  Claim deterministic = MakeClaim("0.5");
  deterministic.deterministic = true;
  Verdict d = JudgeValue(deterministic, Completed({0.5, 0.5, 0.5}));
  EXPECT_EQ(d.kind, VerdictKind::kReproduced);
  EXPECT_EQ(d.summary->n, 3);
  EXPECT_EQ(d.reason.find("bit-identical"), std::string::npos);
}

Side WithPrintedSpread(double value, std::optional<double> std, std::optional<int64_t> count) {
  Side side = Completed({value});
  side.runs[0].std = std;
  side.runs[0].count = count;
  return side;
}

// A boosting paper's script prints "RMSE 0.17 +/- 0.004" over 5 data splits: a mean, a
// standard deviation and n, from which a t-interval follows as from 5 seeds.
TEST(JudgeValueTest, APrintedSpreadWithItsCountIsTestedAsASummaryStatistic) {
  // se = 0.004 / sqrt(5) = 0.001789, t(0.95, 4) = 2.1318: 90% interval 0.17 ± 0.003814.
  Verdict v = JudgeValue(MakeClaim("0.17"), WithPrintedSpread(0.17, 0.004, 5));
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  EXPECT_EQ(v.test, "TOST (printed spread)");
  ASSERT_TRUE(v.interval90.has_value());
  EXPECT_NEAR(v.interval90->first, 0.17 - 2.131846786 * 0.004 / std::sqrt(5.0), 1e-8);
  EXPECT_EQ(v.measured, "0.17 ± 0.004 (printed, n=5)");
  EXPECT_EQ(v.reason,
            "measured 0.1700 (n=1), claimed 0.17: 0.0000 off, allowed ±0.005; the code printed ± 0.004 over n=5: 90% "
            "interval [0.1662, 0.1738] inside [0.165, 0.175] (TOST p=0.025): reproduced");
  Verdict edge = JudgeValue(MakeClaim("0.17"), WithPrintedSpread(0.173, 0.004, 5));
  EXPECT_EQ(edge.kind, VerdictKind::kInconclusive);
  EXPECT_EQ(edge.lean, "the value is inside the band");
  EXPECT_EQ(JudgeValue(MakeClaim("0.17"), WithPrintedSpread(0.19, 0.004, 5)).kind, VerdictKind::kNotReproduced);
  // A printed spread too wide for the band is not a reproduction, whatever the digits.
  EXPECT_EQ(JudgeValue(MakeClaim("0.17"), WithPrintedSpread(0.17, 0.04, 5)).kind, VerdictKind::kInconclusive);
}

// Repeats inside one run ("--repeats 5") are samples as seeds are; with several seeds each
// repeat of each seed is one sample, and pairs match by seed and repeat.
Claim Compare(const std::string& expect) {
  Claim claim;
  claim.id = "cmp";
  claim.kind = ClaimKind::kComparison;
  claim.comparison = *ParseComparison(expect);
  return claim;
}

Side Replicates(const std::vector<std::vector<double>>& per_seed, const std::string& label = "e.acc") {
  Side side{label, {}};
  for (size_t seed = 0; seed < per_seed.size(); ++seed) {
    Side one = Completed(per_seed[seed], label, static_cast<int64_t>(seed));
    for (size_t i = 0; i < one.runs.size(); ++i) {
      one.runs[i].seed = static_cast<int64_t>(seed);
      one.runs[i].replicate = static_cast<int64_t>(i);
      side.runs.push_back(one.runs[i]);
    }
  }
  return side;
}

TEST(JudgeValueTest, InRunReplicatesAreSamplesAsSeedsAre) {
  Side one_run = Replicates({{0.90, 0.91, 0.89, 0.905, 0.895}});
  Verdict v = JudgeValue(MakeClaim("0.9"), one_run);
  EXPECT_EQ(v.kind, VerdictKind::kReproduced) << v.reason;
  EXPECT_EQ(v.summary->n, 5);
  EXPECT_EQ(v.test, "TOST");
  EXPECT_EQ(v.seeds, (std::vector<int64_t>{0}));
  EXPECT_NE(v.reason.find("n counts 5 samples (in-run replicates of 1 seed, taken as independent)"), std::string::npos)
      << v.reason;
  // The same values as five seeds give the same interval: replicates combine as seeds do.
  Verdict seeds = JudgeValue(MakeClaim("0.9"), Completed({0.90, 0.91, 0.89, 0.905, 0.895}));
  EXPECT_EQ(seeds.interval90, v.interval90);
  // Two seeds of three repeats are six samples.
  Verdict pooled = JudgeValue(MakeClaim("0.9"), Replicates({{0.90, 0.91, 0.89}, {0.905, 0.895, 0.9}}));
  EXPECT_EQ(pooled.summary->n, 6);
  EXPECT_EQ(pooled.seeds, (std::vector<int64_t>{0, 1}));
  // Identical repeats are one run, whatever their count.
  Verdict same = JudgeValue(MakeClaim("0.9"), Replicates({{0.9, 0.9, 0.9}}));
  EXPECT_EQ(same.summary->n, 1);
  EXPECT_NE(same.reason.find("the 3 samples (in-run replicates of 1 seed, taken as independent) gave bit-identical"),
            std::string::npos)
      << same.reason;
  // Seeds that each printed the same repeats never reached the code: one seed's replicates.
  std::vector<double> repeats = {0.90, 0.91, 0.89, 0.905, 0.895};
  Verdict copies = JudgeValue(MakeClaim("0.9"), Replicates({repeats, repeats}));
  EXPECT_EQ(copies.summary->n, 5) << copies.reason;
  EXPECT_EQ(copies.interval90, v.interval90);
  EXPECT_NE(copies.reason.find("the 2 seeds gave bit-identical replicates (does the seed reach the code?), so they "
                               "count as one seed: n counts 5 samples (in-run replicates of 1 seed, taken as "
                               "independent)"),
            std::string::npos)
      << copies.reason;
  // The same values at other indices, or declared deterministic, are samples of each seed.
  std::vector<double> reordered = {0.91, 0.90, 0.89, 0.905, 0.895};
  EXPECT_EQ(JudgeValue(MakeClaim("0.9"), Replicates({repeats, reordered})).summary->n, 10);
  Claim deterministic = MakeClaim("0.9");
  deterministic.deterministic = true;
  EXPECT_EQ(JudgeValue(deterministic, Replicates({repeats, repeats})).summary->n, 10);
  // A comparison collapses such a side the same way, and says so.
  Verdict compared = JudgeComparison(Compare("b.m > a.m"), Replicates({{1.5, 1.6, 1.7}, {1.5, 1.6, 1.7}}, "b.m"),
                                     Replicates({{1.0, 1.1, 1.2}, {1.05, 1.1, 1.15}}, "a.m"));
  EXPECT_EQ(compared.test, "Welch t") << "three samples of one seed against six: no pairing";
  EXPECT_NE(compared.reason.find("b.m: its 2 seeds gave bit-identical replicates (does the seed reach the code?), so "
                                 "they count as one seed: n counts 3 samples"),
            std::string::npos)
      << compared.reason;
  EXPECT_NE(compared.measured.find("(n=3 vs 6)"), std::string::npos) << compared.measured;
}

// The estimate of how many more samples would decide is turned into seeds: each seed gives
// its replicates at once.
TEST(JudgeValueTest, MoreSeedsCountSeedsNotReplicates) {
  // As 3 seeds, {66, 68, 70} need 7 samples: 4 more seeds. As 3 replicates of one seed, the
  // same 4 samples are 2 more seeds (rounded up).
  Verdict v = JudgeValue(MakeClaim("68", Better::kEither, 1.0), Replicates({{66, 68, 70}}));
  EXPECT_EQ(v.kind, VerdictKind::kInconclusive);
  EXPECT_EQ(v.more_seeds, 2);
  EXPECT_NE(v.reason.find("the mean is inside the band, and about 2 more seeds (3 replicates each) would likely "
                          "confirm it"),
            std::string::npos)
      << v.reason;
  EXPECT_EQ(JudgeValue(MakeClaim("68", Better::kEither, 1.0), Completed({66, 68, 70})).more_seeds, 4);
}

TEST(JudgeValueTest, APrintedSpreadWithoutItsCountIsIgnoredAndTheReasonSaysSo) {
  Verdict v = JudgeValue(MakeClaim("0.17"), WithPrintedSpread(0.17, 0.004, std::nullopt));
  EXPECT_EQ(v.kind, VerdictKind::kInconclusive);
  EXPECT_NE(
      v.reason.find("the printed ± 0.004 is ignored: without the number of values it summarises (a regex group 'n') "
                    "it cannot be tested"),
      std::string::npos)
      << v.reason;
  // n = 1 is no spread either.
  EXPECT_EQ(JudgeValue(MakeClaim("0.17"), WithPrintedSpread(0.17, 0.004, 1)).kind, VerdictKind::kInconclusive);
}

// "measured 912, claimed 911.6" was reproduced in one run and not in another (911.63, 912.07).
TEST(JudgeValueTest, NumbersAreShownFinerThanTheClaim) {
  Claim claim = MakeClaim("911.6");
  claim.deterministic = true;
  Verdict near = JudgeValue(claim, Completed({911.63}));
  EXPECT_DOUBLE_EQ(near.resolution, 0.001);
  EXPECT_EQ(near.reason.rfind("measured 911.630 (n=1), claimed 911.6: 0.030 above, allowed ±0.05;", 0), 0u)
      << near.reason;
  Verdict far = JudgeValue(claim, Completed({912.07}));
  EXPECT_EQ(far.reason.rfind("measured 912.070 (n=1), claimed 911.6: 0.470 above, allowed ±0.05;", 0), 0u)
      << far.reason;
  Verdict seeds = JudgeValue(MakeClaim("911.6", Better::kEither, 0.5), Completed({911.63, 911.61, 911.66}));
  EXPECT_NE(seeds.reason.find("90% interval [911.591, 911.676] inside [911.05, 912.15]"), std::string::npos)
      << seeds.reason;
  EXPECT_EQ(FormatPair(911.996, 912.004, 0.01), (std::pair<std::string, std::string>{"911.996", "912.004"}));
  EXPECT_EQ(FormatPair(911.63, 912.07, 0), (std::pair<std::string, std::string>{"911.6", "912.1"}));
  EXPECT_EQ(FormatNumber(912.07, 0.01), "912.07");
  EXPECT_EQ(FormatNumber(2.8437e-6, 1e-8), "2.844e-06");  // never fewer digits than without a resolution
  EXPECT_EQ(FormatNumber(2.84371e-6, 1e-10), "2.8437e-06");
  EXPECT_EQ(FormatNumber(1.8849, 0.0001), "1.8849");
}

// A regex that captured the word "at": the manifest's error, not the paper's.
TEST(JudgeValueTest, ACaptureThatIsNotANumberFailsTheClaim) {
  Side side = Completed({0.9, 0.91});
  side.runs[1].value.reset();
  side.runs[1].flag = ValueFlag::kUnparseable;
  side.runs[1].message = "the regex /loss (?<value>\\S+)/ on stdout captured 'at', which is not a number";
  Verdict v = JudgeValue(MakeClaim("0.9"), side);
  EXPECT_EQ(v.kind, VerdictKind::kFailed);
  EXPECT_EQ(v.reason,
            "the metric's extractor read text that is not a number in 1 of 2 runs (fix the manifest): e.acc "
            "seed=1: the regex /loss (?<value>\\S+)/ on stdout captured 'at', which is not a number");
}

TEST(JudgeValueTest, EquivalenceWhenTheIntervalIsInsideTheBand) {
  Verdict v = JudgeValue(MakeClaim("68", Better::kEither, 2.0), Completed({67.8, 68.0, 68.2, 67.9, 68.1}));
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  EXPECT_EQ(v.test, "TOST");
  EXPECT_LT(*v.p_value, 0.001);
  EXPECT_EQ(v.reason,
            "measured 68.00 ± 0.16 (n=5), claimed 68: 0.00 off, allowed ±2.5; 90% interval [67.85, 68.15] inside "
            "[65.5, 70.5] (TOST p<0.001): reproduced");
}

// #18: the reason said "0.4 below" beside the row's Δ "-0.40", and "0 off" beside "+0.0000".
TEST(JudgeValueTest, TheReasonGivesTheDistanceWithTheRowsDigits) {
  Verdict v = JudgeValue(MakeClaim("68", Better::kEither, 2.0), Completed({67.4, 67.6, 67.8}));
  EXPECT_EQ(DeltaCell(v), "-0.40");
  EXPECT_NE(v.reason.find("claimed 68: 0.40 below, allowed ±2.5"), std::string::npos) << v.reason;
  Verdict on = JudgeValue(MakeClaim("0.9"), Completed({0.8984, 0.9, 0.9016}));
  EXPECT_EQ(DeltaCell(on), "+0.0000");
  EXPECT_NE(on.reason.find("claimed 0.9: 0.0000 off,"), std::string::npos) << on.reason;
}

TEST(JudgeValueTest, DifferenceWhenTheIntervalIsOutsideTheBand) {
  Verdict v = JudgeValue(MakeClaim("68", Better::kEither, 2.0), Completed({62, 62.5, 63}));
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason,
            "measured 62.50 ± 0.50 (n=3), claimed 68: 5.50 below, allowed ±2.5; 90% interval [61.66, 63.34] entirely "
            "below 65.5 (one-sided t p=0.0046): not-reproduced");
  // The same distance with more spread is not a proven difference.
  Verdict noisy = JudgeValue(MakeClaim("68", Better::kEither, 2.0), Completed({64, 65, 66}));
  EXPECT_EQ(noisy.kind, VerdictKind::kInconclusive);
  EXPECT_EQ(noisy.reason,
            "measured 65.00 ± 1.00 (n=3), claimed 68: 3.00 below, allowed ±2.5; 90% interval [63.31, 66.69] straddles "
            "65.5 (TOST p=0.76): inconclusive; the mean is outside the band, and about 10 more seeds would "
            "likely show it is not reproduced");
  EXPECT_EQ(noisy.lean, "the mean is outside the band");
}

TEST(JudgeValueTest, InconclusiveSaysHowManyMoreSeedsWouldDecide) {
  // mean 68, sd 2: the 90% half-width t(0.95, n-1) * 2 / sqrt(n) first fits in 1.5 at n = 7.
  Verdict v = JudgeValue(MakeClaim("68", Better::kEither, 1.0), Completed({66, 68, 70}));
  EXPECT_EQ(v.kind, VerdictKind::kInconclusive);
  EXPECT_EQ(v.more_seeds, 4);
  EXPECT_EQ(
      v.reason,
      "measured 68.00 ± 2.00 (n=3), claimed 68: 0.00 off, allowed ±1.5; 90% interval [64.63, 71.37] is wider than "
      "the band [66.5, 69.5] (TOST p=0.16): inconclusive; the mean is inside the band, and about 4 more "
      "seeds would likely confirm it");
  Verdict straddle = JudgeValue(MakeClaim("68", Better::kEither, 1.0), Completed({66, 67, 68}));
  EXPECT_EQ(straddle.kind, VerdictKind::kInconclusive);
  EXPECT_NE(straddle.reason.find("90% interval [65.31, 68.69] straddles 66.5"), std::string::npos) << straddle.reason;
  Verdict on_edge = JudgeValue(MakeClaim("68", Better::kEither, 1.0), Completed({65.5, 66.5, 67.5}));
  EXPECT_FALSE(on_edge.more_seeds.has_value());
  EXPECT_NE(
      on_edge.reason.find("the mean is inside the band, but on or near its edge: more seeds are unlikely to decide"),
      std::string::npos)
      << on_edge.reason;
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
  timeout.status = AttemptStatus::kTimeout;
  timeout.signal = 15;
  side.runs.push_back(timeout);
  EXPECT_EQ(JudgeValue(MakeClaim("90"), side).reason, "1 of 3 runs did not finish: e seed=2 timeout (signal 15)");

  Side pending = Completed({90});
  pending.runs.push_back(RunEvidence{});
  EXPECT_EQ(JudgeValue(MakeClaim("90"), pending).kind, VerdictKind::kPending);

  Side missing = Completed({90});
  missing.runs[0].value.reset();
  missing.runs[0].flag = ValueFlag::kMissing;
  missing.runs[0].message = "not found: looked in stdout lines matching /acc=/";
  EXPECT_EQ(JudgeValue(MakeClaim("90"), missing).reason,
            "metric not found in 1 of 1 runs (e.acc seed=0): not found: looked in stdout lines matching /acc=/");

  Side nan = Completed({90});
  nan.runs[0].value.reset();
  nan.runs[0].flag = ValueFlag::kNonFinite;
  nan.runs[0].message = "value 'nan' is non-finite";
  Verdict v = JudgeValue(MakeClaim("90"), nan);
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason, "not a finite number in 1 of 1 runs: e.acc seed=0 value 'nan' is non-finite");
}

TEST(JudgeComparisonTest, PairedBySeedWhenBothSidesRanTheSameSeeds) {
  // scipy.stats.ttest_rel(b, a) on these: t = 3.1622776601683804, two-sided p = 0.03410942316740957.
  Side a = Completed({1, 2, 3, 4, 5}, "a.m"), b = Completed({1.5, 2.1, 3.9, 4.2, 5.8}, "b.m");
  Verdict v = JudgeComparison(Compare("b.m > a.m"), b, a);
  EXPECT_EQ(v.kind, VerdictKind::kReproduced);
  EXPECT_EQ(v.test, "paired t");
  EXPECT_NEAR(*v.p_value, 0.03410942316740957 / 2, 1e-9);
  EXPECT_EQ(v.reason,
            "b.m - a.m = diff 0.50 ± 0.35 (n=5, paired), claimed > 0: 90% interval [0.16, 0.84] entirely "
            "above 0 (paired t p=0.017): reproduced");
  EXPECT_EQ(JudgeComparison(Compare("b.m > a.m + 2"), b, a).kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(JudgeComparison(Compare("b.m > a.m + 0.5"), b, a).kind, VerdictKind::kInconclusive);
}

// #18: "diff 0.105 ± 0.007638 ... [0.08672, 0.1233]": a comparison's numbers share the digits
// of its spread, as a value claim's row does.
TEST(JudgeComparisonTest, TheDifferenceAndItsIntervalShareTheSpreadsDigits) {
  Side a = Completed({0.80, 0.81, 0.82, 0.80, 0.81}, "a.m"), b = Completed({0.90, 0.92, 0.92, 0.91, 0.92}, "b.m");
  Verdict v = JudgeComparison(Compare("b.m > a.m"), b, a);
  EXPECT_EQ(v.measured, "diff 0.1060 ± 0.0055 (n=5, paired)");
  EXPECT_NE(v.reason.find("90% interval [0.1008, 0.1112] entirely above 0"), std::string::npos) << v.reason;
  Side c = Completed({0.90, 0.92, 0.93}, "c.m", 10);
  Verdict welch = JudgeComparison(Compare("c.m > a.m"), c, a);
  EXPECT_EQ(welch.test, "Welch t");
  EXPECT_EQ(welch.measured, "diff 0.1087 ± 0.0096 (n=3 vs 5)");
}

TEST(JudgeComparisonTest, ReplicatesPairBySeedAndRepeat) {
  Side b = Replicates({{1.5, 2.1, 3.9}, {4.2, 5.8, 6.1}}, "b.m"), a = Replicates({{1, 2, 3}, {4, 5, 6}}, "a.m");
  Verdict v = JudgeComparison(Compare("b.m > a.m"), b, a);
  EXPECT_EQ(v.test, "paired t");
  EXPECT_NE(v.measured.find("(n=6, paired)"), std::string::npos) << v.measured;
  // Repeats that do not line up are compared as independent samples.
  Side short_a = Replicates({{1, 2}, {4, 5}}, "a.m");
  EXPECT_EQ(JudgeComparison(Compare("b.m > a.m"), b, short_a).test, "Welch t");
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

TEST(JudgeComparisonTest, BitIdenticalSeedsOfASideCountAsOneRun) {
  Verdict v = JudgeComparison(Compare("x.m > y.m"), Completed({3, 3, 3}, "x.m"), Completed({2, 2, 2}, "y.m"));
  EXPECT_EQ(v.test, "none (n=1)");
  EXPECT_EQ(v.reason,
            "x.m - y.m = diff 1 (n=1 vs 1), claimed > 0: x.m: its 3 seeds gave bit-identical values (does the "
            "seed reach the code?), so they count as one run; y.m: its 3 seeds gave bit-identical values (does "
            "the seed reach the code?), so they count as one run; diff 1 holds; a side has n=1, so no test: "
            "reproduced");
  Claim deterministic = Compare("x.m > y.m");
  deterministic.deterministic = true;
  EXPECT_EQ(JudgeComparison(deterministic, Completed({3, 3, 3}, "x.m"), Completed({2, 2, 2}, "y.m")).test, "paired t");
}

TEST(JudgeComparisonTest, InconclusiveSaysWhichWayTheEstimateLeans) {
  Side a = Completed({1, 2, 3, 4, 5}, "a.m"), b = Completed({1.5, 2.1, 3.9, 4.2, 5.8}, "b.m");
  Verdict v = JudgeComparison(Compare("b.m > a.m + 0.4"), b, a);
  EXPECT_EQ(v.kind, VerdictKind::kInconclusive);
  EXPECT_EQ(v.lean, "the estimate is on the claimed side");
  EXPECT_NE(v.reason.find("the estimate is on the claimed side, and about"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find("would likely confirm it"), std::string::npos) << v.reason;
  Verdict other = JudgeComparison(Compare("b.m > a.m + 0.6"), b, a);
  EXPECT_EQ(other.lean, "the estimate is on the other side");
  EXPECT_NE(other.reason.find("would likely refute it"), std::string::npos) << other.reason;
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
  Claim claim = MakeClaim("68", Better::kEither, 0.5);
  claim.for_all = "lr";
  Verdict good = JudgeValue(claim, Completed({68.1}));
  Verdict bad = JudgeValue(claim, Completed({60}));
  Verdict v = CombineForAll(claim, {{"lr=0.1", good}, {"lr=0.01", bad}});
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason, "holds at 1 of 2 values of lr: not-reproduced");
  EXPECT_EQ(v.parts[1].rfind("lr=0.01: measured 60.00 (n=1)", 0), 0u);
  EXPECT_EQ(CombineForAll(claim, {{"lr=0.1", good}, {"lr=0.01", good}}).kind, VerdictKind::kReproduced);
}

TEST(FormatTest, NumbersAndPValues) {
  EXPECT_EQ(FormatNumber(0.97333333), "0.9733");
  EXPECT_EQ(FormatNumber(68.0), "68");
  EXPECT_EQ(FormatNumber(-2.6), "-2.6");
  EXPECT_EQ(FormatNumber(2.8e-6), "2.8e-06") << "the mantissa's trailing zeros say nothing";
  EXPECT_EQ(FormatNumber(3e-4), "0.0003") << "not 3.000e-04 (#18)";
  EXPECT_EQ(FormatNumber(5e-4, 5e-6), "0.0005");
  EXPECT_EQ(FormatNumber(1.23456e-4), "0.0001235");
  EXPECT_EQ(FormatNumber(2.5e7), "2.5e+07");
  EXPECT_EQ(FormatP(0.0004), "p<0.001");
  EXPECT_EQ(FormatP(0.01705), "p=0.017");
}

TEST(SeedsToResolveTest, SmallestSampleWhoseIntervalFits) {
  EXPECT_EQ(SeedsToResolve(2.0, 1.5), 7);
  EXPECT_FALSE(SeedsToResolve(2.0, 0).has_value());
  EXPECT_FALSE(SeedsToResolve(100.0, 1e-6).has_value()) << "beyond the cap";
}

// #18: the numbers of one row line up: the mean keeps its zeros, the spread shows two
// significant digits and no more, and the interval and Δ use the same decimals.
TEST(ValueClaim, TheNumbersOfARowHaveTheSameDecimals) {
  Claim claim = MakeClaim("0.90");
  Verdict v = JudgeValue(claim, Completed({0.9, 0.902, 0.904}));
  EXPECT_EQ(v.measured, "0.9020 ± 0.0020 (n=3)");
  EXPECT_EQ(DeltaCell(v), "+0.0020");
  std::string interval = IntervalCell(v);
  EXPECT_TRUE(interval.starts_with("[0.8") && interval.size() == std::string("[0.8970, 0.9070]").size()) << interval;
  // A spread finer than the claim's digits gets the decimals it needs, the mean with it.
  Verdict fine = JudgeValue(MakeClaim("94"), Completed({94.0012, 94.0031, 94.0020}));
  EXPECT_EQ(fine.measured, "94.00210 ± 0.00095 (n=3)");
  EXPECT_EQ(DeltaCell(fine), "+0.00210");
  EXPECT_EQ(FormatAligned(-0.00001, 0.01), "0.00") << "no negative zero";
}

}  // namespace
}  // namespace repro
