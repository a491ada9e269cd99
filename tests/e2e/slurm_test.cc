// End-to-end against a real Slurm cluster: scripts/test starts one with scripts/slurm-local
// and exports SLURM_CONF. Without one these tests fail under CI=true and skip elsewhere.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <set>
#include <thread>

#include "harness/runner/attempt.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::SpawnRepro;

// A Slurm client command, as the test drives the cluster behind repro's back.
testing::CommandResult Slurm(const std::vector<std::string>& argv) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = std::filesystem::temp_directory_path();
  EnvPairs env;
  if (const char* conf = std::getenv("SLURM_CONF")) env.emplace_back("SLURM_CONF", conf);
  spec.env = BuildChildEnvironment(env, {});
  ScopedTempDir logs;
  spec.stdout_path = logs / "out";
  spec.stderr_path = logs / "err";
  spec.timeout_seconds = 60;
  ProcessResult result = RunProcess(spec);
  return {result.exit_code.value_or(-1), ReadText(spec.stdout_path), ReadText(spec.stderr_path)};
}

bool ClusterUp() {
  if (std::getenv("SLURM_CONF") == nullptr) return false;
  std::string state = Slurm({"sinfo", "--noheader", "--responding", "--format=%T"}).out;
  for (const char* up : {"idle", "mix", "alloc", "completing"}) {
    if (state.find(up) != std::string::npos) return true;
  }
  return false;
}

template <typename Condition>
bool WaitUntil(Condition condition, double seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

class SlurmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REPRO_REQUIRE(ClusterUp(), "a running Slurm cluster: eval \"$(scripts/slurm-local start DIR)\" exports SLURM_CONF");
    std::filesystem::copy(std::filesystem::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy", dir_.path(),
                          std::filesystem::copy_options::recursive);
    profile_ = (std::filesystem::path(REPRO_SOURCE_DIR) / "configs/slurm/local.yaml").string();
  }

  std::vector<std::string> RunArgs(const std::string& manifest) const {
    return {"run", manifest, "--executor", "slurm", "--slurm-profile", profile_};
  }

  // "experiment seed=N #attempt status" per attempt, plus "@job" when "with_job".
  std::vector<std::string> Attempts(bool with_job = false) const {
    SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement query(
        db,
        "SELECT r.experiment, r.params_json, r.seed, a.number, a.status, a.exit_code, COALESCE(a.job, '') "
        "FROM attempts a JOIN runs r ON r.key = a.run_key ORDER BY r.experiment, r.params_json, r.seed, a.number");
    std::vector<std::string> rows;
    while (query.executeStep()) {
      std::string params = query.getColumn(1).getString();
      std::string row = query.getColumn(0).getString() + (params == "{}" ? "" : " " + params) +
                        " seed=" + query.getColumn(2).getString() + " #" + query.getColumn(3).getString() + " " +
                        query.getColumn(4).getString();
      if (!query.getColumn(5).isNull()) row += " exit=" + query.getColumn(5).getString();
      if (with_job) row += " @" + query.getColumn(6).getString();
      rows.push_back(row);
    }
    return rows;
  }

  // The Slurm task of the newest attempt of "seed" in wait.yaml.
  std::string JobOfSeed(int seed) const {
    SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement query(
        db,
        "SELECT COALESCE(a.job, '') FROM attempts a JOIN runs r ON r.key = a.run_key WHERE r.seed = ? "
        "ORDER BY a.number DESC LIMIT 1");
    query.bind(1, seed);
    return query.executeStep() ? query.getColumn(0).getString() : "";
  }

  // Whether the attempts of wait.yaml have started on their node (each writes out/pid).
  int StartedWaiters() const {
    int started = 0;
    if (!std::filesystem::exists(dir_ / "results/wait/wait")) return 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "results/wait/wait")) {
      if (entry.path().filename() == "pid" && !ReadText(entry.path()).empty()) ++started;
    }
    return started;
  }

  std::map<std::string, std::string> Verdicts(const std::string& table) const {
    std::map<std::string, std::string> verdicts;
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line) && !line.empty();) {
      std::string claim = line.substr(0, line.find(' '));
      if (claim != "claim") verdicts[claim] = line.substr(line.find_last_of(' ') + 1);
    }
    return verdicts;
  }

  // Slurm's own output of every task, for a failure message.
  std::string SlurmOutputs() const {
    std::string text;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "results")) {
      std::string name = entry.path().filename().string();
      if (name.starts_with("slurm-") || name == kJobResultFile)
        text += "--- " + entry.path().string() + "\n" + ReadText(entry.path());
    }
    return text;
  }

  int WaitForRunner(pid_t runner) const {
    int status = 0;
    ::waitpid(runner, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  ScopedTempDir dir_;
  std::string profile_;
};

TEST_F(SlurmTest, AGridRunsAsOneArrayPerExperimentAndIsJudgedAsLocally) {
  testing::CommandResult run = RunRepro(RunArgs("grid.yaml"), dir_.path());
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("slurm: 3 sbatch"), std::string::npos) << "one array per experiment\n" << run.err;
  EXPECT_EQ(Attempts(),
            (std::vector<std::string>{
                "crash seed=0 #1 failed exit=3", "grid {\"lr\":\"1\"} seed=0 #1 completed exit=0",
                "grid {\"lr\":\"1\"} seed=1 #1 completed exit=0", "grid {\"lr\":\"1\"} seed=2 #1 completed exit=0",
                "grid {\"lr\":\"2\"} seed=0 #1 completed exit=0", "grid {\"lr\":\"2\"} seed=1 #1 completed exit=0",
                "grid {\"lr\":\"2\"} seed=2 #1 completed exit=0", "hang seed=0 #1 timeout"}));
  SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READONLY);
  // Every point of every series came through the task's series file.
  EXPECT_EQ(db.execAndGet("SELECT sum(points) FROM series_chunks").getInt(), 6);
  EXPECT_EQ(db.execAndGet("SELECT group_concat(value, ' ') FROM (SELECT v.value FROM metric_values v ORDER BY v.value)")
                .getString(),
            "0.1 0.11 0.12 0.5 0.51 0.52");
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM attempts WHERE job IS NULL OR environment IS NULL").getInt(), 0);
  std::map<std::string, std::string> on_slurm = Verdicts(run.out);
  EXPECT_EQ(on_slurm["lr1"], "reproduced");
  EXPECT_EQ(on_slurm["lr2"], "not-reproduced");

  ScopedTempDir local;
  std::filesystem::copy(std::filesystem::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy", local.path(),
                        std::filesystem::copy_options::recursive);
  testing::CommandResult here = RunRepro({"run", "grid.yaml"}, local.path());
  EXPECT_EQ(Verdicts(here.out), on_slurm) << here.out;
}

