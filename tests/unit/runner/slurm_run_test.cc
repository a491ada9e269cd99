// The Slurm loop against a scripted client: which status each ending gives, that a
// controller that does not answer loses no job, and what is submitted. The real cluster is
// in tests/e2e/slurm_test.cc; here each case is exact and fast.
#include <gtest/gtest.h>

#include <functional>

#include "harness/manifest/parser.h"
#include "harness/runner/attempt.h"
#include "harness/runner/runner.h"
#include "harness/runner/slurm_backend.h"
#include "harness/slurm/client.h"
#include "tests/test_util.h"
#include "tests/unit/runner/toy_run.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

slurm::JobRow Row(int task, slurm::State state, std::string job = "77") {
  slurm::JobRow row;
  row.job_id = std::move(job);
  row.task = task;
  row.state = state;
  return row;
}

// Answers as a script says; "Query" gets the poll number, starting at 1.
class ScriptedClient : public slurm::Client {
 public:
  using Answer = std::function<Result<std::vector<slurm::JobRow>>(int poll)>;
  ScriptedClient(std::filesystem::path log_dir, Answer answer)
      : Client(std::move(log_dir)), answer_(std::move(answer)) {}
  Result<std::string> SubmitHeld(const std::filesystem::path& script) override {
    scripts.push_back(script);
    if (sbatch_fails) return Error{"sbatch --parsable --hold job.sh failed (interrupted)"};
    return std::string("77");
  }
  Result<std::vector<slurm::JobRow>> FindByName(const std::string& name) override {
    names.push_back(name);
    return by_name;
  }
  Status Cancel(const std::vector<std::string>& ids) override {
    cancelled.insert(cancelled.end(), ids.begin(), ids.end());
    return Status::Ok();
  }
  Status Release(const std::vector<std::string>& ids) override {
    released.insert(released.end(), ids.begin(), ids.end());
    return Status::Ok();
  }
  Result<std::vector<slurm::JobRow>> Query(const std::vector<std::string>&) override { return answer_(++polls); }
  std::vector<std::filesystem::path> scripts;
  std::vector<std::string> released, cancelled;
  std::vector<std::string> names;      // asked for by FindByName
  std::vector<slurm::JobRow> by_name;  // what FindByName answers
  bool sbatch_fails = false;
  int polls = 0;

 private:
  Answer answer_;
};

class SlurmRunTest : public testing::ToyRunTest<> {
 protected:
  void SetUp() override {
    Load(testing::ToyManifest(R"([prog, "{seed}"])", "    resources: {cpus: 2, memory: 1G}\n"));
    settings_.poll_min_seconds = settings_.poll_max_seconds = 0.01;
    settings_.record_grace_seconds = 0;
    settings_.settle_seconds = 0;
    settings_.lost_after_seconds = 0.05;
    settings_.repro_binary = "/opt/repro";
  }

  // Writes the record a task's supervisor leaves: completed with acc, and one series point.
  void WriteRecord(int seed, AttemptStatus status) {
    std::filesystem::path dir =
        std::filesystem::absolute(RunDirectory(options_.results_dir, manifest_, runs_[seed])) / "attempt-1";
    std::filesystem::create_directories(dir);
    JobResult result;
    result.attempt.run_key = runs_[seed].key;
    result.attempt.number = 1;
    result.attempt.status = status;
    result.attempt.metrics = {{"acc", 0.9, std::nullopt, ValueFlag::kOk, "", "", 1}};
    result.series_points = 1;
    testing::WriteText(dir / kJobSeriesFile, "acc\t0\t\t0.9\t\tok\n");
    ASSERT_TRUE(WriteJobResult(dir, result).ok());
  }

  AttemptStatus StatusOf(int seed) { return (*store_->LatestAttempt(runs_[seed].key))->status; }

  SlurmSettings settings_;
};

TEST(SlurmStatusTest, AJobThatEndedWithoutARecordIsNamedForHowItEnded) {
  using slurm::State;
  EXPECT_EQ(StatusWithoutRecord(State::kCompleted), AttemptStatus::kFailedNoResult) << "success is the record's to say";
  EXPECT_EQ(StatusWithoutRecord(State::kTimeout), AttemptStatus::kTimeout);
  EXPECT_EQ(StatusWithoutRecord(State::kOutOfMemory), AttemptStatus::kOutOfMemory);
  EXPECT_EQ(StatusWithoutRecord(State::kNodeFail), AttemptStatus::kNodeFailed);
  EXPECT_EQ(StatusWithoutRecord(State::kPreempted), AttemptStatus::kPreempted);
  EXPECT_EQ(StatusWithoutRecord(State::kBootFail), AttemptStatus::kBootFailed);
  EXPECT_EQ(StatusWithoutRecord(State::kDeadline), AttemptStatus::kDeadline);
  EXPECT_EQ(StatusWithoutRecord(State::kCancelled), AttemptStatus::kCancelled);
  EXPECT_EQ(StatusWithoutRecord(State::kUnknown), AttemptStatus::kLost);
}

