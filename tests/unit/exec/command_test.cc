// RunCommand: a helper command's output captured, its failure worded once.
#include "harness/exec/command.h"

#include <gtest/gtest.h>

#include "harness/exec/environment.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

Command Shell(const std::string& script) {
  Command command;
  command.argv = {"/bin/sh", "-c", script};
  command.env = BuildChildEnvironment({}, {});
  command.timeout_seconds = 20;
  return command;
}

TEST(CommandTest, CapturesStdoutAndStderrApart) {
  CommandResult result = RunCommand(Shell("echo out; echo err >&2"));
  EXPECT_TRUE(result.succeeded());
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(CommandTest, AFailureSaysHowItEndedAndTheEndOfStderr) {
  CommandResult result = RunCommand(Shell("echo 'a long story' >&2; echo 'the reason ' >&2; exit 3"));
  EXPECT_FALSE(result.succeeded());
  EXPECT_EQ(result.Failure("story").message, "story failed (exited, exit 3): a long story\nthe reason");
  EXPECT_EQ(result.Failure("story", 12).message, "story failed (exited, exit 3): the reason");
}

TEST(CommandTest, ACommandThatCannotStartSaysWhy) {
  Command command = Shell("");
  command.argv = {"repro-no-such-command"};
  CommandResult result = RunCommand(command);
  EXPECT_TRUE(result.not_started());
  EXPECT_NE(result.Reason().find("not found"), std::string::npos) << result.Reason();
}

TEST(CommandTest, LogsAreKeptOnlyWhereAndWhenAsked) {
  ScopedTempDir dir;
  Command command = Shell("echo fine");
  command.log_dir = dir.path();
  command.log_name = "tool";
  command.keep_logs = Command::KeepLogs::kOnFailure;
  EXPECT_TRUE(RunCommand(command).succeeded());
  EXPECT_FALSE(std::filesystem::exists(dir / "tool.stdout.log")) << "a success leaves nothing to read";
  command.argv = {"/bin/sh", "-c", "echo broken; exit 1"};
  EXPECT_FALSE(RunCommand(command).succeeded());
  EXPECT_EQ(testing::ReadText(dir / "tool.stdout.log"), "broken\n");
}

}  // namespace
}  // namespace repro
