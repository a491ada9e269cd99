// Manifests from strangers (issue #13): nothing in one may exhaust memory or time, reach
// outside its folder, or hide characters in what is run. Each case would crash, hang or
// pass silently without its fix.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/manifest/parser.h"
#include "harness/manifest/plan.h"
#include "harness/manifest/yaml_precheck.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;
using testing::WriteText;

// A valid manifest around "experiment" (indented as an item of 'experiments', starting at
// line 4) and "claims" (items of 'claims').
std::string Manifest(const std::string& experiment,
                     const std::string& claims = "  - {id: c, experiment: e, metric: m, reported: \"1\"}\n") {
  return "paper: {title: t}\nsource: {path: code}\nexperiments:\n" + experiment + "claims:\n" + claims;
}

// Experiment "e" with "extra" lines between its command and its metrics (from line 6).
std::string Experiment(const std::string& extra, const std::string& command = "[prog, \"{seed}\"]",
                       const std::string& metrics = "{m: {stdout: 'm=(?<value>\\S+)'}}") {
  return "  - id: e\n    command: " + command + "\n" + extra + "    metrics: " + metrics + "\n";
}

class HostileManifestTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_ / "code"); }

  ManifestLoad Parse(const std::string& text) { return ParseManifest(text, "x.yaml", dir_.path()); }

  std::vector<std::string> Errors(const std::string& text) {
    std::vector<std::string> errors;
    for (const Diagnostic& d : Parse(text).errors) errors.push_back(d.ToString());
    return errors;
  }

  ScopedTempDir dir_;
};

// ---- 1. a grid is a product: counted before anything is expanded -------------------

TEST_F(HostileManifestTest, HostileGridOfTenToTheTwentyIsRefusedBeforeExpanding) {
  std::string params = "    params:\n";
  std::string where;
  for (int p = 0; p < 20; ++p) {
    params += "      p" + std::to_string(p) + ": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
    where += (p ? ", p" : "p") + std::to_string(p) + ": \"0\"";
  }
  ManifestLoad load = Parse(
      Manifest(Experiment(params), "  - {id: c, experiment: e, metric: m, reported: \"1\", where: {" + where + "}}\n"));
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  std::string expected =
      "x.yaml:4:5: experiment 'e': 10^20 runs (20 parameters: 10 x 10 x 10 x 10 x 10 x 10 x ... values, 1 seed) "
      "exceeds the "
      "limit of 100000; raise it with --max-runs N";
  Result<int64_t> count = CountRuns(load.manifest, kDefaultMaxRuns);
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.error(), expected);
  // PlanRuns refuses the same way instead of allocating 10^20 runs.
  Result<std::vector<RunSpec>> runs = PlanRuns(load.manifest, "tree:abc");
  ASSERT_FALSE(runs.ok());
  EXPECT_EQ(runs.error(), expected);
}

TEST_F(HostileManifestTest, HostileGridLimitIsExactAndCanBeRaised) {
  ManifestLoad load =
      Parse(Manifest(Experiment("    params: {a: [1, 2, 3], b: [1, 2]}\n    seeds: [0, 1]\n"),
                     "  - {id: c, experiment: e, metric: m, reported: \"1\", for_all: a, where: {b: \"1\"}}\n"));
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  EXPECT_EQ(*CountRuns(load.manifest, 12), 12);
  Result<int64_t> over = CountRuns(load.manifest, 11);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(),
            "x.yaml:4:5: experiment 'e': 12 runs (2 parameters: 3 x 2 values, 2 seeds) exceeds the limit of 11; raise "
            "it with "
            "--max-runs N");
  EXPECT_EQ(PlanRuns(load.manifest, "tree:abc", 12)->size(), 12u);
}

