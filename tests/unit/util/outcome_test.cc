#include "harness/util/outcome.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace repro {
namespace {

TEST(OutcomeTest, EveryStatusHasOneNameThatReadsBack) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(AttemptStatus::kLost); ++i) {
    auto status = static_cast<AttemptStatus>(i);
    std::string_view name = Name(status);
    EXPECT_NE(name, "?") << "status " << i << " has no name";
    EXPECT_TRUE(names.insert(name).second) << "two statuses are named " << name;
    EXPECT_EQ(ParseAttemptStatus(name), status) << name;
  }
  EXPECT_EQ(names.size(), 17u);
  // The names released repros wrote must keep reading back.
  EXPECT_EQ(ParseAttemptStatus("failed-no-result"), AttemptStatus::kFailedNoResult);
  EXPECT_EQ(ParseAttemptStatus("out-of-memory"), AttemptStatus::kOutOfMemory);
  EXPECT_EQ(ParseAttemptStatus("Completed"), std::nullopt) << "names are exact";
  EXPECT_EQ(ParseAttemptStatus(""), std::nullopt);
}

TEST(OutcomeTest, EveryFlagHasOneNameThatReadsBack) {
  for (ValueFlag flag : {ValueFlag::kOk, ValueFlag::kNonFinite, ValueFlag::kUnparseable, ValueFlag::kMissing})
    EXPECT_EQ(ParseValueFlag(Name(flag)), flag) << Name(flag);
  EXPECT_EQ(Name(ValueFlag::kNonFinite), "non-finite");
  EXPECT_EQ(ParseValueFlag("nan"), std::nullopt);
}

TEST(OutcomeTest, AnEndIsWordedWithItsExitCodeOrSignal) {
  EXPECT_EQ(Describe(AttemptStatus::kFailed, 3, std::nullopt), "failed (exit 3)");
  EXPECT_EQ(Describe(AttemptStatus::kInterrupted, std::nullopt, 15), "interrupted (signal 15)");
  EXPECT_EQ(Describe(AttemptStatus::kTimeout, std::nullopt, 9), "timeout (signal 9)");
  EXPECT_EQ(Describe(AttemptStatus::kCompleted, 0, std::nullopt), "completed")
      << "exit 0 of a completed run says nothing";
  EXPECT_EQ(Describe(AttemptStatus::kFailedNoResult, 0, std::nullopt), "failed-no-result (exit 0)");
}

}  // namespace
}  // namespace repro
