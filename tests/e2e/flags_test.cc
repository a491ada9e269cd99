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

}  // namespace
}  // namespace repro