TEST_F(HostileManifestTest, HostileTotalOverTheLimitNamesEachExperiment) {
  std::string values = "[";
  for (int v = 0; v < 40; ++v) values += (v ? ", " : "") + std::to_string(v);
  values += "]";
  std::string grid = "    params: {a: " + values + ", b: " + values + ", c: " + values + "}\n";
  std::string text = Manifest(
      Experiment(grid) + "  - id: f\n    command: [prog]\n" + grid + "    metrics: {m: {stdout: 'm=(?<value>\\S+)'}}\n",
      "  - {id: c, experiment: e, metric: m, reported: \"1\", for_all: a, where: {b: \"0\", c: \"0\"}}\n");
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  Result<int64_t> count = CountRuns(load.manifest, kDefaultMaxRuns);
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(
      count.error(),
      "x.yaml:4:5: the experiments plan 128000 runs in total (e 64000, f 64000), over the limit of 100000; raise it "
      "with --max-runs N");
}

TEST_F(HostileManifestTest, HostileMaxRunsFlagReachesValidateAndPlan) {
  WriteText(dir_ / "m.yaml", Manifest(Experiment("    params: {a: [1, 2, 3]}\n    seeds: [0, 1]\n"),
                                      "  - {id: c, experiment: e, metric: m, reported: \"1\", for_all: a}\n"));
  testing::CommandResult refused = testing::RunRepro({"validate", "--max-runs", "5", "m.yaml"}, dir_.path());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err,
            "repro: m.yaml:4:5: experiment 'e': 6 runs (1 parameter: 3 values, 2 seeds) exceeds the limit of 5; raise "
            "it with "
            "--max-runs N\n");
  testing::CommandResult raised = testing::RunRepro({"validate", "--max-runs", "6", "m.yaml"}, dir_.path());
  EXPECT_EQ(raised.exit_code, 0) << raised.err;
  EXPECT_EQ(raised.out, "m.yaml: ok (1 experiment, 6 runs, 1 claim)\n");
  EXPECT_EQ(testing::RunRepro({"plan", "--max-runs", "5", "m.yaml"}, dir_.path()).exit_code, 2);
  EXPECT_EQ(testing::RunRepro({"plan", "--max-runs", "6", "m.yaml"}, dir_.path()).exit_code, 0);
}

TEST_F(HostileManifestTest, HostileCommandTextTimesRunsIsBounded) {
  // 100,000 runs of a 20 KB command are 2 GB of argv before anything runs.
  std::string seeds = "    seeds: [";
  for (int s = 0; s < 100000; ++s) seeds += (s ? "," : "") + std::to_string(s);
  seeds += "]\n";
  ManifestLoad load = Parse(Manifest(Experiment(seeds, "[prog, " + std::string(20000, 'x') + "]")));
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  Result<int64_t> count = CountRuns(load.manifest, kDefaultMaxRuns);
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(
      count.error(),
      "x.yaml:4:5: experiment 'e': 100000 runs of 20260 bytes of command each exceed the 1073741824 bytes a plan may "
      "hold; shorten the command or its parameter values");
}

// ---- 2. validation grows linearly (speed itself is measured in tests/bench) ----------

TEST_F(HostileManifestTest, HostileTwoHundredThousandSeedsAreCheckedAndADuplicateFound) {
  std::string seeds = "    seeds: [";
  for (int s = 0; s < 200000; ++s) seeds += std::to_string(s) + ", ";
  seeds += "17]\n";  // the one repeat, at the very end
  ManifestLoad load = Parse(Manifest(Experiment(seeds)));
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].ToString(), "x.yaml:6:" + std::to_string(seeds.size() - 3) + ": seed 17 is listed twice");
  EXPECT_EQ(load.manifest.experiments.at(0).seeds.size(), 200000u);
}

