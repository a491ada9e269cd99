#include "harness/manifest/parser.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

class ParserTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_ / "code"); }

  ManifestLoad Parse(const std::string& text) { return ParseManifest(text, "x.yaml", dir_.path()); }

  // Every error as "file:line:col: message", in order.
  std::vector<std::string> Errors(const std::string& text) {
    std::vector<std::string> errors;
    for (const Diagnostic& d : Parse(text).errors) errors.push_back(d.ToString());
    return errors;
  }

  ScopedTempDir dir_;
};

const char* kValid = R"yaml(schema: 1
paper:
  title: Toy paper
  authors: [A. Author, B. Author]
  year: 2020
  arxiv: "2011.14439"
source:
  path: code
setup:
  - [python3, -c, "print(1)"]
env: {OMP_NUM_THREADS: "1"}
defaults:
  timeout: 10m
  seeds: [0, 1, 2]
  resources: {cpus: 2, memory: 4G}
experiments:
  - id: mlp
    command: [python3, train.py, --lr, "{lr}", --seed, "{seed}", --out, "{out}"]
    params: {lr: [0.1, 0.01], depth: 2}
    metrics:
      acc: {stdout: 'acc=(?<value>[0-9.]+)', reduce: max}
      loss: {file: "{out}/log.json", json: /loss, reduce: min}
  - id: cnn
    command: [python3, cnn.py]
    seeds: [7]
    timeout: 90s
    metrics:
      acc: {stderr: 'acc (?<value>\S+)'}
claims:
  - id: table1/mlp
    source: Table 1, row MLP
    experiment: mlp
    metric: acc
    where: {lr: 0.01}
    reported: 68.2
    reported_std: 1.1
    tolerance: {abs: 2.0}
    better: higher
  - id: table1/cnn
    experiment: cnn
    metric: acc
    reported: "94"
)yaml";

TEST_F(ParserTest, ReadsEveryKeyOfAValidManifest) {
  ManifestLoad load = Parse(kValid);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  const Manifest& m = load.manifest;
  EXPECT_EQ(m.paper.title, "Toy paper");
  EXPECT_EQ(m.paper.authors.size(), 2u);
  EXPECT_EQ(m.paper.year, 2020);
  EXPECT_EQ(m.source.path, dir_ / "code");
  ASSERT_EQ(m.setup.size(), 1u);
  EXPECT_EQ(m.setup[0][2], "print(1)");
  ASSERT_EQ(m.env.size(), 1u);
  ASSERT_EQ(m.experiments.size(), 2u);
  const Experiment& mlp = m.experiments[0];
  EXPECT_EQ(mlp.seeds, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(mlp.timeout_seconds, 600);
  EXPECT_EQ(mlp.resources.cpus, 2);
  EXPECT_EQ(mlp.resources.memory_bytes, int64_t{4} << 30);
  ASSERT_EQ(mlp.params.size(), 2u);
  EXPECT_EQ(mlp.params[0].values, (std::vector<std::string>{"0.1", "0.01"}));
  EXPECT_EQ(mlp.params[1].values, (std::vector<std::string>{"2"}));
  ASSERT_EQ(mlp.metrics.size(), 2u);
  EXPECT_EQ(mlp.metrics[0].reduce.kind, ReducerSpec::Kind::kMax);
  EXPECT_EQ(mlp.metrics[1].source, MetricSource::kJson);
  EXPECT_EQ(mlp.metrics[1].selector, "/loss");
  const Experiment& cnn = m.experiments[1];
  EXPECT_EQ(cnn.seeds, (std::vector<int64_t>{7}));
  EXPECT_EQ(cnn.timeout_seconds, 90);
  EXPECT_EQ(cnn.metrics[0].source, MetricSource::kStderr);
  const Claim& claim = m.claims[0];
  EXPECT_EQ(claim.reported.text, "68.2");
  EXPECT_DOUBLE_EQ(claim.reported.value, 68.2);
  EXPECT_EQ(claim.reported.std, 1.1);
  EXPECT_EQ(claim.tolerance_abs, 2.0);
  EXPECT_EQ(claim.better, Better::kHigher);
  EXPECT_EQ(claim.where, (NamedValues{{"lr", "0.01"}}));
  EXPECT_EQ(m.claims[1].better, Better::kEither);
}

TEST_F(ParserTest, ReportsEveryMistakeInOnePassWithPositions) {
  std::string text = R"yaml(paper: {title: Toy}
source:
  git: https://example.org/toy
  commit: "abc 1234"
experiments:
  - id: mlp
    command: [python3, train.py, --lr, "{lrr}"]
    params: {lr: [0.1]}
    metrics:
      acc: {stdout: 'acc=(?<value>[0-9.]+', reduce: last}
claims:
  - id: table1/mlp
    experiment: mlp
    metric: acc
    metric: acc
    reported: 68.2
    tolerence: {abs: 2}
  - id: table1/cnn
    experiment: cnn
    metric: acc
    reported: "92.3%"
)yaml";
  EXPECT_EQ(
      Errors(text),
      (std::vector<std::string>{
          "x.yaml:4:11: commit 'abc 1234' in source is neither a commit hash nor a branch or tag name; pin the full "
          "40-hex hash (git rev-parse HEAD prints it)",
          "x.yaml:7:40: unknown placeholder '{lrr}' in experiment 'mlp' (did you mean 'lr'?); known: seed, out, "
          "manifest_dir, lr",
          "x.yaml:10:21: invalid regex in metric 'acc' of experiment 'mlp': missing closing parenthesis at offset 20",
          "x.yaml:15:5: duplicate key 'metric' in claim 'table1/mlp' (first at line 14)",
          "x.yaml:17:5: unknown key 'tolerence' in claim 'table1/mlp' (did you mean 'tolerance'?)",
          "x.yaml:19:17: claim 'table1/cnn' names unknown experiment 'cnn'",
          "x.yaml:21:15: 'reported' in claim 'table1/cnn' must be a number as printed in the paper, such as 68.2, "
          "\"-0.49 +- 0.02\" or \"37 ± 2 (x10^-3)\" (write the number without '%'), got '92.3%'",
      }));
}

