#include <gtest/gtest.h>

#include "harness/cli/commands.h"
#include "harness/store/store.h"
#include "tests/test_util.h"
#include "tests/unit/cli/string_console.h"

namespace repro::cli {
namespace {

using repro::testing::ScopedTempDir;
using repro::testing::WriteText;

constexpr const char* kManifest = R"(paper: {title: "Two claims"}
source: {path: code}
experiments:
  - id: mlp
    command: [/bin/sh, train.sh, "{seed}"]
    seeds: [0, 1]
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
claims:
  - {id: mlp, experiment: mlp, metric: acc, reported: "68.2", tolerance: {abs: 2}}
  - {id: mlp-high, experiment: mlp, metric: acc, reported: "90", tolerance: {abs: 2}}
)";

// Plan and compare on a manifest nothing has run for: they read the store, never write it.
class CompareCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(dir_ / "code/train.sh", "echo acc=68\n");
    WriteText(dir_ / "two.yaml", kManifest);
    common_.results_dir = dir_ / "results";
  }
  std::string Manifest() const { return (dir_ / "two.yaml").string(); }
  void CreateEmptyStore() {
    std::filesystem::create_directories(common_.results_dir);
    Result<std::unique_ptr<Store>> store = Store::Open(common_.DbPath());
    ASSERT_TRUE(store.ok()) << store.error();
  }

  ScopedTempDir dir_;
  CommonOptions common_;
  testing::StringConsole console_;
};

TEST_F(CompareCommandTest, WithoutADatabaseItIsBadInputAndSaysWhatToRun) {
  ExitCode end = Compare(console_.console(), Manifest(), common_, /*json=*/false, /*quiet=*/false);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, kExitBadInput);
  EXPECT_EQ(end.error().text.rfind("repro: no database at " + common_.DbPath().string(), 0), 0u) << end.error().text;
  EXPECT_FALSE(std::filesystem::exists(common_.DbPath())) << "compare never creates a database";
  EXPECT_EQ(console_.out(), "");
}

TEST_F(CompareCommandTest, ClaimsWithoutRunsAreNotReproduced) {
  CreateEmptyStore();
  ExitCode end = Compare(console_.console(), Manifest(), common_, /*json=*/false, /*quiet=*/false);
  ASSERT_TRUE(end.ok()) << end.error().text;
  EXPECT_EQ(*end, kExitNotReproduced);
  EXPECT_NE(console_.out().find("mlp-high"), std::string::npos) << console_.out();
  EXPECT_EQ(console_.out().find("\x1b["), std::string::npos) << "no colour on a string stream";
}

TEST_F(CompareCommandTest, QuietPrintsOnlyTheTablesLastLine) {
  CreateEmptyStore();
  testing::StringConsole full;
  ASSERT_TRUE(Compare(full.console(), Manifest(), common_, /*json=*/false, /*quiet=*/false).ok());
  ExitCode end = Compare(console_.console(), Manifest(), common_, /*json=*/false, /*quiet=*/true);
  ASSERT_TRUE(end.ok()) << end.error().text;
  EXPECT_EQ(*end, kExitNotReproduced);
  std::string quiet = console_.out();
  ASSERT_EQ(std::count(quiet.begin(), quiet.end(), '\n'), 1) << quiet;
  EXPECT_EQ(quiet.rfind("0 of 2 claims reproduced", 0), 0u) << quiet;
  EXPECT_TRUE(full.out().ends_with("\n" + quiet)) << full.out();
}

TEST_F(CompareCommandTest, PlanListsEachRunAsNewWithoutADatabase) {
  ExitCode end = Plan(console_.console(), Manifest(), common_);
  ASSERT_TRUE(end.ok()) << end.error().text;
  EXPECT_EQ(*end, kExitAllReproduced);
  std::string out = console_.out();
  EXPECT_EQ(out.rfind("new          ", 0), 0u) << out;
  EXPECT_NE(out.find("\n2 runs planned, 2 to run; code: " + (dir_ / "code").string() + " (tree sha256 "),
            std::string::npos)
      << out;
  EXPECT_FALSE(std::filesystem::exists(common_.DbPath())) << "plan never creates a database";
}

TEST_F(CompareCommandTest, PlanRefusesAWhereThatIsNoAssignment) {
  common_.where = {"seed"};
  ExitCode end = Plan(console_.console(), Manifest(), common_);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, kExitBadInput);
  EXPECT_EQ(end.error().text.rfind("repro: ", 0), 0u) << end.error().text;
  EXPECT_EQ(console_.out(), "");
}

}  // namespace
}  // namespace repro::cli
