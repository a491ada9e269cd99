#include <gtest/gtest.h>

#include "harness/cli/commands.h"
#include "tests/test_util.h"
#include "tests/unit/cli/string_console.h"

namespace repro::cli {
namespace {

using repro::testing::ScopedTempDir;
using repro::testing::WriteText;

// One experiment; the claims follow.
constexpr const char* kExperiment = R"(source: {path: code}
experiments:
  - id: mlp
    command: [/bin/sh, train.sh, "{seed}"]
    metrics: {acc: {stdout: 'acc=(?<value>\S+)'}}
claims:
)";

const std::string kGood = std::string("paper: {title: Good}\n") + kExperiment +
                          "  - {id: mlp, experiment: mlp, metric: acc, reported: \"68.2\", tolerance: {abs: 2}}\n";

// 'tolerence' on line 12, column 5.
const std::string kMisspelt =
    std::string("paper: {title: Misspelt}\n") + kExperiment +
    "  - id: mlp\n    experiment: mlp\n    metric: acc\n    reported: \"68.2\"\n    tolerence: {abs: 2}\n";

class ValidateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(dir_ / "code/train.sh", "echo acc=68\n");
    WriteText(dir_ / "good.yaml", kGood);
    WriteText(dir_ / "misspelt.yaml", kMisspelt);
  }
  ScopedTempDir dir_;
  testing::StringConsole console_;
};

TEST_F(ValidateCommandTest, AGoodManifestIsSummarisedOnStdout) {
  std::string good = (dir_ / "good.yaml").string();
  ExitCode end = Validate(console_.console(), {good}, kDefaultMaxRuns);
  ASSERT_TRUE(end.ok()) << end.error().text;
  EXPECT_EQ(*end, kExitAllReproduced);
  EXPECT_EQ(console_.out(), good + ": ok (1 experiment, 1 run, 1 claim)\n");
}

// Every manifest is checked; the bad one's errors are said as they are found, with their
// position, and its exit code is the command's.
TEST_F(ValidateCommandTest, AnErrorIsSaidWithItsPositionAndEndsWithBadInput) {
  std::string misspelt = (dir_ / "misspelt.yaml").string(), good = (dir_ / "good.yaml").string();
  ExitCode end = Validate(console_.console(), {misspelt, good}, kDefaultMaxRuns);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, kExitBadInput);
  EXPECT_EQ(end.error().text, "") << "already said, before the next manifest";
  EXPECT_NE(console_.err().find(misspelt + ":12:5: unknown key 'tolerence' in claim 'mlp' (did you mean 'tolerance'?)"),
            std::string::npos)
      << console_.err();
  EXPECT_NE(console_.err().find(misspelt + ": 1 error\n"), std::string::npos) << console_.err();
  EXPECT_EQ(console_.out(), good + ": ok (1 experiment, 1 run, 1 claim)\n");
}

TEST_F(ValidateCommandTest, APlanOverMaxRunsIsBadInput) {
  ExitCode end = Validate(console_.console(), {(dir_ / "good.yaml").string()}, /*max_runs=*/0);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, kExitBadInput);
  EXPECT_EQ(console_.out(), "");
}

}  // namespace
}  // namespace repro::cli