TEST_F(ParserTest, MissingKeysAndWrongTypes) {
  std::string text = R"yaml(paper: {title: Toy}
source: {path: code}
experiments:
  - id: mlp
    command: python3 train.py
    seeds: [0, x, 0]
    timeout: soon
    metrics:
      acc: {stdout: 'acc=([0-9.]+)'}
claims:
  - id: c1
    experiment: mlp
    reported: 1
    better: more
)yaml";
  EXPECT_EQ(
      Errors(text),
      (std::vector<std::string>{
          "x.yaml:5:14: 'command' in experiment 'mlp' must be a non-empty list of arguments such as [python3, "
          "train.py], not 'python3 train.py'",
          "x.yaml:6:16: seed 'x' is not a whole number >= 0",
          "x.yaml:6:19: seed 0 is listed twice",
          "x.yaml:7:14: 'timeout' in experiment 'mlp' must be a duration such as 90s, 30m, 2h or 1h30m, got 'soon'",
          "x.yaml:9:21: regex in metric 'acc' of experiment 'mlp' has no named group 'value'; write (?<value>...) "
          "around the number",
          "x.yaml:11:5: missing key 'metric' in claim 'c1'",
          "x.yaml:14:13: 'better' in claim 'c1' must be one of higher, lower, either, got 'more'",
      }));
}

// Found by manifest_fuzz: a whole-number key holding 2e33 was cast to int64_t, which is
// undefined behaviour. Numbers a double cannot hold exactly, or past a key's own range, are
// refused at their line.
TEST_F(ParserTest, HugeWholeNumbersAreRefusedNotCast) {
  std::string text = R"yaml(paper: {title: Toy, year: 2e33}
source: {path: code}
defaults: {resources: {cpus: 4294967297}}
experiments:
  - id: mlp
    command: [python3, train.py]
    seeds: [2.08889e+33, -1e300, 3]
    metrics:
      acc: {stdout: 'acc=(?<value>[0-9.]+)', reduce: {mean_last: 1e300}}
claims: []
)yaml";
  EXPECT_EQ(
      Errors(text),
      (std::vector<std::string>{
          "x.yaml:1:27: 'year' in paper must be a whole number from 1000 to 9999, got '2e33'",
          "x.yaml:3:30: 'cpus' in resources of defaults must be a whole number from 1 to 1048576, got '4294967297'",
          "x.yaml:7:13: seed '2.08889e+33' is not a whole number >= 0",
          "x.yaml:7:26: seed '-1e300' is not a whole number >= 0",
          "x.yaml:9:66: 'mean_last' in 'reduce' in metric 'acc' of experiment 'mlp' must be a whole number of at least "
          "1, got '1e300'",
          "x.yaml:10:9: 'claims' must be a non-empty list of claims, each with an 'id', 'experiment', 'metric' and "
          "'reported'",
      }));
}

TEST_F(ParserTest, EveryMetricSourceReducerAndUnit) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: e
    command: [prog]
    metrics:
      "{name}_loss": {stdout: 'Final (?<name>train|test) loss (?<value>\S+)'}
      acc: {stream: stdout, jsonl: acc, step: step, reduce: {mean_last: 5}, scale: 100, unit: "%"}
      val: {file: "{out}/log.csv", csv: val_acc, step: epoch}
      test: {file: "{out}/log.csv", csv: test_acc, reduce: {at_best: val, best: max}}
      tb: {file: "{out}/tb", tensorboard: eval/acc, reduce: {at_step: 1000}}
      first: {stderr: 'start (?<value>\d+)', reduce: first}