TEST_F(HostileManifestTest, HostileTwentyThousandClaimsOnAWideExperiment) {
  // Every claim pins the 5 open parameters of an experiment with 1,000; one claim names an
  // unknown experiment among 1,000 and is the only error.
  std::string params = "    params:\n";
  for (int p = 0; p < 1000; ++p) params += "      p" + std::to_string(p) + (p < 5 ? ": [0, 1]\n" : ": 0\n");
  std::string where = "{";
  for (int p = 0; p < 5; ++p) where += (p ? ", p" : "p") + std::to_string(p) + ": \"1\"";
  where += "}";
  std::string experiments = Experiment(params);
  for (int e = 0; e < 1000; ++e)
    experiments += "  - {id: x" + std::to_string(e) + ", command: [p], metrics: {m: {stdout: '(?<value>1)'}}}\n";
  std::string claims;
  for (int c = 0; c < 20000; ++c)
    claims += "  - {id: c" + std::to_string(c) + ", experiment: e, metric: m, reported: \"1\", where: " + where + "}\n";
  claims += "  - {id: last, experiment: x1000, metric: m, reported: \"1\"}\n";
  ManifestLoad load = Parse(Manifest(experiments, claims));
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].message, "claim 'last' names unknown experiment 'x1000' (did you mean 'x100'?)");
  EXPECT_EQ(load.manifest.claims.size(), 20001u);
}

TEST_F(HostileManifestTest, HostileClaimMissingManyPicksNamesAFew) {
  std::string params = "    params:\n";
  for (int p = 0; p < 500; ++p) params += "      p" + std::to_string(p) + ": [0, 1]\n";
  ManifestLoad load = Parse(
      Manifest(Experiment(params), "  - {id: c, experiment: e, metric: m, reported: \"1\", where: {p3: \"1\"}}\n"));
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].ToString(),
            "x.yaml:509:5: claim 'c' must pick one grid point of experiment 'e': add 'where' with a value for p0, p1, "
            "p2, p4, "
            "p5, p6, p7, p8, ... (491 more) (or for_all: p0)");
}

TEST_F(HostileManifestTest, HostileLongIdIsNotRepeatedInEveryMessage) {
  // A 200 KB id quoted in each of 2,000 messages would be 400 MB of messages.
  std::string id(200000, 'a');
  std::string params = "    params:\n";
  for (int p = 0; p < 2000; ++p) params += "      seed" + std::to_string(p) + "-x: 1\n";
  ManifestLoad load =
      Parse(Manifest("  - id: " + id + "\n    command: [p]\n" + params + "    metrics: {m: {stdout: '(?<value>1)'}}\n",
                     "  - {id: c, experiment: " + id + ", metric: m, reported: \"1\"}\n"));
  ASSERT_EQ(load.errors.size(), 2000u);
  size_t bytes = 0;
  for (const Diagnostic& d : load.errors) bytes += d.message.size();
  EXPECT_LT(bytes, 2000u * 200u);
  EXPECT_EQ(load.errors[0].message, "parameter name 'seed0-x' in experiment '" + std::string(60, 'a') +
                                        "...' may only use letters, digits and '_'");
}

TEST_F(HostileManifestTest, HostileUnknownPlaceholderAmongManyParametersListsAFew) {
  std::string params = "    params: {";
  for (int p = 0; p < 300; ++p) params += (p ? ", q" : "q") + std::to_string(p) + ": 1";
  params += "}\n";
  std::vector<std::string> errors = Errors(Manifest(Experiment(params, "[prog, \"{nope}\"]")));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "x.yaml:5:21: unknown placeholder '{nope}' in experiment 'e'; known: seed, out, manifest_dir, q0, q1, q2, "
            "q3, q4, "
            "... (295 more)");
}

// ---- 2b. nesting is bounded before yaml-cpp recurses or buffers ------------------------

TEST_F(HostileManifestTest, HostileMegabytesOfOpenBracketsAreRefusedAtTheDepthLimit) {
  std::vector<std::string> errors = Errors("paper: " + std::string(9'000'000, '['));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "x.yaml:1:71: the YAML is nested deeper than 64 levels here; a manifest needs a handful");
}

