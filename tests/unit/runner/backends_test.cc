// The runner's one loop against both backends: the same cases, with attempts run by a fake
// executor (local) and by a fake cluster behind a fake Slurm client (Slurm). Each case says
// what an attempt of each seed does; the runner must plan, claim, start, follow and record
// them the same way whatever executes them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>

#include "harness/manifest/parser.h"
#include "harness/runner/attempt.h"
#include "harness/runner/job_side.h"
#include "harness/runner/runner.h"
#include "harness/slurm/client.h"
#include "tests/test_util.h"
#include "tests/unit/runner/toy_run.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

// What an attempt of a seed does: exits with "exit_code", printing "acc" when it has one,
// after "seconds" (as recorded; nothing waits).
struct Behaviour {
  int exit_code = 0;
  std::optional<double> acc;
  double seconds = 0;
};
using Script = std::function<Behaviour(int64_t seed, int attempt_number)>;

Behaviour Completes(int64_t, int) { return {0, 0.9}; }

// Local: attempts end, without processes, as the script says.
class ScriptedExecutor : public Executor {
 public:
  ScriptedExecutor(int capacity, Script script) : capacity_(capacity), script_(std::move(script)) {}
  bool CanStart(const ResourceRequest&) const override { return static_cast<int>(running_.size()) < capacity_; }
  void Start(AttemptRequest request) override {
    started.push_back(std::stoll(request.process.argv[1]));
    running_.push_back(std::move(request));
  }
  std::optional<AttemptOutcome> WaitForOne() override {
    if (running_.empty()) return std::nullopt;
    AttemptRequest request = std::move(running_.front());
    running_.pop_front();
    // The command is [prog, SEED]; the folder ends in attempt-N.
    int64_t seed = std::stoll(request.process.argv[1]);
    int number = std::stoi(request.process.cwd.parent_path().filename().string().substr(8));  // .../attempt-N/work
    Behaviour behaviour = script_(seed, number);
    AttemptOutcome outcome;
    outcome.attempt_id = request.attempt_id;
    outcome.process.end = ProcessEnd::kExited;
    outcome.process.exit_code = behaviour.exit_code;
    outcome.process.wall_seconds = behaviour.seconds;
    MetricValue acc;
    acc.name = "acc";
    acc.value = behaviour.acc;
    acc.flag = behaviour.acc ? ValueFlag::kOk : ValueFlag::kMissing;
    outcome.metrics.push_back(acc);
    if (behaviour.acc) {
      Observation point;
      point.step = 0;
      point.value = *behaviour.acc;
      request.series("acc", point);
    }
    return outcome;
  }
  void InterruptAll() override {}
  std::vector<int64_t> started;  // seeds, in the order their attempts started

 private:
  int capacity_;
  Script script_;
  std::deque<AttemptRequest> running_;
};

// Slurm: a cluster that runs each released array at once. Every task leaves the result
// record its supervisor would, as the script says; squeue then reports the tasks ended.
class ScriptedCluster : public slurm::Client {
 public:
  ScriptedCluster(std::filesystem::path log_dir, Script script)
      : Client(std::move(log_dir)), script_(std::move(script)) {}
  Result<std::string> SubmitHeld(const std::filesystem::path& script) override {
    std::string id = std::to_string(100 + static_cast<int>(arrays_.size()));
    arrays_[id] = script.parent_path() / kTaskFile;
    return id;
  }
  Status Release(const std::vector<std::string>& ids) override {
    for (const std::string& id : ids) Run(id);
    return Status::Ok();
  }
  Result<std::vector<slurm::JobRow>> FindByName(const std::string&) override { return std::vector<slurm::JobRow>{}; }
  Result<std::vector<slurm::JobRow>> Query(const std::vector<std::string>&) override { return rows_; }
  Status Cancel(const std::vector<std::string>&) override { return Status::Ok(); }
  std::vector<int64_t> started;                // seeds, in the order of their tasks
  std::map<std::string, int64_t> seed_of_run;  // run key -> seed