claims:
  - {id: c, experiment: e, metric: test_loss, reported: 1}
)yaml";
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  const std::vector<MetricSpec>& m = load.manifest.experiments[0].metrics;
  ASSERT_EQ(m.size(), 6u);
  EXPECT_TRUE(m[0].HasNameTemplate());
  EXPECT_EQ(m[1].source, MetricSource::kJsonLines);
  EXPECT_EQ(m[1].stream, "stdout");
  EXPECT_EQ(m[1].reduce.kind, ReducerSpec::Kind::kMeanLast);
  EXPECT_EQ(m[1].reduce.count, 5);
  EXPECT_EQ(m[1].scale, 100);
  EXPECT_EQ(m[1].unit, "%");
  EXPECT_EQ(m[2].source, MetricSource::kCsv);
  EXPECT_EQ(m[2].step_field, "epoch");
  EXPECT_EQ(m[3].reduce.kind, ReducerSpec::Kind::kAtBest);
  EXPECT_EQ(m[3].reduce.other, "val");
  EXPECT_EQ(m[4].source, MetricSource::kTensorBoard);
  EXPECT_EQ(m[4].reduce.step, 1000);
  EXPECT_EQ(m[5].reduce.kind, ReducerSpec::Kind::kFirst);
}

TEST_F(ParserTest, MetricMistakes) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: e
    command: [prog]
    metrics:
      a: {stdout: 'x (?<value>\d+)', file: x.json}
      b: {file: x.json}
      c: {stream: stdout, csv: acc}
      d: {stdout: '(?<name>\w+) (?<value>\d+)'}
      e: {file: x.json, json: /a, reduce: median}
      f: {file: x.csv, csv: acc, reduce: {at_best: vall}}
      g: {file: x.json, json: /a, scale: 0}
claims:
  - {id: c, experiment: e, metric: a, reported: 1}
)yaml";
  EXPECT_EQ(
      Errors(text),
      (std::vector<std::string>{
          "x.yaml:7:10: in metric 'a' of experiment 'e' must only say where the values are: exactly one of 'stdout', "
          "'stderr' (a regex), 'file' or 'stream'",
          "x.yaml:8:10: in metric 'b' of experiment 'e' needs exactly one of 'json' (a JSON pointer), 'jsonl' (a "
          "field), 'csv' (a column), 'tensorboard' (a tag), 'lm_eval' (TASK/METRIC of lm-evaluation-harness "
          "results) or, with 'file', 'regex' (a pattern over its lines)",
          "x.yaml:9:19: 'stream' in metric 'c' of experiment 'e' only reads JSON Lines ('jsonl'); use 'file' for csv",
          "x.yaml:10:19: regex in metric 'd' of experiment 'e' has a group 'name'; put {name} in the metric name, e.g. "
          "'d_{name}'",
          "x.yaml:11:43: 'reduce' in metric 'e' of experiment 'e' must be last, first, min, max, mean, {mean_last: K}, "
          "{at_step: N} or {at_best: METRIC, best: max|min}, got 'median' (did you mean 'mean'?)",
          "x.yaml:12:42: 'at_best' in experiment 'e' names unknown metric 'vall'",
          "x.yaml:13:42: 'scale' in metric 'g' of experiment 'e' must be a non-zero number such as 100, got '0'",
      }));
}

// How long an attempt takes, as its author expects (#20): a duration within the timeout.
TEST_F(ParserTest, TypicalDuration) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
defaults: {timeout: 10m}
experiments:
  - {id: e, command: [prog], typical_duration: 30s, metrics: {m: {stdout: 'm (?<value>\S+)'}}}
  - {id: f, command: [prog], typical_duration: 1h, metrics: {m: {stdout: 'm (?<value>\S+)'}}}
  - {id: g, command: [prog], metrics: {m: {stdout: 'm (?<value>\S+)'}}}
claims:
  - {id: c, experiment: e, metric: m, reported: 1}
)yaml";
  EXPECT_EQ(Errors(text), (std::vector<std::string>{"x.yaml:6:48: 'typical_duration' in experiment 'f' is longer "
                                                    "than its timeout (600 s): every attempt would time out"}));
  text.replace(text.find("typical_duration: 1h"), 20, "typical_duration: 5m");
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  EXPECT_EQ(load.manifest.experiments[0].typical_seconds, 30);
  EXPECT_EQ(load.manifest.experiments[2].typical_seconds, 0) << "not said";
}

