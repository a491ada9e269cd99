#include "harness/report/render.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace repro {
namespace {

// An evaluation built by hand: renderers are pure functions of it.
class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    manifest_.path = "paper.yaml";
    manifest_.sha256 = "abc";
    manifest_.paper.title = "A | paper";
    manifest_.source.git = "https://example.org/x";
    manifest_.source.commit = std::string(40, 'a');
    claim_.id = "table1/mlp";
    claim_.source = "Table 1, row MLP, the one with a very long description that goes on";
    claim_.experiment = "mlp";
    claim_.metric = "acc";
    claim_.reported = *ParseReported("68");
    evaluation_.manifest = &manifest_;
    evaluation_.source_description = "https://example.org/x @ aaaa";
    ClaimEvaluation c;
    c.claim = &claim_;
    c.verdict.claim_id = claim_.id;
    c.verdict.kind = VerdictKind::kNotReproduced;
    c.verdict.summary = Summarize({64, 65, 66});
    c.verdict.measured = "65 ± 1 (n=3)";
    c.verdict.delta = -3;
    c.verdict.seeds = {0, 1, 2};
    c.verdict.reason = "measured 65 ± 1 (n=3), claimed 68: 3 below, allowed ±2.5: not-reproduced";
    evaluation_.claims.push_back(c);
    RunEvidence failed;
    failed.label = "mlp seed=3";
    failed.state = RunEvidence::State::kUnfinished;
    failed.status = "timeout";
    failed.signal = 15;
    failed.dir = "/r/mlp/a1";
    evaluation_.unfinished_runs.push_back(failed);
  }
  Manifest manifest_;
  Claim claim_;
  Evaluation evaluation_;
};

TEST_F(RenderTest, TerminalTableWithoutColour) {
  EXPECT_EQ(RenderTerminal(evaluation_, /*color=*/false),
            "claim       paper                                     reported  measured      95% CI          delta  verdict\n"
            "table1/mlp  Table 1, row MLP, the one with a very l…  68        65 ± 1 (n=3)  [62.52, 67.48]  -3     not-reproduced\n"
            "\n"
            "table1/mlp: measured 65 ± 1 (n=3), claimed 68: 3 below, allowed ±2.5: not-reproduced\n"
            "\n"
            "0 of 1 claims reproduced; 1 not-reproduced\n");
}

TEST_F(RenderTest, ColourOnlyWhenAsked) {
  EXPECT_EQ(RenderTerminal(evaluation_, false).find('\x1b'), std::string::npos);
  EXPECT_NE(RenderTerminal(evaluation_, true).find("\x1b[31mnot-reproduced\x1b[0m"), std::string::npos);
}

TEST_F(RenderTest, MarkdownEscapesCellsAndListsUnfinishedRuns) {
  std::string md = RenderMarkdown(evaluation_);
  EXPECT_NE(md.find("# Reproduction report: A \\| paper\n"), std::string::npos);
  EXPECT_NE(md.find("| `table1/mlp` | Table 1, row MLP, the one with a very long description that goes on | 68 | 65 ± 1 (n=3) | "
                    "\\[62.52, 67.48\\] | -3 | **not-reproduced** |"),
            std::string::npos) << md;
  EXPECT_NE(md.find("| mlp seed=3 | timeout (signal 15) | `/r/mlp/a1/stdout.log`, `/r/mlp/a1/stderr.log` |"), std::string::npos) << md;
  EXPECT_NE(md.find("Seeds: 0, 1, 2."), std::string::npos);
}

TEST_F(RenderTest, JsonCarriesEverythingWithNullsNotOmissions) {
  nlohmann::json json = nlohmann::json::parse(RenderJson(evaluation_));
  EXPECT_EQ(json["version"], kReportJsonVersion);
  EXPECT_EQ(json["source"]["commit"], std::string(40, 'a'));
  EXPECT_TRUE(json["source"]["path"].is_null());
  const nlohmann::json& claim = json["claims"][0];
  EXPECT_EQ(claim["verdict"], "not-reproduced");
  EXPECT_EQ(claim["kind"], "value");
  EXPECT_EQ(claim["measured"], "65 ± 1 (n=3)");
  EXPECT_EQ(claim["summary"]["n"], 3);
  EXPECT_DOUBLE_EQ(claim["summary"]["std"].get<double>(), 1.0);
  EXPECT_EQ(claim["summary"]["ci95"].size(), 2u);
  EXPECT_TRUE(claim["p_value"].is_null());
  EXPECT_TRUE(claim["reported"]["std"].is_null());
  EXPECT_EQ(json["summary"]["not-reproduced"], 1);
  EXPECT_EQ(json["summary"]["all_reproduced"], false);
  EXPECT_EQ(json["unfinished_runs"][0]["signal"], 15);
  EXPECT_TRUE(json["unfinished_runs"][0]["exit_code"].is_null());
}

}  // namespace
}  // namespace repro