 private:
  void Run(const std::string& id) {
    Result<ArrayTasks> tasks = ReadArrayTasks(arrays_.at(id));
    ASSERT_TRUE(tasks.ok()) << tasks.error();
    for (size_t index = 0; index < tasks->tasks.size(); ++index) {
      const ArrayTasks::Task& task = tasks->tasks[index];
      Behaviour behaviour = script_(seed_of_run.at(task.run_key), task.first_attempt);
      std::filesystem::path dir = TaskAttemptDir(task, 0);
      std::filesystem::create_directories(dir);
      JobResult result;
      result.attempt.run_key = task.run_key;
      result.attempt.number = task.first_attempt;
      result.attempt.status = behaviour.exit_code == 0 ? AttemptStatus::kCompleted : AttemptStatus::kFailed;
      result.attempt.exit_code = behaviour.exit_code;
      result.attempt.wall_seconds = behaviour.seconds;
      if (behaviour.acc) {
        result.attempt.metrics = {{"acc", *behaviour.acc, std::nullopt, ValueFlag::kOk, "", "", 1}};
        result.series_points = 1;
        testing::WriteText(dir / kJobSeriesFile, fmt::format("acc\t0\t0\t{}\t\tok\n", *behaviour.acc));
      }
      ASSERT_TRUE(WriteJobResult(dir, result).ok());
      slurm::JobRow row;
      row.job_id = id;
      row.task = static_cast<int>(index);
      row.state = behaviour.exit_code == 0 ? slurm::State::kCompleted : slurm::State::kFailed;
      rows_.push_back(row);
      started.push_back(seed_of_run.at(task.run_key));
    }
  }
  Script script_;
  std::map<std::string, std::filesystem::path> arrays_;  // job id -> its task file
  std::vector<slurm::JobRow> rows_;
};

enum class Backend { kLocal, kSlurm };

class BackendsTest : public testing::ToyRunTest<::testing::TestWithParam<Backend>> {
 protected:
  void SetUp() override {
    Load(testing::ToyManifest(R"([prog, "{seed}"])"));
    options_.progress = [this](const ProgressEvent& event) { events_.push_back(event); };
    slurm_.poll_min_seconds = slurm_.poll_max_seconds = 0.01;
    slurm_.record_grace_seconds = slurm_.settle_seconds = 0;
    slurm_.lost_after_seconds = 5;
    slurm_.repro_binary = "/opt/repro";
  }

  // Runs the manifest once through the backend under test; how many attempts it started.
  int Run(const Script& script, RunSummary* summary = nullptr) {
    Result<RunSummary> result = Error{"not run"};
    if (GetParam() == Backend::kLocal) {
      ScriptedExecutor executor(2, script);
      result = RunManifest(manifest_, runs_, source_, *store_, executor, options_);
      started_ = executor.started;
    } else {
      ScriptedCluster cluster(dir_ / "slurm-log", script);
      for (const RunSpec& run : runs_) cluster.seed_of_run[run.key] = run.seed;
      slurm_.client = &cluster;
      result = RunManifestOnSlurm(manifest_, runs_, source_, *store_, slurm_, options_);
      started_ = cluster.started;
    }
    EXPECT_TRUE(result.ok()) << result.error();
    if (summary != nullptr) *summary = result.value_or(RunSummary{});
    return static_cast<int>(started_.size());
  }

  AttemptRecord Latest(int seed) { return **store_->LatestAttempt(runs_[seed].key); }

  SlurmSettings slurm_;
  std::vector<ProgressEvent> events_;
  std::vector<int64_t> started_;  // the seeds the last Run started, in order
};