TEST_F(HostileManifestTest, HostileDeepBlockNestingIsRefused) {
  std::string dashes;
  for (int i = 0; i < 1'000'000; ++i) dashes += "- ";
  EXPECT_EQ(Errors("paper: {title: t}\nx:\n  " + dashes + "x\n"),
            (std::vector<std::string>{
                "x.yaml:3:129: the YAML is nested deeper than 64 levels here; a manifest needs a handful"}));
  std::string indented;
  for (int i = 0; i < 100; ++i) indented += std::string(static_cast<size_t>(i), ' ') + "k:\n";
  EXPECT_EQ(Errors(indented),
            (std::vector<std::string>{
                "x.yaml:65:65: the YAML is nested deeper than 64 levels here; a manifest needs a handful"}));
  std::string flow_maps = "paper: ";
  for (int i = 0; i < 100; ++i) flow_maps += "{a: ";
  EXPECT_EQ(Errors(flow_maps),
            (std::vector<std::string>{
                "x.yaml:1:260: the YAML is nested deeper than 64 levels here; a manifest needs a handful"}));
}

TEST_F(HostileManifestTest, HostileBracketsInsideScalarsAreNotNesting) {
  // Brackets and quotes inside plain, quoted and block scalars, and in comments, are text.
  std::string many(200, '[');
  std::string params = "    params:\n      x: \"" + many + "\"\n      y: '" + many + "it''s'\n      z: a" + many +
                       "\n    # " + many + "\n";
  std::string text = Manifest(Experiment(params, "[prog, it's, \"{x}\", \"{y}\", \"{z}\", \"{seed}\"]"),
                              "  - id: c\n    source: |\n      " + many +
                                  " \"unclosed\n    experiment: e\n    metric: m\n    reported: \"1\"\n");
  ManifestLoad load = Parse(text);
  EXPECT_TRUE(load.ok()) << load.errors.front().ToString();
  EXPECT_EQ(load.manifest.claims.at(0).source, many + " \"unclosed\n");
  EXPECT_FALSE(PrecheckYaml(std::string(kMaxYamlNesting - 1, '[') + std::string(kMaxYamlNesting - 1, ']')).has_value());
}

// ---- 3. a directory, and a quote the file ends inside ---------------------------------

TEST_F(HostileManifestTest, HostileDirectoryGivenAsManifestIsNamed) {
  ManifestLoad load = LoadManifest(dir_.path());
  ASSERT_EQ(load.errors.size(), 1u);
  std::string dir = dir_.path().string();
  EXPECT_EQ(load.errors[0].ToString(),
            dir + ": " + dir + " is a directory; give the manifest file, e.g. " + dir + "/repro.yaml");
  testing::CommandResult result = testing::RunRepro({"validate", "code"}, dir_.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.rfind("code: code is a directory; give the manifest file, e.g. code/repro.yaml\n", 0), 0u)
      << result.err;
}

TEST_F(HostileManifestTest, HostileUnterminatedQuoteAtTheEndIsAnError) {
  std::string text = Manifest(Experiment(""), "  - id: c\n    experiment: e\n    metric: m\n    reported: \"0.9");
  EXPECT_EQ(Errors(text),
            (std::vector<std::string>{"x.yaml:11:15: this double-quoted string is never closed; add the closing \""}));
  EXPECT_EQ(Errors(Manifest(Experiment(""), "  - {id: c, experiment: e, metric: m, reported: '0.9}\n")),
            (std::vector<std::string>{"x.yaml:8:49: this single-quoted string is never closed; add the closing '"}));
  // Closed strings, escapes and doubled quotes are fine.
  EXPECT_TRUE(Parse(Manifest(Experiment(""),
                             "  - {id: c, experiment: e, metric: m, reported: \"0.9\", source: 'it''s \\\"'}\n"))
                  .ok());
}

// ---- 4. control characters in what is run ---------------------------------------------