// lm-evaluation-harness results (#16): a task and a metric of a results file the run writes.
TEST_F(ParserTest, LmEvalResultsAndTheirMistakes) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: e
    command: [prog]
    metrics:
      arc: {file: "{out}/*/results_*.json", lm_eval: "arc_challenge/acc_norm,none", scale: 100}
      hella: {file: "{out}/*/results_*.json", lm_eval: hellaswag/acc}
claims:
  - {id: c, experiment: e, metric: arc, reported: "64.59"}
)yaml";
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  const std::vector<MetricSpec>& m = load.manifest.experiments[0].metrics;
  EXPECT_EQ(m[0].source, MetricSource::kLmEval);
  EXPECT_EQ(m[0].selector, "arc_challenge/acc_norm,none");
  EXPECT_EQ(m[0].scale, 100);
  EXPECT_EQ(m[1].selector, "hellaswag/acc");

  std::string mistakes = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: e
    command: [prog]
    metrics:
      a: {file: r.json, lm_eval: arc_challenge}
      b: {file: r.json, lm_eval: "arc_challenge/acc_stderr,none"}
      c: {stream: stdout, lm_eval: "arc_challenge/acc"}
      d: {file: r.json, lm_eval: "arc_challenge/acc", json: /a}
claims:
  - {id: c, experiment: e, metric: a, reported: 1}
)yaml";
  std::vector<std::string> errors = Errors(mistakes);
  ASSERT_EQ(errors.size(), 4u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0],
            "x.yaml:7:34: 'lm_eval' in metric 'a' of experiment 'e' must be TASK/METRIC, such as "
            "arc_challenge/acc_norm,none (the filter after the comma may be left out), got 'arc_challenge'");
  EXPECT_EQ(errors[1],
            "x.yaml:8:34: 'lm_eval' in metric 'b' of experiment 'e' names a _stderr: name the metric itself "
            "('arc_challenge/acc,none'); its stderr is read beside it as the run's own spread");
  EXPECT_EQ(errors[2],
            "x.yaml:9:19: 'stream' in metric 'c' of experiment 'e' only reads JSON Lines ('jsonl'); use 'file' for "
            "lm_eval");
  EXPECT_NE(errors[3].find("needs exactly one of 'json'"), std::string::npos) << errors[3];
}

// Code that appends its results to a text file, prints a dict on one line, or repeats
// inside one process (#21).
TEST_F(ParserTest, RegexOverAFileAndReplicates) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: e
    command: [prog]
    metrics:
      acc: {file: "{out}/result.txt", regex: 'acc (?<value>\S+)', replicates: true}
      "{name}_score": {file: "logs/*.txt", regex: "'(?<name>\\w+)': (?<value>[-0-9.e]+)"}
      loss: {stdout: 'loss (?<value>\S+)', replicates: false}
claims:
  - {id: c, experiment: e, metric: acc, reported: 1}
  - {id: d, experiment: e, metric: f1_score, reported: 1}
)yaml";
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  const std::vector<MetricSpec>& m = load.manifest.experiments[0].metrics;
  EXPECT_EQ(m[0].source, MetricSource::kTextFile);
  EXPECT_EQ(m[0].file, "{out}/result.txt");
  EXPECT_EQ(m[0].pattern, R"(acc (?<value>\S+))");
  EXPECT_TRUE(m[0].replicates);
  EXPECT_EQ(m[0].reduce.kind, ReducerSpec::Kind::kMean) << "the stored value of replicates is their mean";
  EXPECT_EQ(m[1].source, MetricSource::kTextFile);
  EXPECT_TRUE(m[1].HasNameTemplate());
  EXPECT_FALSE(m[2].replicates);

  std::string mistakes = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: e
    command: [prog]
    metrics:
      a: {stdout: 'x (?<value>\d+)', regex: 'y (?<value>\d+)'}
      b: {file: r.txt, regex: 'no value group'}
      c: {file: r.txt, regex: 'x (?<value>\d+)', csv: acc}
      d: {file: /etc/r.txt, regex: 'x (?<value>\d+)'}
      f: {stdout: 'x (?<value>\d+)', replicates: true, reduce: last}
      g: {stdout: 'x (?<value>\d+)', replicates: yes}