// Short attempts share array tasks once their durations are known (#20): Slurm's start of a
// task costs more than they do. Each keeps its own attempt, folder, record and verdict.
TEST_F(SlurmTest, ShortAttemptsOfAKnownDurationArePackedIntoSharedTasks) {
  testing::WriteText(dir_ / "quick.yaml", R"yaml(paper: {title: "Quick"}
source: {path: code}
defaults: {deterministic: true, timeout: 60s}
experiments:
  - id: quick
    command: [/bin/sh, -c, "echo final acc=0.{seed}"]
    seeds: [1, 2, 3, 4, 5, 6]
    metrics: {acc: {stdout: 'final acc=(?<value>\S+)'}}
claims:
  - {id: quick, experiment: quick, metric: acc, reported: "0.35", tolerance: {abs: 0.3}}
)yaml");
  testing::CommandResult first = RunRepro(RunArgs("quick.yaml"), dir_.path());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.err.find("short attempts sharing them"), std::string::npos) << "no durations known yet\n"
                                                                              << first.err;
  testing::CommandResult again =
      RunRepro({"run", "quick.yaml", "--executor", "slurm", "--slurm-profile", profile_, "--force"}, dir_.path());
  ASSERT_EQ(again.exit_code, 0) << again.err << SlurmOutputs();
  EXPECT_NE(again.err.find("submitted 6 attempt(s) of quick as Slurm job array"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("in 1 tasks, short attempts sharing them"), std::string::npos) << again.err;
  std::vector<std::string> attempts = Attempts(true);
  ASSERT_EQ(attempts.size(), 12u);
  std::set<std::string> second_tasks;
  for (const std::string& attempt : attempts) {
    if (attempt.find(" #2 ") == std::string::npos) continue;
    EXPECT_NE(attempt.find("completed exit=0"), std::string::npos) << attempt;
    second_tasks.insert(attempt.substr(attempt.find('@')));
  }
  EXPECT_EQ(second_tasks.size(), 1u) << "six attempts, one Slurm task";
  SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(DISTINCT dir) FROM attempts WHERE number = 2").getInt(), 6)
      << "each attempt its own folder";
  EXPECT_EQ(db.execAndGet("SELECT group_concat(value, ' ') FROM (SELECT v.value FROM metric_values v JOIN attempts a "
                          "ON a.id = v.attempt_id WHERE a.number = 2 ORDER BY v.value)")
                .getString(),
            "0.1 0.2 0.3 0.4 0.5 0.6");
  EXPECT_EQ(Verdicts(again.out)["quick"], "reproduced") << again.out;

  // The author's typical_duration stands for the history a first run lacks.
  std::string hinted = testing::ReadText(dir_ / "quick.yaml");
  hinted.replace(hinted.find("    seeds:"), 0, "    typical_duration: 1s\n");
  hinted.replace(hinted.find("echo final"), 4, "echo  ");  // another command: new runs
  testing::WriteText(dir_ / "hinted.yaml", hinted);
  testing::CommandResult first_hinted = RunRepro(RunArgs("hinted.yaml"), dir_.path());
  ASSERT_EQ(first_hinted.exit_code, 0) << first_hinted.err;
  EXPECT_NE(first_hinted.err.find("in 1 tasks, short attempts sharing them"), std::string::npos) << first_hinted.err;
}