TEST_P(BackendsTest, EachSeedRunsOnceAndItsEndIsRecordedWithItsMetricsAndSeries) {
  RunSummary summary;
  EXPECT_EQ(Run(Completes, &summary), 3);
  EXPECT_EQ(summary.planned, 3);
  EXPECT_EQ(summary.completed, 3);
  EXPECT_EQ(summary.unfinished, 0);
  for (int seed = 0; seed < 3; ++seed) {
    AttemptRecord attempt = Latest(seed);
    EXPECT_EQ(attempt.status, AttemptStatus::kCompleted);
    EXPECT_EQ(attempt.number, 1);
    ASSERT_EQ(attempt.metrics.size(), 1u);
    EXPECT_EQ(attempt.metrics[0].value, 0.9);
    EXPECT_FALSE(attempt.finished_at.empty());
    EXPECT_EQ(store_->Series(attempt.id, "acc")->size(), 1u);
  }
  int finished = 0;
  for (const ProgressEvent& event : events_) {
    if (event.kind != ProgressEvent::Kind::kFinished) continue;
    ++finished;
    EXPECT_FALSE(event.failed);
    EXPECT_EQ(event.total, 3);
    EXPECT_NE(event.text.find("completed"), std::string::npos) << event.text;
  }
  EXPECT_EQ(finished, 3);
}

TEST_P(BackendsTest, RunsWithADurationOnRecordStartLongestFirstAndUnknownOnesBeforeThem) {
  EXPECT_EQ(Run(Completes), 3);
  EXPECT_EQ(started_, (std::vector<int64_t>{0, 1, 2})) << "nothing known: the manifest's order";
  options_.force = true;
  Run([](int64_t seed, int) {
    return seed == 2 ? Behaviour{3, std::nullopt, 50.0} : Behaviour{0, 0.9, seed == 0 ? 1.0 : 30.0};
  });
  EXPECT_EQ(started_, (std::vector<int64_t>{0, 1, 2})) << "the first run's durations were all 0";
  Run(Completes);
  // Seed 2 failed last time: how long it takes is unknown (a failure says nothing of it), so
  // it goes first; then the longest of the others.
  EXPECT_EQ(started_, (std::vector<int64_t>{2, 1, 0}));
}

TEST_P(BackendsTest, CompletedRunsAreNotRunAgainUnlessForced) {
  Run(Completes);
  RunSummary again;
  EXPECT_EQ(Run(Completes, &again), 0);
  EXPECT_EQ(again.cached, 3);
  options_.force = true;
  EXPECT_EQ(Run(Completes), 3);
  EXPECT_EQ(Latest(0).number, 2);
}

TEST_P(BackendsTest, AFailedRunSaysHowItEndedAndIsRetriedAsANewAttempt) {
  RunSummary summary;
  Run([](int64_t seed, int) { return seed == 1 ? Behaviour{3, std::nullopt} : Behaviour{0, 0.9}; }, &summary);
  EXPECT_EQ(summary.completed, 2);
  EXPECT_EQ(summary.unfinished, 1);
  AttemptRecord failed = Latest(1);
  EXPECT_EQ(failed.status, AttemptStatus::kFailed);
  EXPECT_EQ(failed.exit_code, 3);
  bool told = false;
  for (const ProgressEvent& event : events_)
    told = told || (event.failed && event.text.find("failed (exit 3)") != std::string::npos);
  EXPECT_TRUE(told) << "the failure reaches the terminal";
  EXPECT_EQ(Run(Completes), 1) << "only the failed run again";
  EXPECT_EQ(Latest(1).number, 2);
  EXPECT_EQ(Latest(1).status, AttemptStatus::kCompleted);
}

TEST_P(BackendsTest, AFailedSetupMarksEveryRunAndStartsNone) {
  manifest_.setup = {{"/bin/sh", "-c", "echo broken >&2; exit 4"}};
  RunSummary summary;
  EXPECT_EQ(Run(Completes, &summary), 0);
  EXPECT_TRUE(summary.setup_failed);
  for (int seed = 0; seed < 3; ++seed) EXPECT_EQ(Latest(seed).status, AttemptStatus::kSetupFailed);
}

TEST_P(BackendsTest, AnInterruptBeforeTheFirstStartStartsNothing) {
  options_.interrupted = [] { return true; };
  RunSummary summary;
  EXPECT_EQ(Run(Completes, &summary), 0);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_EQ(summary.started, 0);
}

INSTANTIATE_TEST_SUITE_P(Executors, BackendsTest, ::testing::Values(Backend::kLocal, Backend::kSlurm),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kLocal ? "Local" : "Slurm";
                         });

}  // namespace
}  // namespace repro
