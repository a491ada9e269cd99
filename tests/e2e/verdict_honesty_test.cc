// Verdicts that hold up (#14), through the built binary: one stochastic run is not a
// measurement of noise, seeds the code ignores are not replicates, an extraction error is the
// manifest's, and a band edge is decided as printed. The "paper" is a shell script that
// prints what each test needs.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "tests/test_util.h"

namespace repro {
namespace {

using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

// usage: paper.sh MODE [SEED]. Every mode prints the same number whatever the seed.
const char* kPaper = R"sh(#!/bin/sh
case "$1" in
  loss)  echo "step 1 val loss 2.5"; echo "step 2 val loss 1.8857" ;;
  edge)  echo "val loss 0.95" ;;
  fixed) echo "val loss 0.5" ;;
  words) echo "val loss at step 3" ;;
  nan)   echo "val loss nan" ;;
  spread) echo "RMSE 0.17 +/- 0.004 (n=5)" ;;
esac
)sh";

const char* kManifest = R"yaml(schema: 1
paper: {title: "Honest verdicts"}
source: {path: code}
experiments:
  - id: stochastic
    command: [/bin/sh, paper.sh, loss, "{seed}"]
    metrics: {loss: {stdout: 'val loss (?<value>\S+)'}}
  - id: exact
    command: [/bin/sh, paper.sh, loss, "{seed}"]
    deterministic: true
    metrics: {loss: {stdout: 'val loss (?<value>\S+)'}}
  - id: edge
    command: [/bin/sh, paper.sh, edge]
    deterministic: true
    metrics: {loss: {stdout: 'val loss (?<value>\S+)'}}
  - id: ignores-seed
    command: [/bin/sh, paper.sh, fixed]
    seeds: [0, 1, 2]
    metrics: {loss: {stdout: 'val loss (?<value>\S+)'}}
  - id: words
    command: [/bin/sh, paper.sh, words]
    metrics: {loss: {stdout: 'val loss (?<value>\S+)'}}
  - id: nan
    command: [/bin/sh, paper.sh, nan]
    metrics: {loss: {stdout: 'val loss (?<value>\S+)'}}
claims:
  - {id: one-run, experiment: stochastic, metric: loss, reported: "1.88"}
  - {id: one-run-tolerance, experiment: stochastic, metric: loss, reported: "1.88", tolerance: {abs: 0.01}}
  - {id: one-exact-run, experiment: exact, metric: loss, reported: "1.88"}
  - {id: on-the-edge, experiment: edge, metric: loss, reported: "1.0"}
  - {id: repetitions, experiment: ignores-seed, metric: loss, reported: "0.5", tolerance: {abs: 0.01}}
  - {id: captured-a-word, experiment: words, metric: loss, reported: "1.9"}
  - {id: printed-nan, experiment: nan, metric: loss, reported: "1.9"}
)yaml";

class VerdictHonestyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(dir_ / "code/paper.sh", kPaper, /*executable=*/true);
    WriteText(dir_ / "paper.yaml", kManifest);
  }

  static std::map<std::string, std::string> Reasons(const std::string& out) { return testing::ReasonsByClaim(out); }

  ScopedTempDir dir_;
};