TEST_F(SlurmTest, ScancelOfARunningTaskIsRecordedAsCancelled) {
  testing::WriteText(dir_ / "pause.marker", "");
  pid_t runner = SpawnRepro(RunArgs("wait.yaml"), dir_.path());
  ASSERT_TRUE(WaitUntil([&] { return StartedWaiters() == 2; }, 60)) << ReadText(dir_ / "runner.log");
  EXPECT_EQ(Slurm({"scancel", JobOfSeed(0)}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::filesystem::remove(dir_ / "pause.marker");
  EXPECT_EQ(WaitForRunner(runner), 1) << ReadText(dir_ / "runner.log");
  EXPECT_EQ(Attempts(), (std::vector<std::string>{"wait seed=0 #1 cancelled", "wait seed=1 #1 completed exit=0"}))
      << ReadText(dir_ / "runner.log");
}

TEST_F(SlurmTest, ARequeuedTaskContinuesAsANewAttemptWithoutASecondSubmission) {
  testing::WriteText(dir_ / "pause.marker", "");
  pid_t runner = SpawnRepro(RunArgs("wait.yaml"), dir_.path());
  ASSERT_TRUE(WaitUntil([&] { return StartedWaiters() == 2; }, 60)) << ReadText(dir_ / "runner.log");
  std::string task = JobOfSeed(0);
  ASSERT_EQ(Slurm({"scontrol", "requeue", task}).exit_code, 0);
  // Slurm holds a requeued job back for its credential lifetime (cred_expire, 10 s on the
  // test cluster); then the task runs again, as attempt 2.
  ASSERT_TRUE(WaitUntil([&] { return StartedWaiters() == 3; }, 90))
      << ReadText(dir_ / "runner.log") << Slurm({"scontrol", "show", "job", task}).out << SlurmOutputs();
  std::filesystem::remove(dir_ / "pause.marker");
  EXPECT_EQ(WaitForRunner(runner), 0) << ReadText(dir_ / "runner.log");
  EXPECT_EQ(Attempts(true),
            (std::vector<std::string>{"wait seed=0 #1 interrupted @" + task, "wait seed=0 #2 completed exit=0 @" + task,
                                      "wait seed=1 #1 completed exit=0 @" + JobOfSeed(1)}));
  std::string log = ReadText(dir_ / "runner.log");
  EXPECT_NE(log.find("slurm: 1 sbatch"), std::string::npos) << log;
  EXPECT_NE(log.find("Slurm requeued job " + task + "; the task continues as attempt 2"), std::string::npos) << log;
}

TEST_F(SlurmTest, ARunKilledAfterSubmittingReattachesAndSubmitsNothingNew) {
  testing::WriteText(dir_ / "pause.marker", "");
  pid_t runner = SpawnRepro(RunArgs("wait.yaml"), dir_.path());
  ASSERT_TRUE(WaitUntil([&] { return StartedWaiters() == 2; }, 60)) << ReadText(dir_ / "runner.log");
  ::kill(runner, SIGKILL);
  ::waitpid(runner, nullptr, 0);
  testing::CommandResult status = RunRepro({"status", "wait.yaml"}, dir_.path());
  EXPECT_NE(status.out.find("2 runs: 2 running"), std::string::npos) << status.out << status.err;

  std::filesystem::remove(dir_ / "pause.marker");
  testing::CommandResult again = RunRepro(RunArgs("wait.yaml"), dir_.path());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("2 attempt(s) of an earlier run are on Slurm; following them again"), std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("slurm: 0 sbatch"), std::string::npos) << again.err;
  EXPECT_EQ(Attempts(),
            (std::vector<std::string>{"wait seed=0 #1 completed exit=0", "wait seed=1 #1 completed exit=0"}));
}

TEST_F(SlurmTest, TheWarningSignalStopsTheAttemptAsATimeoutAndCancelEndsTheRest) {
  testing::WriteText(dir_ / "pause.marker", "");
  pid_t runner = SpawnRepro(RunArgs("wait.yaml"), dir_.path());
  ASSERT_TRUE(WaitUntil([&] { return StartedWaiters() == 2; }, 60)) << ReadText(dir_ / "runner.log");
  // What --signal=B:USR2@N sends N seconds before the time limit.
  EXPECT_EQ(Slurm({"scancel", "--signal=USR2", "--batch", JobOfSeed(0)}).exit_code, 0);
  ASSERT_TRUE(WaitUntil([&] { return Attempts().front() == "wait seed=0 #1 timeout"; }, 30))
      << ReadText(dir_ / "runner.log");
  ::kill(runner, SIGINT);
  EXPECT_EQ(WaitForRunner(runner), 130);
  EXPECT_NE(ReadText(dir_ / "runner.log").find("1 attempt(s) stay queued or running on Slurm"), std::string::npos)
      << ReadText(dir_ / "runner.log");
  testing::CommandResult cancel = RunRepro({"cancel", "wait.yaml"}, dir_.path());
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_NE(cancel.out.find("cancelled 1 attempt(s)"), std::string::npos) << cancel.out;
  EXPECT_EQ(Attempts(), (std::vector<std::string>{"wait seed=0 #1 timeout", "wait seed=1 #1 cancelled"}));
  std::string gone = JobOfSeed(1);
  EXPECT_TRUE(WaitUntil(
      [&] {
        return Slurm({"squeue", "--noheader", "--states=all", "--jobs=" + gone.substr(0, gone.find('_')),
                      "--format=%i %T"})
                   .out.find(gone + " CANCELLED") != std::string::npos;
      },
      30));
}

TEST_F(SlurmTest, ATaskNoCommandKnowsIsRecordedAsLost) {
  testing::WriteText(dir_ / "pause.marker", "");
  pid_t runner = SpawnRepro(RunArgs("wait.yaml"), dir_.path());
  ASSERT_TRUE(WaitUntil([&] { return StartedWaiters() == 2; }, 60)) << ReadText(dir_ / "runner.log");
  ::kill(runner, SIGKILL);
  ::waitpid(runner, nullptr, 0);
  std::string real = JobOfSeed(0);
  {  // as if Slurm had forgotten the job and its node had died: an id no command knows, no record
    SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE attempts SET job = '999999_0', dir = dir || '-gone' WHERE job = '" + real + "'");
  }
  std::filesystem::remove(dir_ / "pause.marker");
  testing::WriteText(dir_ / "quick.yaml", "poll: {min: 0.2s, max: 0.5s}\nlost_after: 2s\n");
  testing::CommandResult again =
      RunRepro({"run", "wait.yaml", "--executor", "slurm", "--slurm-profile", "./quick.yaml"}, dir_.path());
  EXPECT_EQ(Attempts(), (std::vector<std::string>{"wait seed=0 #1 lost", "wait seed=1 #1 completed exit=0"}))
      << again.err;
  EXPECT_NE(again.err.find("Slurm no longer knows job 999999_0"), std::string::npos) << again.err;
  Slurm({"scancel", real});
}

}  // namespace
}  // namespace repro
