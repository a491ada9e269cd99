#include "harness/runner/runner.h"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "harness/manifest/parser.h"
#include "tests/test_util.h"
#include "tests/unit/runner/toy_run.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

// Finishes attempts without processes: each gets the outcome "script" decides from its argv.
class FakeExecutor : public Executor {
 public:
  using Script = std::function<AttemptOutcome(const AttemptRequest&)>;
  FakeExecutor(int capacity, Script script) : capacity_(capacity), script_(std::move(script)) {}

  bool CanStart(const ResourceRequest&) const override { return static_cast<int>(running_.size()) < capacity_; }
  void Start(AttemptRequest request) override {
    started.push_back(request);
    max_running = std::max(max_running, static_cast<int>(running_.size()) + 1);
    running_.push_back(std::move(request));
  }
  std::optional<AttemptOutcome> WaitForOne() override {
    if (running_.empty()) return std::nullopt;
    AttemptRequest request = std::move(running_.front());
    running_.pop_front();
    AttemptOutcome outcome = script_(request);
    outcome.attempt_id = request.attempt_id;
    return outcome;
  }
  void InterruptAll() override { ++interrupts; }

  std::vector<AttemptRequest> started;
  int max_running = 0;
  int interrupts = 0;

 private:
  int capacity_;
  Script script_;
  std::deque<AttemptRequest> running_;
};

AttemptOutcome Exited(int code, std::optional<double> acc) {
  AttemptOutcome outcome;
  outcome.process.end = ProcessEnd::kExited;
  outcome.process.exit_code = code;
  MetricValue value;
  value.name = "acc";
  value.value = acc;
  value.flag = acc ? ValueFlag::kOk : ValueFlag::kMissing;
  outcome.metrics.push_back(value);
  return outcome;
}

class RunnerTest : public testing::ToyRunTest<> {
 protected:
  void SetUp() override { Load(testing::ToyManifest(R"([prog, --seed, "{seed}", --out, "{out}"])")); }

  RunSummary Run(FakeExecutor& executor) {
    Result<RunSummary> summary = RunManifest(manifest_, runs_, source_, *store_, executor, options_);
    EXPECT_TRUE(summary.ok()) << summary.error();
    return summary.value_or(RunSummary{});
  }
};

TEST_F(RunnerTest, RunsEachSeedOnceWithinCapacityAndRecordsIt) {
  FakeExecutor executor(2, [](const AttemptRequest&) { return Exited(0, 0.9); });
  RunSummary summary = Run(executor);
  EXPECT_EQ(summary.planned, 3);
  EXPECT_EQ(summary.completed, 3);
  EXPECT_EQ(executor.max_running, 2);
  ASSERT_EQ(executor.started.size(), 3u);
  const AttemptRequest& first = executor.started[0];
  EXPECT_EQ(first.process.argv[2], "0");
  EXPECT_EQ(first.process.argv[4],
            (std::filesystem::absolute(RunDirectory(options_.results_dir, manifest_, runs_[0])) / "attempt-1" / "out")
                .string());
  EXPECT_EQ(first.process.cwd,
            std::filesystem::absolute(RunDirectory(options_.results_dir, manifest_, runs_[0])) / "attempt-1" / "work")
      << "each attempt runs in its own working copy";
  for (const RunSpec& run : runs_) {
    AttemptRecord attempt = **store_->LatestAttempt(run.key);
    EXPECT_EQ(attempt.status, AttemptStatus::kCompleted);
    EXPECT_EQ(attempt.metrics[0].value, 0.9);
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(attempt.dir) / "attempt.json"));
  }
}