claims:
  - {id: c, experiment: e, metric: a, reported: 1}
)yaml";
  EXPECT_EQ(Errors(mistakes),
            (std::vector<std::string>{
                "x.yaml:7:45: 'regex' in metric 'a' of experiment 'e' goes with 'file' (a text file the code writes); "
                "on output, the pattern is the value of 'stdout' itself",
                "x.yaml:8:31: regex in metric 'b' of experiment 'e' has no named group 'value'; write (?<value>...) "
                "around the number",
                "x.yaml:9:55: 'csv' in metric 'c' of experiment 'e' does not go with 'regex': a file is read either as "
                "text under a regex or as one format",
                "x.yaml:10:17: 'file' in metric 'd' of experiment 'e' is absolute; metric files are read from the "
                "run's own folder: write {out}/NAME or a path relative to the working copy",
                "x.yaml:11:64: 'reduce' in metric 'f' of experiment 'e' does not go with 'replicates: true': every "
                "value is a sample (the stored value is their mean); remove 'reduce'",
                "x.yaml:12:50: 'replicates' in metric 'g' of experiment 'e' must be one of true, false, got 'yes'",
            }));
}

TEST_F(ParserTest, ShellIsAnExplicitOptInWithBarePlaceholders) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: a
    shell: true
    command: "python train.py --seed {seed} | tee log"
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: b
    shell: true
    command: "echo '{seed}'"
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: c
    shell: true
    command: [echo, "{seed}"]
    metrics: {m: {stdout: '(?<value>\d+)'}}
claims:
  - {id: x, experiment: a, metric: m, reported: 1}
)yaml";
  EXPECT_EQ(Errors(text), (std::vector<std::string>{
                              "x.yaml:10:14: placeholder at position 7 of the shell command in experiment 'b' is "
                              "inside quotes; write it bare: repro "
                              "quotes every value it substitutes",
                              "x.yaml:14:14: 'command' in experiment 'c' has shell: true, so it must be one string "
                              "such as \"python train.py | tee log\"",
                          }));
}

TEST_F(ParserTest, UnknownMetricGetsADidYouMean) {
  std::string text =
      std::string(kValid) + "  - {id: c3, experiment: mlp, metric: acu, reported: 1, where: {lr: 0.1}}\n";
  EXPECT_EQ(Errors(text),
            (std::vector<std::string>{
                "x.yaml:43:39: claim 'c3' names unknown metric 'acu' of experiment 'mlp' (did you mean 'acc'?)"}));
}

TEST_F(ParserTest, AClaimMustPickOneGridPoint) {
  std::string text = std::string(kValid) +
                     "  - {id: c3, experiment: mlp, metric: acc, reported: 1}\n"
                     "  - {id: c4, experiment: mlp, metric: acc, reported: 1, where: {lr: 0.5}}\n";
  EXPECT_EQ(
      Errors(text),
      (std::vector<std::string>{
          "x.yaml:43:5: claim 'c3' must pick one grid point of experiment 'mlp': add 'where' with a value for lr (or "
          "for_all: lr)",
          "x.yaml:44:69: 'where' in claim 'c4' picks lr=0.5, which is not in the grid of experiment 'mlp' (0.1, 0.01)",
      }));
}

TEST_F(ParserTest, DuplicateIdsCiteTheFirstLine) {
  std::string text = std::string(kValid) + "  - {id: table1/cnn, experiment: cnn, metric: acc, reported: 1}\n";
  EXPECT_EQ(Errors(text),
            (std::vector<std::string>{"x.yaml:43:5: duplicate claim id 'table1/cnn' (first at line 39)"}));
}

TEST_F(ParserTest, SourceProblems) {
  EXPECT_EQ(Errors("paper: {title: t}\nsource: {path: nowhere}\nexperiments: []\nclaims: []\n"),
            (std::vector<std::string>{
                "x.yaml:2:16: source path 'nowhere' (resolved to " + (dir_ / "nowhere").string() + ") is not a folder",
                "x.yaml:3:14: 'experiments' must be a non-empty list of experiments, each with an 'id' and a 'command'",
                "x.yaml:4:9: 'claims' must be a non-empty list of claims, each with an 'id', 'experiment', 'metric' "
                "and 'reported'",
            }));
  std::vector<std::string> errors =
      Errors("paper: {title: t}\nsource: {git: https://x/y, commit: ../main}\nexperiments: []\nclaims: []\n");
  EXPECT_EQ(errors.front(),
            "x.yaml:2:36: commit '../main' in source is neither a commit hash nor a branch or tag name; pin the full "
            "40-hex hash (git rev-parse HEAD prints it)");
}