TEST_F(HostileManifestTest, HostileControlCharactersInValuesAndArgumentsAreRefused) {
  std::vector<std::string> errors =
      Errors(Manifest(Experiment("    params: {lr: [\"0.1\", \"0.0\\x001\"], tab: \"a\\tb\\nc\"}\n",
                                 "[prog, \"--lr={lr}\", \"\\e[2J{tab}\", \"{seed}\"]"),
                      "  - {id: c, experiment: e, metric: m, reported: \"1\", where: {lr: \"0.1\"}}\n"));
  EXPECT_EQ(
      errors,
      (std::vector<std::string>{
          "x.yaml:5:34: argument 3 of 'command' in experiment 'e' has the control character \\x1b at character 1; "
          "remove it",
          "x.yaml:6:26: a value of parameter 'lr' in experiment 'e' has the control character \\x00 at character "
          "4; remove it",
      }));
  EXPECT_EQ(Errors(Manifest(Experiment("    shell: true\n", "\"echo \\x7f {seed}\""))),
            (std::vector<std::string>{
                "x.yaml:5:14: 'command' in experiment 'e' has the control character \\x7f at character 6; "
                "remove it"}));
}

TEST_F(HostileManifestTest, HostileReportedValueCannotCrashTheParser) {
  // std::stoi threw out_of_range on this exponent, and std::regex recursed per character.
  EXPECT_EQ(
      Errors(Manifest(Experiment(""), "  - {id: c, experiment: e, metric: m, reported: \"37 (x10^99999999999)\"}\n")),
      (std::vector<std::string>{
          "x.yaml:8:49: 'reported' in claim 'c' must be a number as printed in the paper, such as 68.2, "
          "\"-0.49 +- 0.02\" or \"37 ± 2 (x10^-3)\" (an exponent between -300 and 300), got '37 "
          "(x10^99999999999)'"}));
  std::string reported(200000, '1');
  ASSERT_EQ(Parse(Manifest(Experiment(""), "  - {id: c, experiment: e, metric: m, reported: \"" + reported + "\"}\n"))
                .errors.size(),
            1u);
}

// ---- 5. paths that leave their folder ---------------------------------------------------

TEST_F(HostileManifestTest, HostileAddedFilesFromOutsideTheManifestFolderAreRefused) {
  ScopedTempDir outside;
  WriteText(outside / "secret", "s");
  WriteText(dir_ / "driver.py", "print(1)");
  std::filesystem::create_symlink(outside / "secret", dir_ / "link");
  std::string up = std::filesystem::relative(outside / "secret", dir_.path()).string();  // ../repro-test-XXXXXX/secret
  std::string files =
      "source:\n  path: code\n  files:\n    - {from: /etc/passwd, to: a}\n    - {from: " + up +
      ", to: b}\n    - {from: link, to: c}\n    - {from: driver.py, to: /usr/bin/x}\n    - {from: driver.py, to: "
      "a/../../x}\n    - {from: driver.py, to: a/../b}\n    - {from: driver.py, to: tools/driver.py}\n";
  std::string text = "paper: {title: t}\n" + files +
                     Manifest(Experiment("")).substr(std::string("paper: {title: t}\nsource: {path: code}\n").size());
  ManifestLoad load = Parse(text);
  std::vector<std::string> errors;
  for (const Diagnostic& d : load.errors) errors.push_back(d.ToString());
  std::string dir = dir_.path().string(), secret = std::filesystem::canonical(outside / "secret").string();
  EXPECT_EQ(
      errors,
      (std::vector<std::string>{
          "x.yaml:5:14: file '/etc/passwd' (resolved to /etc/passwd) is outside the manifest's folder " + dir +
              "; copy it into that folder and name it relative to it",
          "x.yaml:6:14: file '" + up + "' (resolved to " + secret + ") is outside the manifest's folder " + dir +
              "; copy it into that folder and name it relative to it",
          "x.yaml:7:14: file 'link' (resolved to " + secret + ") is outside the manifest's folder " + dir +
              "; copy it into that folder and name it relative to it",
          "x.yaml:8:29: 'to' '/usr/bin/x' is absolute; it must be a path inside the code's folder, like data/train.csv",
          "x.yaml:9:29: 'to' 'a/../../x' has a '..' component; it must be a path inside the code's folder, like "
          "data/train.csv",
          "x.yaml:10:29: 'to' 'a/../b' has a '..' component; it must be a path inside the code's folder, like "
          "data/train.csv",
      }));
  ASSERT_EQ(load.manifest.source.files.size(), 1u);
  EXPECT_EQ(load.manifest.source.files[0].to, "tools/driver.py");
}

