// Reported values, comparison expressions, and the claims section of a manifest.
#include <gtest/gtest.h>

#include "harness/manifest/expect.h"
#include "harness/manifest/parser.h"
#include "harness/manifest/reported.h"
#include "tests/test_util.h"

namespace repro {
namespace {

TEST(ParseReportedTest, ValueStdAndScaleAsPrinted) {
  ReportedValue plain = *ParseReported("68");
  EXPECT_EQ(plain.value, 68);
  EXPECT_FALSE(plain.std.has_value());
  EXPECT_EQ(plain.half_unit, 0.5);
  ReportedValue pm = *ParseReported("-0.49 +- 0.02");
  EXPECT_DOUBLE_EQ(pm.value, -0.49);
  EXPECT_DOUBLE_EQ(*pm.std, 0.02);
  EXPECT_DOUBLE_EQ(pm.half_unit, 0.005);
  EXPECT_DOUBLE_EQ(ParseReported("2.8e-6")->value, 2.8e-6);
  EXPECT_DOUBLE_EQ(ParseReported("2.8e-6")->half_unit, 0.05e-6);
  ReportedValue scaled = *ParseReported("37 ± 2 (x10^-3)");
  EXPECT_DOUBLE_EQ(scaled.value, 0.037);
  EXPECT_DOUBLE_EQ(*scaled.std, 0.002);
  EXPECT_DOUBLE_EQ(scaled.scale, 1e-3);
  EXPECT_EQ(scaled.text, "37 ± 2 (x10^-3)");
  EXPECT_DOUBLE_EQ(ParseReported("1.5 +/- 0.1")->std.value(), 0.1);
  for (const char* bad : {"92.3%", "nan", "68 +-", "68 ± x", "abc", "1,5", "68 (x10^)"}) {
    EXPECT_FALSE(ParseReported(bad).ok()) << bad;
  }
  EXPECT_NE(ParseReported("92.3%").error().find("without '%'"), std::string::npos);
}

TEST(ParseComparisonTest, DifferenceAndRatioForms) {
  Comparison c = *ParseComparison("cnn.test_acc > mlp.test_acc + 10");
  EXPECT_EQ(c.form, Comparison::Form::kDifference);
  EXPECT_EQ(c.op, Comparison::Op::kGreater);
  EXPECT_EQ(c.left.ToString(), "cnn.test_acc");
  EXPECT_EQ(c.right.ToString(), "mlp.test_acc");
  EXPECT_EQ(c.constant, 10);
  EXPECT_EQ(ParseComparison("a.x >= b.x - 2.5")->constant, -2.5);
  EXPECT_EQ(ParseComparison("a.x - b.x <= -1")->constant, -1);
  Comparison ratio = *ParseComparison("fast.time / slow.time < 0.8");
  EXPECT_EQ(ratio.form, Comparison::Form::kRatio);
  EXPECT_EQ(ratio.op, Comparison::Op::kLess);
  EXPECT_EQ(ParseComparison("resnet-50.acc > vit.acc")->left.experiment, "resnet-50");
}

TEST(ParseComparisonTest, ErrorsSayWhatWasExpected) {
  const std::string forms =
      "write A.metric > B.metric [+ number], A.metric - B.metric > number, or A.metric / B.metric > number";
  EXPECT_EQ(ParseComparison("cnn.acc mlp.acc").error(), "needs exactly one of > >= < <=; " + forms);
  EXPECT_EQ(ParseComparison("cnn > mlp.acc").error(), "'cnn' should be experiment.metric; " + forms);
  EXPECT_EQ(ParseComparison("cnn.acc > 3").error(), forms);
  EXPECT_EQ(ParseComparison("a.x > a.x").error(), "compares a.x with itself");
}

class ClaimsManifestTest : public ::testing::Test {
 protected:
  std::vector<std::string> Errors(const std::string& claims) {
    std::filesystem::create_directories(dir_ / "code");
    std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: cnn
    command: [prog]
    params: {lr: ["0.1", "0.01"]}
    metrics: {acc: {stdout: '(?<value>\d+)'}}
  - id: mlp
    command: [prog]
    metrics: {acc: {stdout: '(?<value>\d+)'}}
claims:
)yaml" + claims;
    ManifestLoad load = ParseManifest(text, "m.yaml", dir_.path());
    last_ = load.manifest;
    std::vector<std::string> errors;
    for (const Diagnostic& d : load.errors) errors.push_back(d.ToString());
    return errors;
  }
  testing::ScopedTempDir dir_;
  Manifest last_;
};

TEST_F(ClaimsManifestTest, ComparisonRankingAndForAllClaimsParse) {
  EXPECT_TRUE(
      Errors("  - {id: a, expect: \"cnn.acc > mlp.acc + 10\", where: {lr: \"0.1\"}}\n"
             "  - {id: b, rank: [cnn, mlp], metric: acc, better: higher, where: {lr: \"0.01\"}}\n"
             "  - {id: c, experiment: cnn, metric: acc, reported: \"90 ± 1\", for_all: lr, tolerance: {sigma: 2}}\n")
          .empty());
  ASSERT_EQ(last_.claims.size(), 3u);
  EXPECT_EQ(last_.claims[0].kind, ClaimKind::kComparison);
  EXPECT_EQ(last_.claims[1].ranking, (std::vector<std::string>{"cnn", "mlp"}));
  EXPECT_EQ(last_.claims[2].for_all, "lr");
  EXPECT_EQ(last_.claims[2].tolerance_sigma, 2);
}

TEST_F(ClaimsManifestTest, MistakesInClaimsBeyondOneNumber) {
  EXPECT_EQ(Errors("  - {id: a, expect: \"cnn.acc > mpl.acc\", where: {lr: \"0.1\"}, tolerance: {abs: 1}}\n"
                   "  - {id: b, rank: [cnn, rnn], metric: acc}\n"
                   "  - {id: c, experiment: mlp, metric: acc, reported: \"90 ± 1\", reported_std: 1}\n"
                   "  - {id: d, experiment: mlp, metric: acc, reported: 90, tolerance: {sigma: 2}}\n"
                   "  - {id: e, expect: \"cnn.acc > mlp.acc\"}\n"),
            (std::vector<std::string>{
                "m.yaml:12:73: 'tolerance' does not apply to this kind of claim; claim 'a' is a comparison ('expect')",
                "m.yaml:13:5: ranking claim 'b' must say which end is best: add better: higher or better: lower",
                "m.yaml:13:5: claim 'b' must pick one grid point of experiment 'cnn': add 'where' with a value for lr",
                "m.yaml:13:25: claim 'b' ranks unknown experiment 'rnn' (did you mean 'cnn'?)",
                "m.yaml:14:78: claim 'c' gives the std twice: in 'reported' ('90 ± 1') and in 'reported_std'; keep one",
                "m.yaml:15:76: 'sigma' in tolerance of claim 'd' needs the paper's std: write reported: \"90 +- "
                "<std>\" or add reported_std",
                "m.yaml:16:5: claim 'e' must pick one grid point of experiment 'cnn': add 'where' with a value for lr",
            }));
  EXPECT_EQ(Errors("  - {id: a, expect: \"cnn.acc > mpl.acc\", where: {lr: \"0.1\"}}\n"),
            (std::vector<std::string>{"m.yaml:12:21: claim 'a' names unknown experiment 'mpl' (did you mean 'mlp'?)"}));
}

}  // namespace
}  // namespace repro