TEST_F(VerdictHonestyTest, EachVerdictSaysWhatTheEvidenceCanCarry) {
  testing::CommandResult run = RunRepro({"run", "paper.yaml"}, dir_.path());
  EXPECT_EQ(run.exit_code, 1) << run.err;  // not every claim reproduced
  std::map<std::string, std::string> reasons = Reasons(run.out);

  // nanoGPT's case: one stochastic run against the printed digits decides nothing.
  EXPECT_EQ(
      reasons["one-run"],
      "measured 1.8857 (n=1), claimed 1.88: 0.0057 above, allowed ±0.005; one run of code not declared deterministic, "
      "and the band is only the paper's printed digits, which say nothing of run-to-run noise: inconclusive; the "
      "value is outside the band; to decide, run several seeds, declare a tolerance, or declare the experiment "
      "'deterministic: true' if it is")
      << run.out;
  // A declared tolerance, or a declared deterministic computation, lets one run decide.
  EXPECT_EQ(reasons["one-run-tolerance"],
            "measured 1.8857 (n=1), claimed 1.88: 0.0057 above, allowed ±0.015; n=1, so no "
            "test: the declared tolerance decides: reproduced")
      << run.out;
  EXPECT_EQ(reasons["one-exact-run"],
            "measured 1.8857 (n=1), claimed 1.88: 0.0057 above, allowed ±0.005; declared "
            "deterministic, so one run decides: not-reproduced")
      << run.out;
  // 0.95 against "1.0" is on the band's edge, which is inside.
  EXPECT_EQ(reasons["on-the-edge"],
            "measured 0.950 (n=1), claimed 1.0: 0.050 below, allowed ±0.05; declared deterministic, so "
            "one run decides: reproduced")
      << run.out;
  // Three seeds that never reached the code are one run, not a spread of 0 over n=3.
  EXPECT_EQ(reasons["repetitions"],
            "measured 0.500 (n=1), claimed 0.5: 0.000 off, allowed ±0.06; the 3 seeds gave bit-identical "
            "values (does the seed reach the code?), so they count as one run; n=1, so no test: "
            "the declared tolerance decides: reproduced")
      << run.out;
  // A regex that captured a word is the manifest's error; a printed nan is the code's result.
  EXPECT_EQ(reasons["captured-a-word"],
            "the metric's extractor read text that is not a number in 1 of 1 runs (fix the "
            "manifest): words seed=0: the regex /val loss (?<value>\\S+)/ on stdout captured "
            "'at', which is not a number")
      << run.out;
  EXPECT_EQ(reasons["printed-nan"], "not a finite number in 1 of 1 runs: nan seed=0 value 'nan' is non-finite")
      << run.out;
  EXPECT_NE(run.out.find("3 of 7 claims reproduced; 2 not-reproduced, 1 inconclusive, 1 failed"), std::string::npos)
      << run.out;

  // The verdicts come from the store alone: compare gives the same after the run.
  testing::CommandResult compare = RunRepro({"compare", "paper.yaml"}, dir_.path());
  EXPECT_EQ(Reasons(compare.out), reasons) << compare.out;
}

// A run that prints its own spread over n values is a sample the test can use: the stored
// value, std and count reach the verdict through the store.
TEST_F(VerdictHonestyTest, APrintedSpreadWithItsCountDecidesOneRun) {
  WriteText(dir_ / "spread.yaml", R"yaml(schema: 1
paper: {title: "Printed spread"}
source: {path: code}
experiments:
  - id: boost
    command: [/bin/sh, paper.sh, spread, "{seed}"]
    metrics:
      rmse: {stdout: 'RMSE (?<value>\S+) \+/- (?<std>\S+) \(n=(?<n>\d+)\)'}
      rmse_no_n: {stdout: 'RMSE (?<value>\S+) \+/- (?<std>\S+)'}
claims:
  - {id: with-count, experiment: boost, metric: rmse, reported: "0.17", tolerance: {rel: 0}}
  - {id: without-count, experiment: boost, metric: rmse_no_n, reported: "0.17"}
)yaml");
  testing::CommandResult run = RunRepro({"run", "spread.yaml"}, dir_.path());
  std::map<std::string, std::string> reasons = Reasons(run.out);
  EXPECT_NE(reasons["with-count"].find("n=5"), std::string::npos) << run.out;
  EXPECT_EQ(reasons["with-count"].find("inconclusive"), std::string::npos) << run.out;
  EXPECT_NE(reasons["without-count"].find("ignore"), std::string::npos)
      << "a std without its count is named as ignored\n"
      << run.out;
}

TEST_F(VerdictHonestyTest, ValidateWarnsWhenTheSeedNeverReachesTheCode) {
  testing::CommandResult validate = RunRepro({"validate", "paper.yaml"}, dir_.path());
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  EXPECT_NE(validate.err.find("paper.yaml:16:5: warning:"), std::string::npos) << validate.err;
  EXPECT_NE(validate.err.find("ignores-seed"), std::string::npos) << validate.err;
}

}  // namespace
}  // namespace repro
