// Results read the way released code reports them (#21), through the built binary: a result
// appended to a text file, a dict printed on one line, repeats inside one process. The
// "paper" is a shell script that reports as such code does.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

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
      rmse: {file: results/result.txt, regex: 'Test RMSE: (?<value>\S+)', reduce: first}
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

std::map<std::string, std::string> Reasons(const std::string& out) { return testing::ReasonsByClaim(out); }

class ReportingShapesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(dir_ / "code/paper.sh", kPaper, /*executable=*/true);
    // The result the authors got, shipped with the code: the run appends below it.
    WriteText(dir_ / "code/results/result.txt", "Test RMSE: 0.99\n");
    WriteText(dir_ / "paper.yaml", kManifest);
  }
  ScopedTempDir dir_;
};

TEST_F(ReportingShapesTest, ATextFileADictLineAndInRunRepeats) {
  // A stale result file in the code ("Test RMSE: 0.99") must not be what is read: each attempt
  // appends to the copy in its own working copy, and what that copy held before the run is
  // skipped, so 'reduce: first' takes the attempt's own line.
  testing::CommandResult run = RunRepro({"run", "paper.yaml"}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  std::map<std::string, std::string> reasons = Reasons(run.out);
  EXPECT_EQ(reasons["rmse"],
            "measured 0.3700 (n=1), claimed 0.37: 0.0000 off, allowed ±0.005; declared deterministic, so one run "
            "decides: reproduced")
      << run.out;
  EXPECT_NE(reasons["recall"].find("measured 0.8800 (n=1)"), std::string::npos) << run.out;
  EXPECT_NE(reasons["f1"].find("measured 0.8900 (n=1)"), std::string::npos)
      << "every match of the line, not only the first\n"
      << run.out;
  EXPECT_NE(reasons["repeated-acc"].find("measured 0.9000 ± 0.0016 (n=5)"), std::string::npos) << run.out;
  EXPECT_NE(reasons["repeated-acc"].find("n counts 5 samples (in-run replicates of 1 seed, taken as independent)"),
            std::string::npos)
      << run.out;
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
      EXPECT_TRUE(sample["commit"].is_null()) << "a local folder has no commit";
    }
  }
  EXPECT_EQ(replicates, (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

// Replicates are samples of one attempt each: reports count runs and attempts, not samples,
// and draw one curve per run named as the run; 'repro show' says the stored value is a mean.
TEST(ReplicatesTest, ReportsCountRunsAndAttemptsNotSamples) {
  ScopedTempDir dir;
  WriteText(dir / "code/repeats.sh",
            "i=0\nfor acc in 0.89 0.90 0.91 0.90 0.89; do echo \"repeat $i: acc ${acc}$1\"; i=$((i + 1)); done\n");
  WriteText(dir / "m.yaml", R"yaml(schema: 1
paper: {title: Replicates}
source: {path: code}
experiments:
  - id: repeats
    command: [/bin/sh, repeats.sh, "{seed}"]
    seeds: [1, 2]
    metrics:
      acc: {stdout: 'repeat (?<step>\d+): acc (?<value>\S+)', replicates: true}
claims:
  - {id: acc, experiment: repeats, metric: acc, reported: "0.90"}
)yaml");
  testing::CommandResult run = RunRepro({"run", "m.yaml"}, dir.path());
  ASSERT_NE(run.out.find("(n=10)"), std::string::npos) << run.out << run.err;

  testing::CommandResult json = RunRepro({"report", "m.yaml", "--format", "json"}, dir.path());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json report = nlohmann::json::parse(json.out);
  ASSERT_EQ(report["claims"].size(), 1u);
  EXPECT_EQ(report["claims"][0]["runs"].size(), 10u) << "each replicate is a sample";
  EXPECT_EQ(report["claims"][0]["compute"]["attempts"], 2) << "two attempts ran, not ten";
  std::string what_was_run = report["review"]["summary"]["What was run"].get<std::string>();
  EXPECT_NE(what_was_run.find("2 run(s) over 2 seed value(s)"), std::string::npos) << what_was_run;

  // The claim's chart: one curve per run, named as the run.
  testing::CommandResult html = RunRepro({"report", "m.yaml", "--format", "html"}, dir.path());
  ASSERT_EQ(html.exit_code, 0) << html.err;
  size_t caption = html.out.find("acc over steps, one line per run");
  ASSERT_NE(caption, std::string::npos) << html.out;
  size_t figure = html.out.rfind("<figure>", caption);
  std::string chart = html.out.substr(figure, caption - figure);
  EXPECT_NE(chart.find("repeats seed=1"), std::string::npos) << chart;
  EXPECT_NE(chart.find("repeats seed=2"), std::string::npos) << chart;
  EXPECT_EQ(chart.find(" #"), std::string::npos) << "a replicate's label on a curve\n" << chart;

  testing::CommandResult plan = RunRepro({"plan", "m.yaml"}, dir.path());
  size_t at = plan.out.find("done");
  ASSERT_NE(at, std::string::npos) << plan.out;
  std::string key = plan.out.substr(plan.out.find_first_not_of(' ', at + 4), 12);
  testing::CommandResult show = RunRepro({"show", key}, dir.path());
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("5 points  (the mean of 5 replicates)"), std::string::npos) << show.out;
}

// A README claim true at the commit it was written for and false at the latest (a later
// commit changed the data generation): one manifest runs both commits side by side, and an
// experiment's own env reaches only its runs.
TEST(ExperimentSourceTest, TwoCommitsOfOneRepositorySideBySide) {
  ScopedTempDir dir;
  std::filesystem::path repo = dir / "upstream", home = dir / "home";
  std::filesystem::create_directories(repo);
  std::filesystem::create_directories(home);
  testing::RunGit(repo, {"init", "--quiet", "--initial-branch=main"}, dir.path());
  std::vector<std::string> commits;
  for (const char* acc : {"0.90", "0.85"}) {
    WriteText(repo / "train.sh", std::string("echo \"acc ") + acc + "\"\necho \"scale ${SCALE:-none}\"\n");
    testing::RunGit(repo, {"add", "train.sh"}, dir.path());
    testing::RunGit(repo, {"commit", "--quiet", "-m", acc}, dir.path());
    commits.push_back(testing::RunGit(repo, {"rev-parse", "HEAD"}, dir.path()));
  }
  WriteText(dir / "m.yaml",
            "paper: {title: Two commits}\nsource: {git: " + repo.string() + ", commit: " + commits[1] +
                "}\nenv: {SCALE: '1'}\ndefaults: {deterministic: true}\nexperiments:\n"
                "  - id: latest\n    command: [/bin/sh, train.sh]\n"
                "    metrics: {acc: {stdout: 'acc (?<value>\\S+)'}, scale: {stdout: 'scale (?<value>\\S+)'}}\n"
                "  - id: as-written\n    command: [/bin/sh, train.sh]\n"
                "    source: {commit: " +
                commits[0] +
                "}\n    env: {SCALE: '2'}\n"
                "    metrics: {acc: {stdout: 'acc (?<value>\\S+)'}, scale: {stdout: 'scale (?<value>\\S+)'}}\n"
                "claims:\n"
                "  - {id: readme, experiment: [latest, as-written], metric: acc, reported: \"0.90\"}\n"
                "  - {id: scale-latest, experiment: latest, metric: scale, reported: \"1\"}\n"
                "  - {id: scale-as-written, experiment: as-written, metric: scale, reported: \"2\"}\n");
  const char* old_home = std::getenv("HOME");
  std::string saved = old_home != nullptr ? old_home : "";
  ::setenv("HOME", home.c_str(), 1);  // repro's cache of clones
  testing::CommandResult run = RunRepro({"run", "m.yaml"}, dir.path());
  testing::CommandResult report = RunRepro({"report", "m.yaml", "--format", "md"}, dir.path());
  testing::CommandResult validate = RunRepro({"validate", "m.yaml"}, dir.path());
  testing::CommandResult json = RunRepro({"report", "m.yaml", "--format", "json"}, dir.path());
  testing::CommandResult plan = RunRepro({"plan", "m.yaml"}, dir.path());
  ::setenv("HOME", saved.c_str(), 1);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // the latest commit does not reproduce the README
  std::map<std::string, std::string> reasons = Reasons(run.out);
  // One claim, judged against both commits side by side, each part naming its code.
  std::string latest = "latest @" + commits[1].substr(0, 12), as_written = "as-written @" + commits[0].substr(0, 12);
  EXPECT_EQ(reasons["readme"], "holds in 1 of 2 experiments (" + latest + ", " + as_written + "): not-reproduced")
      << run.out;
  EXPECT_NE(run.out.find("  " + latest + ": measured 0.8500 (n=1), claimed 0.90"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  " + as_written +
                         ": measured 0.9000 (n=1), claimed 0.90: 0.0000 off, allowed ±0.005; declared "
                         "deterministic, so one run decides: reproduced"),
            std::string::npos)
      << run.out;
  EXPECT_NE(reasons["scale-latest"].find(": reproduced"), std::string::npos) << run.out;
  EXPECT_NE(reasons["scale-as-written"].find(": reproduced"), std::string::npos) << "the experiment's own env\n"
                                                                                 << run.out;
  EXPECT_NE(run.err.find("runs of experiment 'as-written', code " + repo.string() + " @ " + commits[0]),
            std::string::npos)
      << run.err;
  // The report says which commit each number comes from.
  EXPECT_NE(
      report.out.find("experiment 'as-written' runs commit " + commits[0] + " (the manifest's: " + commits[1] + ")"),
      std::string::npos)
      << report.out;
  EXPECT_NE(report.out.find("as-written seed=0 @" + commits[0].substr(0, 12)), std::string::npos) << report.out;
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  // In the JSON, each run names its commit in full; the plan labels runs as reports do.
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::map<std::string, std::string> commit_of;  // label -> commit, over the runs of the side-by-side claim
  nlohmann::json parsed = nlohmann::json::parse(json.out);
  for (const nlohmann::json& claim : parsed["claims"]) {
    if (claim["id"] != "readme") continue;
    EXPECT_EQ(claim["experiments"], nlohmann::json::array({"latest", "as-written"}));
    EXPECT_EQ(claim["parts"].size(), 2u);
    for (const nlohmann::json& r : claim["runs"]) commit_of[r["label"]] = r["commit"].get<std::string>();
  }
  EXPECT_EQ(commit_of,
            (std::map<std::string, std::string>{{"latest seed=0", commits[1]},
                                                {"as-written seed=0 @" + commits[0].substr(0, 12), commits[0]}}));
  EXPECT_NE(plan.out.find("as-written seed=0 @" + commits[0].substr(0, 12)), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("latest seed=0\n"), std::string::npos) << plan.out;
}

TEST(ExperimentSourceTest, MisusedOverridesAreErrorsAtTheirLines) {
  ScopedTempDir dir;
  std::filesystem::create_directories(dir / "code");
  WriteText(dir / "m.yaml", R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: a
    command: [prog]
    source: {commit: 0123456789abcdef0123456789abcdef01234567}
    metrics: {acc: {stdout: 'acc (?<value>\S+)'}}
  - id: b
    command: [prog]
    source: {patches: [missing.patch]}
    env: {"1BAD": x}
    metrics: {acc: {stdout: 'acc (?<value>\S+)'}}
  - id: c
    command: [prog]
    source: {}
    metrics: {acc: {stdout: 'acc (?<value>\S+)'}}
claims:
  - {id: c, experiment: a, metric: acc, reported: 1}
)yaml");
  testing::CommandResult validate = RunRepro({"validate", "m.yaml"}, dir.path());
  EXPECT_EQ(validate.exit_code, 2) << validate.err;
  for (const char* error :
       {"m.yaml:6:22: 'commit' in 'source' in experiment 'a' needs the manifest's source to be a git "
        "repository ('git' and 'commit')",
        "m.yaml:10:23: patch 'missing.patch' (resolved to ",
        "m.yaml:11:11: '1BAD' in env in experiment 'b' is not a valid variable name",
        "m.yaml:15:13: 'source' in experiment 'c' must set 'commit' (a full hash) or 'patches' (a list, [] "
        "for none)"}) {
    EXPECT_NE(validate.err.find(error), std::string::npos) << error << "\n" << validate.err;
  }
  // A commit that is refused is not also missing.
  EXPECT_EQ(validate.err.find("'source' in experiment 'a' must set"), std::string::npos) << validate.err;
}

}  // namespace
}  // namespace repro