// An experiment's own source and env: each mistake is said once, at its place, naming the
// experiment; a regex on a stream gets the error that says where the pattern goes.
TEST_F(ParserTest, ExperimentOverrideAndStreamMistakes) {
  std::string text = R"yaml(paper: {title: t}
source: {git: https://example.org/x, commit: 0123456789abcdef0123456789abcdef01234567}
experiments:
  - id: a
    command: [prog]
    source: {commit: abc123}
    metrics: {acc: {stdout: 'acc (?<value>\S+)'}}
  - id: b
    command: [prog]
    env: {"1BAD": x, OK: "1", OK: "2"}
    metrics: {acc: {stdout: 'acc (?<value>\S+)'}}
  - id: c
    command: [prog]
    env: [A]
    metrics:
      acc: {stream: stdout, regex: 'acc (?<value>\S+)'}
claims:
  - {id: c, experiment: a, metric: acc, reported: 1}
)yaml";
  EXPECT_EQ(Errors(text),
            (std::vector<std::string>{
                "x.yaml:6:22: 'commit' in 'source' in experiment 'a' must be a full 40-hex commit (git rev-parse "
                "abc123 prints it), got 'abc123'",
                "x.yaml:10:11: '1BAD' in env in experiment 'b' is not a valid variable name",
                "x.yaml:10:31: duplicate key 'OK' in env in experiment 'b'",
                "x.yaml:14:10: 'env' in experiment 'c' must be a mapping of variable names to values, not a list",
                "x.yaml:16:36: 'regex' in metric 'acc' of experiment 'c' reads a 'file' as text; it does not go with "
                "'stream' (write the pattern as 'stdout: PATTERN')",
            }));
  // The manifest's own env is named as before.
  EXPECT_EQ(Errors("paper: {title: t}\nsource: {path: code}\nenv: {\"1BAD\": x}\nexperiments:\n"
                   "  - {id: e, command: [p], metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
                   "claims:\n  - {id: c, experiment: e, metric: m, reported: 1}\n"),
            (std::vector<std::string>{"x.yaml:3:7: '1BAD' in env is not a valid variable name"}));
}

// A value claim may name several experiments, judged side by side: each must exist, have the
// metric and be named once; 'for_all' does not go with them.
TEST_F(ParserTest, AValueClaimMayNameSeveralExperiments) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - {id: latest, command: [p], deterministic: true, metrics: {acc: {stdout: 'acc (?<value>\S+)'}}}
  - {id: as-written, command: [p], deterministic: true, metrics: {acc: {stdout: 'acc (?<value>\S+)'}}}
  - {id: other, command: [p], metrics: {acc: {stdout: 'acc (?<value>\S+)'}}}
claims:
  - {id: both, experiment: [latest, as-written], metric: acc, reported: "0.9"}
  - {id: one, experiment: [latest], metric: acc, reported: "0.9"}
  - {id: mixed, experiment: [latest, other], metric: acc, reported: "0.9"}
)yaml";
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  const std::vector<Claim>& claims = load.manifest.claims;
  EXPECT_EQ(claims[0].experiment, "latest");
  EXPECT_EQ(claims[0].experiments, (std::vector<std::string>{"latest", "as-written"}));
  EXPECT_EQ(claims[0].ValueExperiments(), claims[0].experiments);
  EXPECT_TRUE(claims[0].deterministic) << "both are declared deterministic";
  EXPECT_EQ(claims[1].experiment, "latest");
  EXPECT_TRUE(claims[1].experiments.empty()) << "a list of one is one experiment";
  EXPECT_FALSE(claims[2].deterministic) << "'other' is not declared deterministic";

  std::string mistakes = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - {id: a, command: [p], params: {lr: [1, 2]}, metrics: {acc: {stdout: 'acc (?<value>\S+)'}}}
  - {id: b, command: [p], metrics: {loss: {stdout: 'loss (?<value>\S+)'}}}
claims:
  - {id: c1, experiment: [a, lates], metric: acc, reported: 1, where: {lr: 1}}
  - {id: c2, experiment: [a, a], metric: acc, reported: 1, where: {lr: 1}}
  - {id: c3, experiment: [], metric: acc, reported: 1}
  - {id: c4, experiment: [a, b], metric: acc, reported: 1, where: {lr: 1}}
  - {id: c5, experiment: [a, b], metric: acc, reported: 1, for_all: lr}
)yaml";
  EXPECT_EQ(Errors(mistakes),
            (std::vector<std::string>{
                "x.yaml:7:30: claim 'c1' names unknown experiment 'lates'",
                "x.yaml:8:30: claim 'c2' names experiment 'a' twice",
                "x.yaml:9:26: 'experiment' in claim 'c3' must name an experiment, or a list of them",
                "x.yaml:10:42: claim 'c4' names unknown metric 'acc' of experiment 'b'",
                "x.yaml:11:42: claim 'c5' names unknown metric 'acc' of experiment 'b'",
                "x.yaml:11:69: 'for_all' in claim 'c5' does not go with several experiments: write one claim per "
                "experiment",
            }));
}