TEST_F(RunnerTest, AnAttemptThatCannotStartSaysWhyOnTheTerminal) {
  source_.dir = dir_ / "no-such-code";  // its working copy cannot be made
  std::vector<ProgressEvent> events;
  options_.progress = [&](const ProgressEvent& event) { events.push_back(event); };
  FakeExecutor executor(3, [](const AttemptRequest&) { return Exited(0, 0.9); });
  RunSummary summary = Run(executor);
  EXPECT_EQ(summary.unfinished, 3);
  EXPECT_TRUE(executor.started.empty());
  int failures = 0;
  for (const ProgressEvent& event : events) {
    if (event.kind != ProgressEvent::Kind::kFinished) continue;
    ++failures;
    EXPECT_TRUE(event.failed);
    EXPECT_NE(event.text.find("start-failed"), std::string::npos) << event.text;
    EXPECT_NE(event.detail.find("no-such-code"), std::string::npos)
        << "the reason is printed, not only stored: " << event.detail;
    EXPECT_EQ(event.detail.find("command:"), std::string::npos) << "nothing was started: " << event.detail;
  }
  EXPECT_EQ(failures, 3);
}

TEST_F(RunnerTest, AManifestCalledReproIsFiledUnderItsFolder) {
  EXPECT_EQ(ManifestFolderName(manifest_), "m");
  Manifest inside = manifest_;
  inside.path = "repro.yaml";
  inside.dir = "/home/me/my paper";
  EXPECT_EQ(ManifestFolderName(inside), "my-paper") << "not results/repro/ for every repository";
}

TEST_F(RunnerTest, AttemptJsonSaysWhenTheAttemptFinished) {
  FakeExecutor executor(1, [](const AttemptRequest&) { return Exited(0, 0.9); });
  Run(executor);
  AttemptRecord attempt = **store_->LatestAttempt(runs_[0].key);
  EXPECT_FALSE(attempt.finished_at.empty());
  std::string record = testing::ReadText(std::filesystem::path(attempt.dir) / "attempt.json");
  EXPECT_NE(record.find("\"finished_at\": \"" + attempt.finished_at + "\""), std::string::npos) << record;
}

TEST_F(RunnerTest, TheChildEnvironmentIsBuiltNotInherited) {
  ::setenv("REPRO_TEST_SECRET_TOKEN", "hunter2", 1);
  FakeExecutor executor(1, [](const AttemptRequest&) { return Exited(0, 0.9); });
  Run(executor);
  const std::vector<std::string>& env = executor.started[0].process.env;
  EXPECT_NE(std::find(env.begin(), env.end(), "REPRO_SEED=0"), env.end());
  for (const std::string& entry : env) EXPECT_EQ(entry.find("SECRET"), std::string::npos) << entry;
  ::unsetenv("REPRO_TEST_SECRET_TOKEN");
}

ProcessResult Ended(ProcessEnd end, std::optional<int> exit_code, std::optional<int> signal) {
  ProcessResult result;
  result.end = end;
  result.exit_code = exit_code;
  result.signal = signal;
  return result;
}

TEST_F(RunnerTest, StatusesKeepExitCodeAndSignalApart) {
  EXPECT_EQ(StatusOfProcess(Ended(ProcessEnd::kExited, 0, std::nullopt)), AttemptStatus::kCompleted);
  EXPECT_EQ(StatusOfProcess(Ended(ProcessEnd::kExited, 1, std::nullopt)), AttemptStatus::kFailed);
  EXPECT_EQ(StatusOfProcess(Ended(ProcessEnd::kSignaled, std::nullopt, 9)), AttemptStatus::kKilled);
  EXPECT_EQ(StatusOfProcess(Ended(ProcessEnd::kTimedOut, std::nullopt, 15)), AttemptStatus::kTimeout);
  EXPECT_EQ(StatusOfProcess(Ended(ProcessEnd::kInterrupted, std::nullopt, 15)), AttemptStatus::kInterrupted);
  EXPECT_EQ(StatusOfProcess(Ended(ProcessEnd::kStartFailed, std::nullopt, std::nullopt)), AttemptStatus::kStartFailed);
}

