#include "harness/slurm/states.h"

#include <gtest/gtest.h>

namespace repro::slurm {
namespace {

TEST(SlurmStatesTest, EveryStateCodeLongOrShortIsRead) {
  EXPECT_EQ(ParseState("RUNNING"), State::kRunning);
  EXPECT_EQ(ParseState("R"), State::kRunning);
  EXPECT_EQ(ParseState("CANCELLED by 1000"), State::kCancelled);
  EXPECT_EQ(ParseState("OUT_OF_MEMORY"), State::kOutOfMemory);
  EXPECT_EQ(ParseState("CG"), State::kCompleting);
  EXPECT_EQ(ParseState("REQUEUE_HOLD"), State::kRequeued);
  EXPECT_EQ(ParseState("SOMETHING_NEW"), State::kUnknown);
  for (State state : {State::kPending, State::kConfiguring, State::kRequeued, State::kRunning, State::kSuspended,
                      State::kCompleting, State::kCompleted, State::kFailed, State::kTimeout, State::kOutOfMemory,
                      State::kCancelled, State::kNodeFail, State::kPreempted, State::kBootFail, State::kDeadline}) {
    EXPECT_EQ(ParseState(StateName(state)), state) << StateName(state);
  }
}

TEST(SlurmStatesTest, CompletingIsNotFinalAndNothingMovesBackwards) {
  EXPECT_FALSE(IsFinal(State::kCompleting));
  EXPECT_FALSE(IsFinal(State::kRequeued));
  EXPECT_TRUE(IsFinal(State::kCompleted));
  EXPECT_TRUE(IsFinal(State::kDeadline));
  EXPECT_EQ(Advance(State::kPending, State::kRunning), State::kRunning);
  EXPECT_EQ(Advance(State::kRunning, State::kPending), State::kRunning) << "a stale squeue line";
  EXPECT_EQ(Advance(State::kCompleting, State::kRunning), State::kCompleting);
  EXPECT_EQ(Advance(State::kCompleted, State::kRunning), State::kCompleted);
  EXPECT_EQ(Advance(State::kCompleted, State::kFailed), State::kCompleted) << "the first final state stands";
  EXPECT_EQ(Advance(State::kRunning, State::kUnknown), State::kRunning);
  EXPECT_EQ(Advance(State::kRunning, State::kSuspended), State::kSuspended);
  EXPECT_EQ(Advance(State::kSuspended, State::kRunning), State::kRunning) << "a resumed job runs again";
  EXPECT_EQ(Advance(State::kPreempted, State::kRequeued), State::kRequeued) << "a requeue starts the job over";
  EXPECT_EQ(Advance(State::kFailed, State::kPending), State::kPending) << "an ended job pending again was requeued";
}

TEST(SlurmStatesTest, SacctRowsSkipStepsExpandArraysAndKeepExitCodeAndSignalApart) {
  std::vector<JobRow> rows = ParseSacct(
      "41|COMPLETED|0:0\n41.batch|COMPLETED|0:0\n41.extern|COMPLETED|0:0\n"
      "42_0|FAILED|3:0\n42_0.batch|FAILED|3:0\n42_1|OUT_OF_MEMORY|0:125\n42_[2-3,5]|PENDING|0:0\n"
      "43|CANCELLED by 0|0:9\n\n");
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0].job_id, "41");
  EXPECT_FALSE(rows[0].task.has_value());
  EXPECT_EQ(rows[0].state, State::kCompleted);
  EXPECT_EQ(rows[1].task, 0);
  EXPECT_EQ(rows[1].exit_code, 3);
  EXPECT_FALSE(rows[1].signal.has_value());
  EXPECT_EQ(rows[2].state, State::kOutOfMemory);
  EXPECT_EQ(rows[3].task, 2);
  EXPECT_EQ(rows[4].task, 3);
  EXPECT_EQ(rows[5].task, 5);
  EXPECT_EQ(rows[5].state, State::kPending);
  EXPECT_EQ(rows[6].state, State::kCancelled);
  EXPECT_EQ(rows[6].raw_state, "CANCELLED by 0");
  EXPECT_EQ(rows[6].signal, 9);
}

TEST(SlurmStatesTest, SqueueRowsIncludingThrottledArrays) {
  std::vector<JobRow> rows = ParseSqueue("7_[0-2%1]|PENDING\n7_3|RUNNING\n8|COMPLETING\ngarbage\n9_x|RUNNING\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[2].task, 2);
  EXPECT_EQ(rows[3].state, State::kRunning);
  EXPECT_EQ(rows[4].state, State::kCompleting);
  EXPECT_FALSE(rows[4].exit_code.has_value());
}

}  // namespace
}  // namespace repro::slurm
