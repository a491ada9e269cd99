#include "harness/compare/verdict.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

Claim MakeClaim(const std::string& reported, Better better = Better::kEither, std::optional<double> abs = std::nullopt) {
  Claim claim;
  claim.id = "c";
  claim.metric = "acc";
  claim.reported_text = reported;
  claim.reported = std::stod(reported);
  claim.better = better;
  claim.tolerance_abs = abs;
  return claim;
}

std::vector<RunEvidence> Completed(std::vector<double> values) {
  std::vector<RunEvidence> runs;
  for (size_t i = 0; i < values.size(); ++i) {
    RunEvidence run;
    run.seed = static_cast<int64_t>(i);
    run.state = RunEvidence::State::kCompleted;
    run.status = "completed";
    run.value = values[i];
    run.flag = "ok";
    runs.push_back(run);
  }
  return runs;
}

TEST(AllowedDeviationTest, RoundingOfThePrintedValueWidenedByTolerance) {
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("94")), 0.5);
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("1.88")), 0.005);
  EXPECT_DOUBLE_EQ(AllowedDeviation(MakeClaim("68", Better::kEither, 2.0)), 2.5);
  Claim rel = MakeClaim("50");
  rel.tolerance_rel = 0.1;
  rel.tolerance_abs = 1;
  EXPECT_DOUBLE_EQ(AllowedDeviation(rel), 5.5);  // the larger of abs and rel
}

TEST(JudgeTest, ReasonStatesNumbersAndVerdict) {
  Verdict v = Judge(MakeClaim("68", Better::kEither, 2.0), Completed({64, 65, 66}));
  EXPECT_EQ(v.kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(v.reason, "measured 65 ± 1 (n=3), claimed 68: 3 below, tolerance ±2.5: not-reproduced");
  EXPECT_EQ(v.seeds, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_DOUBLE_EQ(*v.delta, -3);
}

TEST(JudgeTest, RoundingDecidesWithoutTolerance) {
  EXPECT_EQ(Judge(MakeClaim("94"), Completed({94.4})).kind, VerdictKind::kReproduced);
  EXPECT_EQ(Judge(MakeClaim("94"), Completed({93.6})).kind, VerdictKind::kReproduced);
  EXPECT_EQ(Judge(MakeClaim("94"), Completed({94.6})).kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(Judge(MakeClaim("94"), Completed({94.6})).reason,
            "measured 94.6 (n=1), claimed 94: 0.6 above, tolerance ±0.5: not-reproduced");
}

TEST(JudgeTest, DirectionMakesDoingBetterNotAFailure) {
  EXPECT_EQ(Judge(MakeClaim("90", Better::kHigher), Completed({95})).kind, VerdictKind::kBetterThanClaimed);
  EXPECT_EQ(Judge(MakeClaim("90", Better::kHigher), Completed({85})).kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(Judge(MakeClaim("0.3", Better::kLower), Completed({0.1})).kind, VerdictKind::kBetterThanClaimed);
  EXPECT_EQ(Judge(MakeClaim("0.3", Better::kLower), Completed({0.5})).kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(Judge(MakeClaim("90", Better::kEither), Completed({95})).kind, VerdictKind::kNotReproduced);
}

TEST(JudgeTest, UnfinishedRunsMakeTheClaimFailed) {
  std::vector<RunEvidence> runs = Completed({90, 91});
  RunEvidence timeout;
  timeout.seed = 2;
  timeout.state = RunEvidence::State::kUnfinished;
  timeout.status = "timeout";
  runs.push_back(timeout);
  RunEvidence crashed = timeout;
  crashed.seed = 3;
  crashed.status = "failed";
  crashed.exit_code = 3;
  runs.push_back(crashed);
  Verdict v = Judge(MakeClaim("90"), runs);
  EXPECT_EQ(v.kind, VerdictKind::kFailed);
  EXPECT_EQ(v.reason, "2 of 4 runs did not finish: seed 2 timeout, seed 3 failed (exit 3)");
}

TEST(JudgeTest, PendingMissingAndNonFinite) {
  std::vector<RunEvidence> runs = Completed({90});
  runs.push_back(RunEvidence{});
  EXPECT_EQ(Judge(MakeClaim("90"), runs).kind, VerdictKind::kPending);
  EXPECT_EQ(Judge(MakeClaim("90"), runs).reason, "1 of 2 runs not finished yet");

  std::vector<RunEvidence> missing = Completed({90});
  missing[0].value.reset();
  missing[0].flag = "missing";
  missing[0].message = "not found: looked in stdout lines matching /acc=/";
  Verdict v = Judge(MakeClaim("90"), missing);
  EXPECT_EQ(v.kind, VerdictKind::kMissing);
  EXPECT_EQ(v.reason, "metric 'acc' not found in 1 of 1 runs (seed 0): not found: looked in stdout lines matching /acc=/");

  std::vector<RunEvidence> nan = Completed({90});
  nan[0].value.reset();
  nan[0].flag = "non-finite";
  nan[0].message = "value 'nan' is non-finite";
  EXPECT_EQ(Judge(MakeClaim("90"), nan).kind, VerdictKind::kNotReproduced);
  EXPECT_EQ(Judge(MakeClaim("90"), nan).reason, "metric 'acc' is not a finite number in 1 of 1 runs: seed 0 value 'nan' is non-finite");
}

TEST(FormatNumberTest, FourSignificantDigits) {
  EXPECT_EQ(FormatNumber(0.97333333), "0.9733");
  EXPECT_EQ(FormatNumber(68.0), "68");
  EXPECT_EQ(FormatNumber(-2.6), "-2.6");
  EXPECT_EQ(FormatNumber(2.8e-6), "2.800e-06");
}

}  // namespace
}  // namespace repro
