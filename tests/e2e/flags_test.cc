// End-to-end: what the command line says when a newcomer types something it does not take.
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::RunRepro;
using testing::ScopedTempDir;

class FlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(fs::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy", dir_.path(), fs::copy_options::recursive);
  }
  ScopedTempDir dir_;
};

TEST_F(FlagsTest, AnUnknownCommandIsNamedWithTheCommands) {
  testing::CommandResult unknown = RunRepro({"frobnicate"}, dir_.path());
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("repro: unknown command 'frobnicate'; the commands are: validate, plan, run"),
            std::string::npos)
      << unknown.err;
  testing::CommandResult typo = RunRepro({"valdate", "toy.yaml"}, dir_.path());
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("unknown command 'valdate' (did you mean 'validate'?)"), std::string::npos) << typo.err;
}

TEST_F(FlagsTest, ANumberFlagSaysWhatItGotInOneLine) {
  testing::CommandResult jobs = RunRepro({"run", "toy.yaml", "-j", "abc"}, dir_.path());
  EXPECT_EQ(jobs.exit_code, 2);
  EXPECT_NE(jobs.err.find("must be a whole number >= 0, got 'abc'"), std::string::npos) << jobs.err;
  EXPECT_LT(jobs.err.size(), 400u) << "no 300-digit range: " << jobs.err;
  testing::CommandResult grace = RunRepro({"run", "toy.yaml", "--kill-grace", "-1"}, dir_.path());
  EXPECT_EQ(grace.exit_code, 2);
  EXPECT_NE(grace.err.find("must be a number >= 0, got '-1'"), std::string::npos) << grace.err;
  testing::CommandResult runs = RunRepro({"plan", "toy.yaml", "--max-runs", "0"}, dir_.path());
  EXPECT_EQ(runs.exit_code, 2);
  EXPECT_NE(runs.err.find("must be a whole number >= 1, got '0'"), std::string::npos) << runs.err;
}

TEST_F(FlagsTest, CompareTakesQuietLikeRun) {
  testing::CommandResult run = RunRepro({"run", "grid.yaml", "--claim", "lr1", "-q"}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  testing::CommandResult quiet = RunRepro({"compare", "grid.yaml", "--claim", "lr1", "-q"}, dir_.path());
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, "1 of 1 claims reproduced\n");
}

// Bare `repro`, or a flag where a command belongs, lists the commands as --help does.
TEST_F(FlagsTest, NoCommandListsTheCommands) {
  testing::CommandResult bare = RunRepro({}, dir_.path());
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_EQ(bare.err.rfind("repro: a command is required: repro COMMAND [options]. The commands:\n", 0), 0u)
      << bare.err;
  EXPECT_NE(bare.err.find("\n  validate     Check manifests"), std::string::npos) << bare.err;
  EXPECT_NE(bare.err.find("\n  run          Run what is not yet run"), std::string::npos) << bare.err;
  EXPECT_EQ(bare.err.find("A subcommand is required"), std::string::npos) << bare.err;
  testing::CommandResult flag = RunRepro({"--frob"}, dir_.path());
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_EQ(flag.err.rfind("repro: unknown option '--frob'; a command is required", 0), 0u) << flag.err;
  EXPECT_NE(flag.err.find("\n  compare "), std::string::npos) << flag.err;
  testing::CommandResult import = RunRepro({"import"}, dir_.path());
  EXPECT_EQ(import.exit_code, 2);
  EXPECT_NE(import.err.find("repro import: a command is required"), std::string::npos) << import.err;
  EXPECT_NE(import.err.find("\n  model-card "), std::string::npos) << import.err;
}