TEST_F(SlurmRunTest, TheRecordDecidesAndSlurmSaysWhyWhenThereIsNone) {
  WriteRecord(0, AttemptStatus::kCompleted);
  WriteRecord(1, AttemptStatus::kInterrupted);
  ScriptedClient client(dir_ / "log", [](int) {
    return Result<std::vector<slurm::JobRow>>(std::vector<slurm::JobRow>{
        Row(0, slurm::State::kCompleted), Row(1, slurm::State::kCancelled), Row(2, slurm::State::kCompleted)});
  });
  settings_.client = &client;
  Result<RunSummary> summary = RunManifestOnSlurm(manifest_, runs_, source_, *store_, settings_, options_);
  ASSERT_TRUE(summary.ok()) << summary.error();
  EXPECT_EQ(StatusOf(0), AttemptStatus::kCompleted);
  EXPECT_EQ(StatusOf(1), AttemptStatus::kCancelled);       // the record says interrupted; Slurm says why
  EXPECT_EQ(StatusOf(2), AttemptStatus::kFailedNoResult);  // COMPLETED, but no record
  EXPECT_EQ((*store_->LatestAttempt(runs_[2].key))->job, "77_2");
  EXPECT_EQ(store_->Series((*store_->LatestAttempt(runs_[0].key))->id, "acc")->size(), 1u);
  ASSERT_EQ(client.scripts.size(), 1u);  // one array for the experiment
  EXPECT_EQ(client.released, std::vector<std::string>{"77"});
  std::string script = testing::ReadText(client.scripts.front());
  EXPECT_NE(script.find("--array=0-2"), std::string::npos) << script;
  EXPECT_NE(script.find("--cpus-per-task=2"), std::string::npos) << script;
  EXPECT_NE(script.find("--mem=1024M"), std::string::npos) << script;
  EXPECT_NE(script.find("exec '/opt/repro' 'attempt'"), std::string::npos) << script;
}

TEST_F(SlurmRunTest, AControllerThatDoesNotAnswerLosesNoJob) {
  // Slurm does not answer for a while (longer than lost_after), then says the jobs ended.
  ScriptedClient client(dir_ / "log", [this](int poll) -> Result<std::vector<slurm::JobRow>> {
    if (poll < 20) return Error{"squeue failed: slurm_load_jobs error: Unable to contact slurm controller"};
    if (poll == 20) {
      for (int seed = 0; seed < 3; ++seed) WriteRecord(seed, AttemptStatus::kCompleted);
    }
    return std::vector<slurm::JobRow>{Row(0, slurm::State::kCompleted), Row(1, slurm::State::kCompleted),
                                      Row(2, slurm::State::kCompleted)};
  });
  settings_.client = &client;
  Result<RunSummary> summary = RunManifestOnSlurm(manifest_, runs_, source_, *store_, settings_, options_);
  ASSERT_TRUE(summary.ok()) << summary.error();
  for (int seed = 0; seed < 3; ++seed) EXPECT_EQ(StatusOf(seed), AttemptStatus::kCompleted);
}

TEST_F(SlurmRunTest, ABriefFailureBeforeARequeueIsNotTakenForTheEnd) {
  // Requeued while running: FAILED for a moment, then pending, then it runs to completion.
  ScriptedClient client(dir_ / "log", [this](int poll) -> Result<std::vector<slurm::JobRow>> {
    slurm::State state = poll == 1  ? slurm::State::kFailed
                         : poll < 4 ? slurm::State::kPending
                                    : slurm::State::kCompleted;
    if (poll == 4) {
      for (int seed = 0; seed < 3; ++seed) WriteRecord(seed, AttemptStatus::kCompleted);
    }
    return std::vector<slurm::JobRow>{Row(0, state), Row(1, state), Row(2, state)};
  });
  settings_.client = &client;
  settings_.settle_seconds = 0.05;
  Result<RunSummary> summary = RunManifestOnSlurm(manifest_, runs_, source_, *store_, settings_, options_);
  ASSERT_TRUE(summary.ok()) << summary.error();
  for (int seed = 0; seed < 3; ++seed) EXPECT_EQ(StatusOf(seed), AttemptStatus::kCompleted);
}

