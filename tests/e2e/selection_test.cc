// End-to-end: running, planning and judging a part of a manifest (one claim, one
// experiment, one grid point), and run --dry-run.
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::RunRepro;
using testing::ScopedTempDir;

class SelectionCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(fs::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy", dir_.path(), fs::copy_options::recursive);
  }
  ScopedTempDir dir_;
};

TEST_F(SelectionCliTest, ADryRunSaysWhatWouldRunAndTouchesNothing) {
  testing::CommandResult dry = RunRepro({"run", "grid.yaml", "--dry-run", "--experiment", "crash"}, dir_.path());
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("/bin/sh train.sh crash 0 '<attempt>/out'"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("1 runs planned, 1 to run"), std::string::npos) << dry.out;
  EXPECT_EQ(dry.out.find("grid lr=1"), std::string::npos) << dry.out;
  EXPECT_FALSE(fs::exists(dir_ / "results")) << "a dry run writes nothing";
}

TEST_F(SelectionCliTest, OneClaimRunsOnlyItsRunsAndIsJudgedAlone) {
  testing::CommandResult run = RunRepro({"run", "grid.yaml", "--claim", "lr1"}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("lr1"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("lr2"), std::string::npos) << "only the chosen claim is judged: " << run.out;
  EXPECT_EQ(run.out.find("crash"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("grid.yaml: 3 runs"), std::string::npos) << "lr=1 with its three seeds: " << run.err;

  testing::CommandResult plan = RunRepro({"plan", "grid.yaml", "--experiment", "grid"}, dir_.path());
  EXPECT_NE(plan.out.find("6 runs planned, 3 to run"), std::string::npos) << plan.out;
  testing::CommandResult point = RunRepro({"plan", "grid.yaml", "--where", "lr=2"}, dir_.path());
  EXPECT_NE(point.out.find("5 runs planned, 5 to run"), std::string::npos)
      << "lr=2 of grid, and the others: " << point.out;
  testing::CommandResult compare = RunRepro({"compare", "grid.yaml", "--claim", "lr1"}, dir_.path());
  EXPECT_EQ(compare.exit_code, 0) << compare.out << compare.err;
  testing::CommandResult report = RunRepro({"report", "grid.yaml", "--claim", "lr1", "--format", "json"}, dir_.path());
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(report.out.find("\"lr2\""), std::string::npos) << report.out;
}

TEST_F(SelectionCliTest, ASelectionThatNamesNothingSaysWhat) {
  testing::CommandResult typo = RunRepro({"plan", "grid.yaml", "--experiment", "gird"}, dir_.path());
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("--experiment 'gird' is not an experiment of grid.yaml (did you mean 'grid'?)"),
            std::string::npos)
      << typo.err;
  testing::CommandResult claim = RunRepro({"compare", "grid.yaml", "--claim", "lr3"}, dir_.path());
  EXPECT_EQ(claim.exit_code, 2);
  EXPECT_NE(claim.err.find("--claim 'lr3' is not a claim of grid.yaml"), std::string::npos) << claim.err;
  testing::CommandResult value = RunRepro({"run", "grid.yaml", "--where", "lr=3"}, dir_.path());
  EXPECT_EQ(value.exit_code, 2);
  EXPECT_NE(value.err.find("--where lr=3: '3' is not a value of parameter 'lr' (values: 1, 2)"), std::string::npos)
      << value.err;
  testing::CommandResult shape = RunRepro({"run", "grid.yaml", "--where", "lr"}, dir_.path());
  EXPECT_EQ(shape.exit_code, 2);
  EXPECT_NE(shape.err.find("--where takes NAME=VALUE"), std::string::npos) << shape.err;
}

}  // namespace
}  // namespace repro