TEST_F(RunnerTest, ReportsEachStartAndEndWithAnEtaFromEarlierDurations) {
  std::vector<ProgressEvent> events;
  options_.progress = [&](const ProgressEvent& event) { events.push_back(event); };
  options_.jobs = 1;
  FakeExecutor first(1, [](const AttemptRequest&) {
    AttemptOutcome outcome = Exited(0, 0.9);
    outcome.process.wall_seconds = 10;
    return outcome;
  });
  Run(first);
  int started = 0, finished = 0;
  for (const ProgressEvent& e : events) {
    started += e.kind == ProgressEvent::Kind::kStarted;
    finished += e.kind == ProgressEvent::Kind::kFinished;
  }
  EXPECT_EQ(started, 3);
  EXPECT_EQ(finished, 3);
  EXPECT_FALSE(events.front().eta_seconds.has_value()) << "nothing known about durations yet";
  EXPECT_EQ(events.back().text, "[3/3] e seed=2: completed in 10.0s (acc=0.9)");

  // A second run of the same experiment starts with an ETA from the stored durations.
  events.clear();
  options_.force = true;
  FakeExecutor second(1, [](const AttemptRequest&) { return Exited(0, 0.9); });
  Run(second);
  ASSERT_EQ(events.front().kind, ProgressEvent::Kind::kStarted);
  ASSERT_TRUE(events.front().eta_seconds.has_value());
  EXPECT_DOUBLE_EQ(*events.front().eta_seconds, 2 * 10 + 10 / 2.0) << "two waiting, one half done";
}

TEST_F(RunnerTest, AnInterruptStopsStartingNewAttempts) {
  int finished = 0;
  options_.interrupted = [&] { return finished >= 1; };
  FakeExecutor executor(1, [&](const AttemptRequest&) {
    ++finished;
    return Exited(0, 0.9);
  });
  RunSummary summary = Run(executor);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_EQ(executor.started.size(), 1u);
  EXPECT_EQ(executor.interrupts, 1);
}

TEST_F(RunnerTest, SetupRunsOncePerSetupIdentityInItsOwnCopyWhateverTheDatabase) {
  std::string count = (dir_ / "setup-count").string();
  manifest_.setup = {{"/bin/sh", "-c", "echo once >> " + count + "; mkdir _deps"}};
  FakeExecutor executor(3, [](const AttemptRequest&) { return Exited(0, 0.9); });
  Run(executor);
  options_.force = true;
  Run(executor);
  EXPECT_EQ(testing::ReadText(count), "once\n") << "a completed setup is not repeated";
  store_ = std::move(Store::Open(":memory:")).value();  // another database and results folder
  options_.results_dir = dir_ / "results2";
  Run(executor);
  EXPECT_EQ(testing::ReadText(count), "once\n") << "completion is kept with the setup's copy, not per database";
  EXPECT_FALSE(std::filesystem::exists(dir_ / "code/_deps")) << "setup never writes into the code it was given";
  std::filesystem::path copied_from = executor.started.back().process.cwd.parent_path();
  EXPECT_TRUE(std::filesystem::exists(dir_ / "cache/prepared")) << copied_from;
  manifest_.setup = {{"/bin/sh", "-c", "echo changed >> " + count}};
  Run(executor);
  EXPECT_EQ(testing::ReadText(count), "once\nchanged\n") << "a changed setup runs again";
  source_.identity = "tree:def";  // other code, same steps
  Run(executor);
  EXPECT_EQ(testing::ReadText(count), "once\nchanged\nchanged\n");
}

TEST_F(RunnerTest, AFailedSetupMarksEveryPendingRunSaysWhyAndLeavesNothing) {
  manifest_.setup = {{"/bin/sh", "-c", "mkdir -p _deps/lib; echo broken >&2; exit 4"}};
  FakeExecutor executor(3, [](const AttemptRequest&) { return Exited(0, 0.9); });
  RunSummary summary = Run(executor);
  EXPECT_TRUE(summary.setup_failed);
  EXPECT_TRUE(executor.started.empty());
  AttemptRecord attempt = **store_->LatestAttempt(runs_[0].key);
  EXPECT_EQ(attempt.status, AttemptStatus::kSetupFailed);
  EXPECT_NE(attempt.message.find(
                "setup step 1 (/bin/sh -c mkdir -p _deps/lib; echo broken >&2; exit 4) exited with exit code 4"),
            std::string::npos)
      << attempt.message;
  EXPECT_NE(attempt.message.find("last lines:\n    | broken"), std::string::npos) << attempt.message;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / "cache/prepared")) {
    EXPECT_EQ(entry.path().extension(), ".lock") << "a failed setup leaves no half-made copy: " << entry.path();
  }
  manifest_.setup = {{"/bin/sh", "-c", "mkdir _deps"}};  // fixed: starts from clean code
  options_.force = true;
  EXPECT_FALSE(Run(executor).setup_failed);
}