// A flag a command does not take is named with the command, and with the closest flag it
// does take, or the command that takes it.
TEST_F(FlagsTest, AnUnknownFlagNamesTheCommandAndTheClosestFlag) {
  testing::CommandResult jobs = RunRepro({"compare", "toy.yaml", "-j", "2"}, dir_.path());
  EXPECT_EQ(jobs.exit_code, 2);
  EXPECT_EQ(jobs.err,
            "repro compare: unknown option '-j' (taken by repro run); repro compare --help lists what it takes\n");
  testing::CommandResult typo = RunRepro({"plan", "toy.yaml", "--resuts", "r"}, dir_.path());
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("repro plan: unknown option '--resuts' (did you mean '--results'?)"), std::string::npos)
      << typo.err;
  testing::CommandResult extra = RunRepro({"validate", "--frobnicate=1", "toy.yaml"}, dir_.path());
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_NE(extra.err.find("repro validate: unknown option '--frobnicate'"), std::string::npos) << extra.err;
  testing::CommandResult word = RunRepro({"compare", "toy.yaml", "grid.yaml"}, dir_.path());
  EXPECT_EQ(word.exit_code, 2);
  EXPECT_NE(word.err.find("repro compare: unexpected argument 'grid.yaml'"), std::string::npos) << word.err;
}

// -q means one thing on every command: errors and the essential result, no notes or warnings.
TEST_F(FlagsTest, QuietMeansTheSameOnEveryCommand) {
  // Three seeds the code never sees: a warning, which -q leaves out.
  testing::WriteText(dir_ / "warns.yaml",
                     "paper: {title: t}\nsource: {path: code}\nexperiments:\n"
                     "  - {id: e, command: [/bin/sh, train.sh, good], seeds: [0, 1, 2], metrics: {acc: {stdout: "
                     "'final acc=(?<value>\\S+)'}}}\n"
                     "claims:\n  - {id: c, experiment: e, metric: acc, reported: \"0.9\"}\n");
  testing::CommandResult loud = RunRepro({"validate", "warns.yaml"}, dir_.path());
  EXPECT_EQ(loud.exit_code, 0) << loud.err;
  EXPECT_NE(loud.err.find("warning"), std::string::npos) << loud.err;
  EXPECT_NE(loud.out.find("warns.yaml: ok"), std::string::npos) << loud.out;
  testing::CommandResult validate = RunRepro({"validate", "-q", "warns.yaml"}, dir_.path());
  EXPECT_EQ(validate.exit_code, 0);
  EXPECT_EQ(validate.out + validate.err, "") << "a valid manifest says nothing";
  testing::CommandResult broken = RunRepro({"validate", "-q", "three-mistakes.yaml"}, dir_.path());
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err, "") << "errors are still said";

  testing::CommandResult plan = RunRepro({"plan", "--quiet", "grid.yaml", "--claim", "lr1"}, dir_.path());
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_EQ(plan.out.find('\n'), plan.out.size() - 1) << "one line: " << plan.out;
  EXPECT_NE(plan.out.find(" runs planned, "), std::string::npos) << plan.out;
  EXPECT_EQ(plan.err, "");

  testing::CommandResult fetch = RunRepro({"fetch", "-q", "toy.yaml"}, dir_.path());
  EXPECT_EQ(fetch.exit_code, 0) << fetch.err;
  EXPECT_EQ(fetch.out + fetch.err, "");

  testing::CommandResult run = RunRepro({"run", "-q", "grid.yaml", "--claim", "lr1"}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  testing::CommandResult report = RunRepro({"report", "-q", "grid.yaml", "-o", "r.md"}, dir_.path());
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(report.err, "") << "no 'report written to'";
  EXPECT_TRUE(fs::exists(dir_ / "r.md"));
  testing::CommandResult said = RunRepro({"report", "grid.yaml", "-o", "r2.md"}, dir_.path());
  EXPECT_NE(said.err.find("report written to r2.md"), std::string::npos) << said.err;

  // The same help line everywhere, but for what each command's result is.
  for (const char* command : {"validate", "plan", "run", "compare", "report", "fetch", "bundle"}) {
    testing::CommandResult help = RunRepro({command, "--help"}, dir_.path());
    EXPECT_NE(help.out.find("-q,--quiet"), std::string::npos) << command << ": " << help.out;
    EXPECT_NE(help.out.find("Print only errors"), std::string::npos) << command << ": " << help.out;
  }
}

}  // namespace
}  // namespace repro
