#include "harness/util/exit_text.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

TEST(ExitTextTest, NamesTheExitCodeAndTheSignalThatWereGiven) {
  EXPECT_EQ(StatusWithExit("failed", 3, std::nullopt), "failed (exit 3)");
  EXPECT_EQ(StatusWithExit("interrupted", std::nullopt, 15), "interrupted (signal 15)");
  EXPECT_EQ(StatusWithExit("timed-out", 0, 9), "timed-out (exit 0) (signal 9)");
  EXPECT_EQ(StatusWithExit("completed", std::nullopt, std::nullopt), "completed");
}

}  // namespace
}  // namespace repro
