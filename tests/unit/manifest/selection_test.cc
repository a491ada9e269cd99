#include "harness/manifest/selection.h"

#include <gtest/gtest.h>

#include "harness/manifest/parser.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

class SelectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "code");
    std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - {id: a, command: [p, "{lr}", "{seed}"], params: {lr: ["1", "2"]}, seeds: [0, 1], metrics: {m: {stdout: '(?<value>\d+)'}}}
  - {id: b, command: [p, "{seed}"], metrics: {m: {stdout: '(?<value>\d+)'}}}
claims:
  - {id: a1, experiment: a, metric: m, where: {lr: "1"}, reported: 1}
  - {id: a2, experiment: a, metric: m, where: {lr: "2"}, reported: 1}
  - {id: all, experiment: a, metric: m, for_all: lr, reported: 1}
  - {id: ab, expect: "a.m > b.m", where: {lr: "2"}}
tables:
  - {id: t, columns: [x, y], rows: [{label: r, cells: [a1, ab]}, {label: s, cells: [a2, null]}]}
)yaml";
    ManifestLoad load = ParseManifest(text, "m.yaml", dir_.path());
    ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
    manifest_ = load.manifest;
    runs_ = *PlanRuns(manifest_, "tree:abc");
  }

  std::vector<std::string> Labels() const {
    std::vector<std::string> labels;
    for (const RunSpec& run : runs_) labels.push_back(run.label);
    return labels;
  }
  std::vector<std::string> Claims() const {
    std::vector<std::string> ids;
    for (const Claim& claim : manifest_.claims) ids.push_back(claim.id);
    return ids;
  }

  ScopedTempDir dir_;
  Manifest manifest_;
  std::vector<RunSpec> runs_;
};

TEST_F(SelectionTest, AClaimKeepsTheRunsItReadsAndOnlyItself) {
  ASSERT_TRUE(ApplySelection({{}, {"ab"}, {}}, manifest_, runs_).ok());
  EXPECT_EQ(Labels(), (std::vector<std::string>{"a lr=2 seed=0", "a lr=2 seed=1", "b seed=0"}));
  EXPECT_EQ(Claims(), (std::vector<std::string>{"ab"}));
  ASSERT_EQ(manifest_.tables.size(), 1u);
  ASSERT_EQ(manifest_.tables[0].rows.size(), 1u) << "row s held only a claim left out";
  EXPECT_EQ(manifest_.tables[0].rows[0].cells, (std::vector<std::string>{"", "ab"}));
}

TEST_F(SelectionTest, AnExperimentKeepsTheClaimsItAloneDecides) {
  ASSERT_TRUE(ApplySelection({{"a"}, {}, {}}, manifest_, runs_).ok());
  EXPECT_EQ(runs_.size(), 4u);
  EXPECT_EQ(Claims(), (std::vector<std::string>{"a1", "a2", "all"})) << "'ab' also needs b";
}

TEST_F(SelectionTest, AGridPointKeepsItsRunsAndTheClaimsAtIt) {
  ASSERT_TRUE(ApplySelection({{}, {}, {{"lr", "1"}}}, manifest_, runs_).ok());
  EXPECT_EQ(Labels(), (std::vector<std::string>{"a lr=1 seed=0", "a lr=1 seed=1", "b seed=0"}));
  EXPECT_EQ(Claims(), (std::vector<std::string>{"a1"})) << "for_all needs every value";
}

TEST_F(SelectionTest, UnknownNamesAreErrorsWithASuggestion) {
  Status experiment = ApplySelection({{"aa"}, {}, {}}, manifest_, runs_);
  EXPECT_NE(experiment.error().find("(did you mean 'a'?)"), std::string::npos) << experiment.error();
  Status parameter = ApplySelection({{}, {}, {{"lrr", "1"}}}, manifest_, runs_);
  EXPECT_NE(parameter.error().find("no experiment has a parameter 'lrr' (did you mean 'lr'?)"), std::string::npos)
      << parameter.error();
  Status nothing = ApplySelection({{"b"}, {}, {{"lr", "1"}}}, manifest_, runs_);
  EXPECT_TRUE(nothing.ok()) << "b has no lr: its run stays";
  EXPECT_FALSE(ParseWhere("lr").ok());
  EXPECT_EQ(ParseWhere("lr=0.1")->second, "0.1");
}

}  // namespace
}  // namespace repro
