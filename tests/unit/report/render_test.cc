#include "harness/report/render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/report/escape.h"
#include "harness/report/extras.h"

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
    failed.status = AttemptStatus::kTimeout;
    failed.signal = 15;
    failed.dir = "/r/mlp/a1";
    evaluation_.unfinished_runs.push_back(failed);
  }
  Manifest manifest_;
  Claim claim_;
  Evaluation evaluation_;
};

TEST_F(RenderTest, TerminalTableWithoutColour) {
  EXPECT_EQ(
      RenderTerminal(evaluation_, /*color=*/false),
      "claim       paper                                     reported  measured      95% CI          delta  verdict\n"
      "table1/mlp  Table 1, row MLP, the one with a very l…  68        65 ± 1 (n=3)  [62.52, 67.48]  -3     "
      "not-reproduced\n"
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
  EXPECT_NE(
      md.find(
          "| `table1/mlp` | Table 1, row MLP, the one with a very long description that goes on | 68 | 65 ± 1 (n=3) | "
          "\\[62.52, 67.48\\] | -3 | **not-reproduced** |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("| mlp seed=3 | timeout (signal 15) | `/r/mlp/a1/stdout.log`, `/r/mlp/a1/stderr.log` |"),
            std::string::npos)
      << md;
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

TEST_F(RenderTest, HtmlForPrintOpensEverySectionAndHeadsEachPageWithTheTitle) {
  std::string screen = RenderHtml(evaluation_), print = RenderHtml(evaluation_, /*for_print=*/true);
  EXPECT_NE(screen.find("<details id=\"failed-runs\">"), std::string::npos);
  EXPECT_NE(print.find("<details open id=\"failed-runs\">"), std::string::npos);
  EXPECT_EQ(print.find("<details id"), std::string::npos) << "none left collapsed";
  EXPECT_NE(print.find(R"(@top-center{content:"Reproduction report: A | paper";)"), std::string::npos);
  EXPECT_NE(print.find(R"(content:"page " counter(page) " of " counter(pages))"), std::string::npos);
  EXPECT_NE(screen.find("<td class=\"verdict\">✗ not-reproduced</td>"), std::string::npos)
      << "a word and a symbol, not only a colour";
}

TEST_F(RenderTest, ATitleCannotLeaveItsCssString) {
  EXPECT_EQ(CssString("a \"b\" \\ </style><script>"), R"("a \22 b\22  \5c  \3c /style\3e \3c script\3e ")");
  manifest_.paper.title = "x\";}</style><script>alert(1)</script>{\n";
  std::string html = RenderHtml(evaluation_, /*for_print=*/true);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("</style><script"), std::string::npos);
  EXPECT_EQ(html.find("</style>"), html.rfind("</style>")) << "one style sheet, closed once";
}

// #18: the Store's timestamps are whole seconds: runs within one second left the Elapsed line
// out, and one second read "1.0s". Elapsed is printed whenever attempts ran, at its resolution.
TEST_F(RenderTest, ElapsedIsAlwaysPrintedInWholeSeconds) {
  EXPECT_EQ(FormatElapsed(0), "under 1s");
  EXPECT_EQ(FormatElapsed(1), "1s");
  EXPECT_EQ(FormatElapsed(59), "59s");
  EXPECT_EQ(FormatElapsed(722), "12m02s");
  evaluation_.claims[0].compute = {2, 0.4, 0.3, 0, 2048};
  evaluation_.compute = evaluation_.claims[0].compute;
  evaluation_.elapsed_seconds = 0;
  EXPECT_NE(RenderHtml(evaluation_).find("Elapsed: the runs took under 1s from the first attempt's start"),
            std::string::npos);
  EXPECT_NE(RenderMarkdown(evaluation_).find("Elapsed: the runs took under 1s"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(RenderJson(evaluation_))["review"]["elapsed_seconds"], 0);
  evaluation_.elapsed_seconds = 1;
  std::string html = RenderHtml(evaluation_);
  EXPECT_NE(html.find("Elapsed: the runs took 1s from"), std::string::npos) << html;
  EXPECT_EQ(html.find("1.0s"), std::string::npos);
  evaluation_.elapsed_seconds.reset();
  EXPECT_EQ(RenderHtml(evaluation_).find("Elapsed:"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(RenderJson(evaluation_))["review"]["elapsed_seconds"].is_null());
}

TEST_F(RenderTest, ComputeNamesTheSumOverAttemptsAndTheElapsedTime) {
  evaluation_.claims[0].compute = {3, 1422, 1300, 0, 2048};
  evaluation_.compute = evaluation_.claims[0].compute;
  evaluation_.elapsed_seconds = 722;
  std::string html = RenderHtml(evaluation_);
  EXPECT_NE(
      html.find("Compute: 3 attempt(s), 23m42s of attempt time (summed over attempts), 21m40s CPU, peak memory 2 MiB."),
      std::string::npos)
      << html;
  EXPECT_NE(html.find("Elapsed: the runs took 12m02s from the first attempt's start"), std::string::npos);
  std::string md = RenderMarkdown(evaluation_);
  EXPECT_NE(md.find("| Compute | Attempts | Attempt time (summed) |"), std::string::npos);
  EXPECT_NE(md.find("Elapsed: the runs took 12m02s"), std::string::npos);
  EXPECT_NE(
      md.find("23m42s of attempt time (summed over attempts) in 12m02s elapsed from the first start to the last end"),
      std::string::npos)
      << md;
}

}  // namespace
}  // namespace repro