TEST_F(ParserTest, YamlSyntaxErrorHasAPosition) {
  std::vector<std::string> errors = Errors("paper: {title: t\nsource: [\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("x.yaml:", 0), 0u);
  EXPECT_NE(errors[0].find("YAML syntax error"), std::string::npos) << errors[0];
}

TEST_F(ParserTest, RejectsBadBytesBeforeParsing) {
  EXPECT_EQ(Errors(std::string("paper: {title: t}\nx: a\0b\n", 23)),
            (std::vector<std::string>{"x.yaml:2:5: the manifest contains a NUL byte; save it as UTF-8 text"}));
  EXPECT_EQ(Errors("paper: {title: \"caf\xe9\"}\n"),
            (std::vector<std::string>{"x.yaml:1:20: the manifest is not valid UTF-8 here; save it as UTF-8 text"}));
  EXPECT_EQ(Errors(std::string(kMaxManifestBytes + 1, '#')),
            (std::vector<std::string>{
                "x.yaml:1:1: the manifest is 10000001 bytes; manifests over 10000000 bytes are refused"}));
}

TEST_F(ParserTest, AcceptsByteOrderMarkAndCrlf) {
  std::string crlf;
  for (char c : std::string(kValid)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  ManifestLoad load = Parse("\xEF\xBB\xBF" + crlf);
  EXPECT_TRUE(load.ok()) << load.errors.front().ToString();
}

TEST_F(ParserTest, DeterministicIsReadFromDefaultsAndExperimentsAndReachesTheClaims) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
defaults: {deterministic: true}
experiments:
  - id: fit
    command: [prog]
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: train
    command: [prog, "{seed}"]
    deterministic: false
    metrics: {m: {stdout: '(?<value>\d+)'}}
claims:
  - {id: a, experiment: fit, metric: m, reported: 1}
  - {id: b, experiment: train, metric: m, reported: 1}
  - {id: c, expect: "fit.m > train.m"}
  - {id: e, rank: [fit, train], metric: m, better: higher}
)yaml";
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  EXPECT_TRUE(load.manifest.experiments[0].deterministic);
  EXPECT_FALSE(load.manifest.experiments[1].deterministic);
  std::vector<bool> deterministic;
  for (const Claim& claim : load.manifest.claims) deterministic.push_back(claim.deterministic);
  EXPECT_EQ(deterministic, (std::vector<bool>{true, false, false, false}));
  EXPECT_EQ(
      Errors("paper: {title: t}\nsource: {path: code}\nexperiments:\n  - {id: e, command: [p], deterministic: yes, "
             "metrics: {m: {stdout: '(?<value>x)'}}}\nclaims:\n  - {id: c, experiment: e, metric: m, reported: 1}\n")
          .size(),
      1u);
}

// Three seeds of code that never receives the seed are one run three times.
TEST_F(ParserTest, WarnsWhenSeveralSeedsNeverReachTheCode) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
env: {OTHER: x}
defaults: {seeds: [0, 1, 2]}
experiments:
  - id: ignores
    command: [prog, --out, "{out}"]
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: argument
    command: [prog, "--seed={seed}"]
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: shell
    shell: true
    command: "prog --seed $REPRO_SEED | tee log"
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: declared
    command: [prog]
    seed_from_env: true
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: once
    command: [prog]
    seeds: [0]
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: literal
    command: [prog, "{{seed}}"]
    metrics: {m: {stdout: '(?<value>\d+)'}}
claims:
  - {id: c, experiment: ignores, metric: m, reported: 1}
)yaml";
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  std::vector<std::string> warnings;
  for (const Diagnostic& d : load.manifest.warnings) warnings.push_back(d.ToString());
  auto expected = [](const std::string& id, int line) {
    return fmt::format(
        "x.yaml:{}:5: experiment '{}' runs 3 seeds, but the seed reaches its code nowhere ('{{seed}}' is in no "
        "argument and no env value): its runs would be repetitions, not replicates; pass '{{seed}}' to the "
        "code, or declare 'seed_from_env: true' if it reads REPRO_SEED, or 'deterministic: true' with one seed",
        line, id);
  };
  EXPECT_EQ(warnings, (std::vector<std::string>{expected("ignores", 6), expected("literal", 24)}));
}

TEST_F(ParserTest, ACountGroupNeedsASpreadToCount) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: e
    command: [prog]
    metrics:
      a: {stdout: 'rmse (?<value>\S+) over (?<n>\d+)'}
      b: {stdout: 'rmse (?<value>\S+) \+/- (?<std>\S+) over (?<n>\d+)'}
      c: {stdout: 'rmse (?<value>\S+) \+/- (?<stderr>\S+) \(n=(?<n>\d+)\)'}