// A documented `git clone` or `pip install` setup step works behind a proxy: the step gets
// the variables repro's own git gets; the experiment's runs do not.
TEST_F(RunnerTest, SetupStepsReachTheNetworkAsReprosGitDoesButRunsDoNot) {
  ::setenv("https_proxy", "http://proxy.example:3128", 1);
  std::string seen = (dir_ / "setup-env").string();
  manifest_.setup = {{"/bin/sh", "-c", "env > " + seen}};
  FakeExecutor executor(3, [](const AttemptRequest&) { return Exited(0, 0.9); });
  RunSummary summary = Run(executor);
  ::unsetenv("https_proxy");
  ASSERT_FALSE(summary.setup_failed);
  EXPECT_NE(testing::ReadText(seen).find("https_proxy=http://proxy.example:3128\n"), std::string::npos)
      << testing::ReadText(seen);
  ASSERT_FALSE(executor.started.empty());
  const std::vector<std::string>& env = executor.started.front().process.env;
  EXPECT_EQ(std::find(env.begin(), env.end(), "https_proxy=http://proxy.example:3128"), env.end());
}

// docs/manifest.md's recipe for a dependency that is not packaged: a setup step builds it
// onto the code's PYTHONPATH. The environment is taken after setup, on the set-up copy, so
// the package the code imports is recorded with its version (its __version__: it has no
// package metadata).
TEST_F(RunnerTest, ThePackagesSetupInstalledAreInTheFingerprint) {
  REPRO_REQUIRE(std::filesystem::exists("/usr/bin/python3"), "/usr/bin/python3 (Debian package python3)");
  Load(testing::ToyManifest("[/usr/bin/python3, train.py, \"{seed}\"]") +
       "setup:\n  - [/bin/sh, -c, 'mkdir -p _deps/site/tinypkg && echo \"__version__ = \\\"0.3.1\\\"\" > "
       "_deps/site/tinypkg/__init__.py']\nenv: {PYTHONPATH: _deps/site}\n");
  testing::WriteText(dir_ / "code/train.py", "import tinypkg\nprint('acc=0.9')\n");
  FakeExecutor executor(3, [](const AttemptRequest&) { return Exited(0, 0.9); });
  RunSummary summary = Run(executor);
  ASSERT_FALSE(summary.setup_failed);
  AttemptRecord attempt = **store_->LatestAttempt(runs_[0].key);
  ASSERT_FALSE(attempt.environment.empty());
  nlohmann::json machine = nlohmann::json::parse(store_->EnvironmentJson(attempt.environment).value_or("{}"));
  const nlohmann::json& probe = machine["interpreters"]["/usr/bin/python3"]["probe"];
  ASSERT_TRUE(probe.contains("packages")) << machine;
  EXPECT_EQ(probe["packages"].value("tinypkg", ""), "0.3.1") << probe;
  EXPECT_FALSE(probe.contains("imports_without_version")) << probe;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "code/_deps")) << "setup never writes into the code it was given";
}

// A failed setup left no copy: its runs still name the environment, of the plain code.
TEST_F(RunnerTest, AFailedSetupStillRecordsTheEnvironment) {
  manifest_.setup = {{"/bin/sh", "-c", "exit 3"}};
  FakeExecutor executor(3, [](const AttemptRequest&) { return Exited(0, 0.9); });
  EXPECT_TRUE(Run(executor).setup_failed);
  AttemptRecord attempt = **store_->LatestAttempt(runs_[0].key);
  ASSERT_FALSE(attempt.environment.empty());
  EXPECT_TRUE(store_->EnvironmentJson(attempt.environment).ok());
}

}  // namespace
}  // namespace repro
