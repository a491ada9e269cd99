#include "harness/manifest/plan.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/manifest/parser.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;
using testing::WriteText;

class PlanTest : public ::testing::Test {
 protected:
  Manifest Load(const std::string& experiment_block, const std::string& claims = "") {
    std::filesystem::create_directories(dir_ / "code");
    std::string text =
        "paper: {title: t}\nsource: {path: code}\nenv: {A: \"1\"}\nexperiments:\n" + experiment_block + "claims:\n" +
        (claims.empty() ? "  - {id: c, experiment: e, metric: m, reported: 1, where: {lr: \"0.1\", depth: \"2\"}}\n"
                        : claims);
    ManifestLoad load = ParseManifest(text, "m.yaml", dir_.path());
    EXPECT_TRUE(load.ok()) << (load.errors.empty() ? "" : load.errors.front().ToString());
    return load.manifest;
  }
  ScopedTempDir dir_;
};

const char* kGrid = R"yaml(  - id: e
    command: [prog, --lr, "{lr}", --depth, "{depth}", --seed, "{seed}", --out, "{out}"]
    params: {lr: ["0.1", "0.01"], depth: ["2", "3", "4"]}
    seeds: [0, 1]
    metrics: {m: {stdout: '(?<value>\d+)'}}
)yaml";

// An experiment's own env and code change its runs' identities and no other's; an
// experiment without them keeps the identity it had before experiments could have them.
TEST_F(PlanTest, AnExperimentsOwnEnvAndCodeChangeOnlyItsIdentities) {
  const char* two = R"yaml(  - id: e
    command: [prog, "{seed}"]
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: f
    command: [prog, "{seed}"]
    env: {A: "2", B: "3"}
    metrics: {m: {stdout: '(?<value>\d+)'}}
)yaml";
  const char* claim = "  - {id: c, experiment: e, metric: m, reported: 1}\n";
  Manifest m = Load(two, claim);
  EXPECT_EQ(m.EnvOf(m.experiments[0]), (NamedValues{{"A", "1"}}));
  EXPECT_EQ(m.EnvOf(m.experiments[1]), (NamedValues{{"A", "2"}, {"B", "3"}}))
      << "the experiment's A replaces the manifest's";
  std::vector<RunSpec> plain = *PlanRuns(m, "tree:abc");
  std::vector<RunSpec> own = *PlanRuns(m, CodeIdentities{"tree:abc", {{"f", "git:other"}}});
  EXPECT_EQ(plain[0].key, own[0].key);
  EXPECT_NE(plain[1].key, own[1].key);
  Manifest without_env = Load(R"yaml(  - id: e
    command: [prog, "{seed}"]
    metrics: {m: {stdout: '(?<value>\d+)'}}
  - id: f
    command: [prog, "{seed}"]
    metrics: {m: {stdout: '(?<value>\d+)'}}
)yaml",
                              claim);
  std::vector<RunSpec> before = *PlanRuns(without_env, "tree:abc");
  EXPECT_EQ(before[0].key, plain[0].key);
  EXPECT_NE(before[1].key, plain[1].key) << "f's own env is part of its identity";
}

TEST_F(PlanTest, ExpandsGridTimesSeedsInManifestOrder) {
  Manifest m = Load(kGrid);
  Result<std::vector<RunSpec>> runs = PlanRuns(m, "tree:abc");
  ASSERT_TRUE(runs.ok()) << runs.error();
  ASSERT_EQ(runs->size(), 12u);
  EXPECT_EQ((*runs)[0].label, "e lr=0.1 depth=2 seed=0");
  EXPECT_EQ((*runs)[1].label, "e lr=0.1 depth=2 seed=1");
  EXPECT_EQ((*runs)[2].label, "e lr=0.1 depth=3 seed=0");
  EXPECT_EQ((*runs)[11].label, "e lr=0.01 depth=4 seed=1");
  std::set<std::string> keys;
  for (const RunSpec& run : *runs) keys.insert(run.key);
  EXPECT_EQ(keys.size(), 12u) << "every run has its own identity";
  EXPECT_EQ(*ExpandCommand((*runs)[3], "/r/out"),
            (std::vector<std::string>{"prog", "--lr", "0.1", "--depth", "3", "--seed", "1", "--out", "/r/out"}));
}

TEST_F(PlanTest, ClaimSelectsItsGridPoint) {
  Manifest m = Load(kGrid);
  std::vector<RunSpec> runs = *PlanRuns(m, "tree:abc");
  std::vector<const RunSpec*> selected = RunsFor(runs, "e", m.claims[0].where);
  ASSERT_EQ(selected.size(), 2u);
  EXPECT_EQ(selected[0]->label, "e lr=0.1 depth=2 seed=0");
  EXPECT_EQ(selected[1]->label, "e lr=0.1 depth=2 seed=1");
}

