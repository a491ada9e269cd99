// Results read the way released code reports them (#21), through the built binary: a result
// appended to a text file, a dict printed on one line, repeats inside one process. The
// "paper" is a shell script that reports as such code does.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace repro {
namespace {

using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

// usage: paper.sh MODE SEED
const char* kPaper = R"sh(#!/bin/sh
case "$1" in
  append)
    mkdir -p results
    echo "epoch 1 RMSE: 0.52" >> results/result.txt
    echo "Test RMSE: 0.37" >> results/result.txt ;;
  dict) echo "{'precision': 0.91, 'recall': 0.88, 'f1': 0.89}" ;;
  repeats)
    i=0
    for acc in 0.899 0.901 0.900 0.902 0.898; do
      echo "repeat $i: acc $acc (seed $2)"; i=$((i + 1))
    done ;;
esac
)sh";

const char* kManifest = R"yaml(schema: 1
paper: {title: "Results as released code reports them"}
source: {path: code}
experiments:
  - id: appends
    command: [/bin/sh, paper.sh, append, "{seed}"]
    deterministic: true
    metrics:
      rmse: {file: results/result.txt, regex: 'Test RMSE: (?<value>\S+)'}
  - id: dict
    command: [/bin/sh, paper.sh, dict, "{seed}"]
    deterministic: true
    metrics:
      "{name}": {stdout: "'(?<name>\\w+)': (?<value>[-0-9.e]+)"}
  - id: repeats
    command: [/bin/sh, paper.sh, repeats, "{seed}"]
    metrics:
      acc: {stdout: 'repeat (?<step>\d+): acc (?<value>\S+)', replicates: true}
claims:
  - {id: rmse, experiment: appends, metric: rmse, reported: "0.37", better: lower}
  - {id: recall, experiment: dict, metric: recall, reported: "0.88"}
  - {id: f1, experiment: dict, metric: f1, reported: "0.89"}
  - {id: repeated-acc, experiment: repeats, metric: acc, reported: "0.90"}
)yaml";

// "claim: reason" lines of the terminal output, by claim id.
std::map<std::string, std::string> Reasons(const std::string& out) {
  std::map<std::string, std::string> reasons;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos || line.find(' ') < colon) continue;
    reasons[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return reasons;
}

class ReportingShapesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(dir_ / "code/paper.sh", kPaper, /*executable=*/true);
    WriteText(dir_ / "paper.yaml", kManifest);
  }
  ScopedTempDir dir_;
};

TEST_F(ReportingShapesTest, ATextFileADictLineAndInRunRepeats) {
  // A stale result file in the code must not be what is read: each attempt appends to the
  // copy in its own working copy, so only its own line is there.
  testing::CommandResult run = RunRepro({"run", "paper.yaml"}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  std::map<std::string, std::string> reasons = Reasons(run.out);
  EXPECT_EQ(reasons["rmse"], "measured 0.37 (n=1), claimed 0.37: 0 off, allowed ±0.005; declared deterministic, so one run "
                             "decides: reproduced") << run.out;
  EXPECT_NE(reasons["recall"].find("measured 0.88 (n=1)"), std::string::npos) << run.out;
  EXPECT_NE(reasons["f1"].find("measured 0.89 (n=1)"), std::string::npos) << "every match of the line, not only the first\n"
                                                                          << run.out;
  EXPECT_NE(reasons["repeated-acc"].find("measured 0.9 ± 0.001581 (n=5)"), std::string::npos) << run.out;
  EXPECT_NE(reasons["repeated-acc"].find("n counts 5 samples (in-run replicates of 1 seed, taken as independent)"),
            std::string::npos) << run.out;
  EXPECT_NE(reasons["repeated-acc"].find("TOST"), std::string::npos) << run.out;

  // The report lists each repeat as a sample with its index.
  testing::CommandResult json = RunRepro({"report", "paper.yaml", "--format", "json"}, dir_.path());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json report = nlohmann::json::parse(json.out);
  std::vector<int64_t> replicates;
  for (const nlohmann::json& claim : report["claims"]) {
    if (claim["id"] != "repeated-acc") continue;
    for (const nlohmann::json& sample : claim["runs"]) {
      replicates.push_back(sample["replicate"].get<int64_t>());
      EXPECT_EQ(sample["seed"], 0);
    }
  }
  EXPECT_EQ(replicates, (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace repro