TEST_F(HostileManifestTest, HostileInputPathsOutsideTheCodeAreRefused) {
  std::string sha(64, 'a');
  std::string inputs = "inputs:\n  - {path: /etc/x, sha256: " + sha +
                       ", url: http://h/x}\n  - {path: data/../../x, sha256: " + sha +
                       ", url: http://h/x}\n  - {path: data/x.pkl, sha256: " + sha + ", url: http://h/x}\n";
  std::string text = "paper: {title: t}\nsource: {path: code}\n" + inputs + Manifest(Experiment("")).substr(39);
  ManifestLoad load = Parse(text);
  std::vector<std::string> errors;
  for (const Diagnostic& d : load.errors) errors.push_back(d.ToString());
  EXPECT_EQ(
      errors,
      (std::vector<std::string>{
          "x.yaml:4:12: input path '/etc/x' is absolute; it must be a path inside the code's folder, like "
          "data/train.csv",
          "x.yaml:5:12: input path 'data/../../x' has a '..' component; it must be a path inside the code's folder, "
          "like data/train.csv",
      }));
  ASSERT_EQ(load.manifest.inputs.size(), 1u);
}

TEST_F(HostileManifestTest, HostileMetricFilesOutsideTheAttemptFolderAreRefused) {
  auto metric_error = [&](const std::string& file, const std::string& params = "") {
    std::vector<std::string> errors =
        Errors(Manifest(Experiment(params, "[prog]", "{m: {file: \"" + file + "\", json: /acc}}"),
                        "  - {id: c, experiment: e, metric: m, reported: \"1\"" +
                            std::string(params.empty() ? "" : ", for_all: d") + "}\n"));
    return errors.empty() ? std::string("ok") : errors.front();
  };
  const std::string fix =
      "; metric files are read from the run's own folder: write {out}/NAME or a path relative to the working copy";
  EXPECT_EQ(metric_error("/etc/passwd"), "x.yaml:6:25: 'file' in metric 'm' of experiment 'e' is absolute" + fix);
  EXPECT_EQ(metric_error("../x.json"),
            "x.yaml:6:25: 'file' in metric 'm' of experiment 'e' has a '..' component" + fix);
  EXPECT_EQ(metric_error("{out}/../../etc/passwd"),
            "x.yaml:6:25: 'file' in metric 'm' of experiment 'e' has a '..' component" + fix);
  EXPECT_EQ(metric_error("{out}/.*/x.json"),
            "x.yaml:6:25: 'file' in metric 'm' of experiment 'e' has a '..' component" + fix);
  EXPECT_EQ(metric_error("{manifest_dir}/x.json"),
            "x.yaml:6:25: 'file' in metric 'm' of experiment 'e' names {manifest_dir}, the manifest's folder" + fix);
  EXPECT_EQ(metric_error("logs/{out}/x.json"),
            "x.yaml:6:25: 'file' in metric 'm' of experiment 'e' has {out} after its start" + fix);
  EXPECT_EQ(metric_error("{d}/x.json", "    params: {d: [logs, /etc]}\n"),
            "x.yaml:7:25: 'file' in metric 'm' of experiment 'e' takes parameter 'd', whose value '/etc' is absolute "
            "or has a "
            "'..' component" +
                fix);
  // What docs/manifest.md shows stays valid.
  EXPECT_EQ(metric_error("{out}/log.json"), "ok");
  EXPECT_EQ(metric_error("{out}/seed-*/result.json"), "ok");
  EXPECT_EQ(metric_error("{out}/*/log.json"), "ok");
  EXPECT_EQ(metric_error("runs/{d}/seed{seed}.json", "    params: {d: [a, b/c]}\n"), "ok");
}

}  // namespace
}  // namespace repro