claims:
  - {id: c, experiment: e, metric: b, reported: 1}
)yaml";
  EXPECT_EQ(Errors(text), (std::vector<std::string>{"x.yaml:7:19: regex in metric 'a' of experiment 'e' has a group "
                                                    "'n' but no group 'std' or 'stderr': 'n' counts the "
                                                    "values a printed \"± x\" summarises"}));
}

// `notebook:` stands instead of `command:`; it becomes repro's runner with the notebook, the
// kernel and each parameter as one argument (templated, typed by the runner).
TEST_F(ParserTest, ANotebookBecomesTheRunnersCommand) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: nb
    notebook: "notebooks/{variant}.ipynb"
    parameters: {seed: "{seed}", lr: 0.01, name: "a b", flag: true}
    params: {variant: [train, eval]}
    seeds: [0, 1]
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
  - id: other
    notebook: run.ipynb
    kernel: ir
    python: /usr/bin/python3
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
claims:
  - {id: x, experiment: other, metric: acc, reported: 1}
)yaml";
  ManifestLoad load = Parse(text);
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  EXPECT_TRUE(load.manifest.warnings.empty()) << load.manifest.warnings.front().ToString();
  const Experiment& nb = load.manifest.experiments[0];
  EXPECT_EQ(nb.notebook, "notebooks/{variant}.ipynb");
  EXPECT_EQ(nb.command, (std::vector<std::string>{"python3", "{notebook_runner}", "--notebook",
                                                  "notebooks/{variant}.ipynb", "--out", "{out}", "--kernel", "python3",
                                                  "--parameter", "seed={seed}", "--parameter", "lr=0.01", "--parameter",
                                                  "name=a b", "--parameter", "flag=true"}));
  const Experiment& other = load.manifest.experiments[1];
  EXPECT_EQ(other.command, (std::vector<std::string>{"/usr/bin/python3", "{notebook_runner}", "--notebook", "run.ipynb",
                                                     "--out", "{out}", "--kernel", "ir"}));
  EXPECT_TRUE(load.manifest.experiments[0].shell == false);
}

TEST_F(ParserTest, NotebookMisuses) {
  std::string text = R"yaml(paper: {title: t}
source: {path: code}
experiments:
  - id: both
    command: [python3, train.py]
    notebook: train.ipynb
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
  - id: neither
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
  - id: script
    notebook: train.py
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
  - id: stray
    command: [python3, train.py]
    parameters: {seed: "{seed}"}
    kernel: python3
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
  - id: names
    notebook: ../up.ipynb
    parameters: {2x: 1, ok: "{nope}", list: [1, 2]}
    kernel: "a kernel"
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
claims:
  - {id: x, experiment: both, metric: acc, reported: 1}
)yaml";
  EXPECT_EQ(
      Errors(text),
      (std::vector<std::string>{
          "x.yaml:6:15: both 'command' and 'notebook' in experiment 'both'; keep one: 'command' runs a program, "
          "'notebook' executes a .ipynb file of the code",
          "x.yaml:8:5: missing key 'command' or 'notebook' in experiment 'neither': 'command' is an argv list such as "
          "[python3, train.py], 'notebook' a .ipynb file of the code such as notebooks/train.ipynb",
          "x.yaml:11:15: 'notebook' in experiment 'script' must name a .ipynb file relative to the code's root, like "
          "notebooks/train.ipynb, got 'train.py'; a script goes in 'command'",
          "x.yaml:15:17: 'parameters' in experiment 'stray' goes with 'notebook', and the experiment has none; a "
          "command's grid is 'params'",
          "x.yaml:16:13: 'kernel' in experiment 'stray' goes with 'notebook', and the experiment has none",
          "x.yaml:19:15: 'notebook' in experiment 'names' '../up.ipynb' has a '..' component; it must be a path "
          "inside the code's folder, like data/train.csv",
          "x.yaml:20:18: '2x' in 'parameters' in experiment 'names' is not a Python variable name (letters, digits "
          "and '_', not starting with a digit)",
          "x.yaml:20:29: unknown placeholder '{nope}' in experiment 'names'; known: seed, out, manifest_dir",
          "x.yaml:20:45: parameter 'list' of the notebook in experiment 'names' must be a single value, not a list",
          "x.yaml:21:13: 'kernel' in experiment 'names' must be a Jupyter kernel name such as python3, got 'a kernel'",
      }));
}

TEST_F(ParserTest, RenderedDiagnosticShowsTheLineAndACaret) {
  Diagnostic d{"x.yaml", 2, 3, "bad"};
  EXPECT_EQ(RenderDiagnostic(d, "a: 1\nb: 2\r\n"), "x.yaml:2:3: bad\n  b: 2\n    ^");
}

}  // namespace
}  // namespace repro