TEST_F(PlanTest, IdentityChangesWithWhatDeterminesTheRunOnly) {
  std::string base =
      "  - id: e\n    command: [prog, \"{seed}\"]\n    timeout: 5m\n    metrics: {m: {stdout: '(?<value>\\d+)'}}\n";
  std::string claims = "  - {id: c, experiment: e, metric: m, reported: 1}\n";
  std::string key = (*PlanRuns(Load(base, claims), "tree:abc"))[0].key;
  EXPECT_EQ((*PlanRuns(Load(base, claims), "tree:abc"))[0].key, key) << "stable";
  EXPECT_NE((*PlanRuns(Load(base, claims), "tree:def"))[0].key, key) << "source";
  std::string other_command = base;
  other_command.replace(other_command.find("prog"), 4, "prog2");
  EXPECT_NE((*PlanRuns(Load(other_command, claims), "tree:abc"))[0].key, key) << "command";
  std::string other_timeout = base;
  other_timeout.replace(other_timeout.find("5m"), 2, "9m");
  EXPECT_EQ((*PlanRuns(Load(other_timeout, claims), "tree:abc"))[0].key, key) << "a limit is not identity";
  // A unit is how the report titles an axis (experiments/mnist1d.yaml's "%" keeps its results).
  std::string with_unit = base;
  with_unit.replace(with_unit.find("'}}"), 3, "', unit: \"%\"}}");
  EXPECT_EQ((*PlanRuns(Load(with_unit, claims), "tree:abc"))[0].key, key) << "a unit is not identity";
}

TEST_F(PlanTest, SeedsAreDistinctRunsEvenWhenTheCommandDoesNotNameThem) {
  // The program may read REPRO_SEED from its environment instead.
  std::string block =
      "  - id: e\n    command: [prog]\n    seeds: [0, 1, 2]\n    metrics: {m: {stdout: '(?<value>\\d+)'}}\n";
  std::vector<RunSpec> runs =
      *PlanRuns(Load(block, "  - {id: c, experiment: e, metric: m, reported: 1}\n"), "tree:abc");
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_NE(runs[0].key, runs[1].key);
  EXPECT_NE(runs[1].key, runs[2].key);
}

TEST_F(PlanTest, ShellCommandsQuoteEveryValue) {
  std::string block =
      "  - id: e\n    shell: true\n    command: \"prog --lr {lr} | tee {out}/log\"\n"
      "    params: {lr: [\"0.1; rm -rf ~\"]}\n    metrics: {m: {stdout: '(?<value>\\d+)'}}\n";
  Manifest manifest = Load(block, "  - {id: c, experiment: e, metric: m, reported: 1}\n");  // runs point into it
  std::vector<RunSpec> runs = *PlanRuns(manifest, "tree:abc");
  EXPECT_EQ(*ExpandCommand(runs[0], "/r/o"),
            (std::vector<std::string>{"/bin/sh", "-c", "prog --lr '0.1; rm -rf ~' | tee '/r/o'/log"}));
}

TEST_F(PlanTest, FilesBesideTheManifestAreIdentifiedByContent) {
  WriteText(dir_ / "driver.py", "print(1)\n");
  std::string block =
      "  - id: e\n    command: [python3, \"{manifest_dir}/driver.py\"]\n    metrics: {m: {stdout: '(?<value>\\d+)'}}\n";
  std::string claims = "  - {id: c, experiment: e, metric: m, reported: 1}\n";
  std::string before = (*PlanRuns(Load(block, claims), "tree:abc"))[0].key;
  WriteText(dir_ / "driver.py", "print(2)\n");
  EXPECT_NE((*PlanRuns(Load(block, claims), "tree:abc"))[0].key, before);
}

// A notebook runs through repro's runner, found where repro's data is; where that is does not
// change the runs' identity (an installed repro and a build tree plan the same runs).
TEST_F(PlanTest, NotebooksRunThroughTheRunnerWhereverReproIsInstalled) {
  std::string block =
      "  - id: e\n    notebook: nb/train.ipynb\n    parameters: {seed: \"{seed}\", lr: \"{lr}\"}\n"
      "    params: {lr: [\"0.1\"]}\n    metrics: {m: {stdout: '(?<value>\\d+)'}}\n";
  std::string claims = "  - {id: c, experiment: e, metric: m, reported: 1}\n";
  Manifest manifest = Load(block, claims);
  ::setenv("REPRO_CONFIG_DIR", "/opt/a", 1);
  std::vector<RunSpec> runs = *PlanRuns(manifest, "tree:abc");
  ::setenv("REPRO_CONFIG_DIR", "/usr/share/repro", 1);
  std::vector<RunSpec> elsewhere = *PlanRuns(manifest, "tree:abc");
  ::unsetenv("REPRO_CONFIG_DIR");
  EXPECT_EQ(
      *ExpandCommand(runs[0], "/r/o"),
      (std::vector<std::string>{"python3", "/opt/a/notebook/run_notebook.py", "--notebook", "nb/train.ipynb", "--out",
                                "/r/o", "--kernel", "python3", "--parameter", "seed=0", "--parameter", "lr=0.1"}));
  EXPECT_EQ(ExpandCommand(elsewhere[0], "/r/o")->at(1), "/usr/share/repro/notebook/run_notebook.py");
  EXPECT_EQ(runs[0].key, elsewhere[0].key);
}

}  // namespace
}  // namespace repro