TEST_F(SlurmRunTest, AnArraySbatchDidNotConfirmIsStartFailedAndLeavesNoHeldJob) {
  ScriptedClient client(dir_ / "log",
                        [](int) { return Result<std::vector<slurm::JobRow>>(std::vector<slurm::JobRow>{}); });
  client.sbatch_fails = true;
  client.by_name = {Row(0, slurm::State::kPending)};
  settings_.client = &client;
  Result<RunSummary> summary = RunManifestOnSlurm(manifest_, runs_, source_, *store_, settings_, options_);
  ASSERT_TRUE(summary.ok()) << summary.error();
  for (int seed = 0; seed < 3; ++seed) EXPECT_EQ(StatusOf(seed), AttemptStatus::kStartFailed);
  EXPECT_NE((*store_->LatestAttempt(runs_[0].key))->message.find("sbatch refused the job array"), std::string::npos);
  EXPECT_EQ(client.cancelled, std::vector<std::string>{"77"});
  EXPECT_EQ(client.polls, 0);
}

TEST_F(SlurmRunTest, AnArrayWhoseIdWasNeverStoredIsFoundByNameNotSubmittedAgain) {
  // A repro died between sbatch and storing the id of seed 1's array (task 1 of job 55).
  std::string run_dir = RunDirectory(options_.results_dir, manifest_, runs_[1]).string();
  ASSERT_TRUE(store_->RecordRun({runs_[1].key, "e", runs_[1].label, "{}", 1}).ok());
  AttemptRecord stranded = **store_->ClaimAttempt(runs_[1].key, run_dir, false);
  ASSERT_TRUE(store_->SetAttemptJobs({{stranded.id, "submitting:repro-m-e-0badf00d#1"}}).ok());
  for (int seed = 0; seed < 3; ++seed) WriteRecord(seed, AttemptStatus::kCompleted);
  ScriptedClient client(dir_ / "log", [](int) {
    return Result<std::vector<slurm::JobRow>>(std::vector<slurm::JobRow>{
        Row(0, slurm::State::kCompleted), Row(1, slurm::State::kCompleted), Row(1, slurm::State::kCompleted, "55")});
  });
  client.by_name = {Row(1, slurm::State::kPending, "55")};
  settings_.client = &client;
  Result<RunSummary> summary = RunManifestOnSlurm(manifest_, runs_, source_, *store_, settings_, options_);
  ASSERT_TRUE(summary.ok()) << summary.error();
  EXPECT_EQ(client.names, std::vector<std::string>{"repro-m-e-0badf00d"});
  EXPECT_EQ(client.released, (std::vector<std::string>{"55", "77"}));
  EXPECT_EQ(summary->attached, 1);
  EXPECT_EQ(summary->submitted, 2);  // seeds 0 and 2 only
  EXPECT_EQ((*store_->LatestAttempt(runs_[1].key))->job, "55_1");
  for (int seed = 0; seed < 3; ++seed) EXPECT_EQ(StatusOf(seed), AttemptStatus::kCompleted);
}

TEST_F(SlurmRunTest, ATaskNoCommandKnowsBecomesLostOnlyAfterTheDeadline) {
  WriteRecord(0, AttemptStatus::kCompleted);
  ScriptedClient client(dir_ / "log", [](int) {
    return Result<std::vector<slurm::JobRow>>(std::vector<slurm::JobRow>{Row(0, slurm::State::kCompleted)});
  });
  settings_.client = &client;
  settings_.lost_after_seconds = 0.3;
  Result<RunSummary> summary = RunManifestOnSlurm(manifest_, runs_, source_, *store_, settings_, options_);
  ASSERT_TRUE(summary.ok()) << summary.error();
  EXPECT_EQ(StatusOf(0), AttemptStatus::kCompleted);
  EXPECT_EQ(StatusOf(1), AttemptStatus::kLost);
  EXPECT_NE((*store_->LatestAttempt(runs_[1].key))->message.find("Slurm no longer knows job 77_1"), std::string::npos);
  EXPECT_GE(client.polls, 2);  // not at the first poll that missed it
}

}  // namespace
}  // namespace repro
