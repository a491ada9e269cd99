// End-to-end: the built repro binary on fixture papers (tests/fixtures) and the examples.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "harness/exec/cgroup.h"
#include "harness/exec/sandbox.h"
#include "tests/test_util.h"

extern char** environ;

namespace repro {
namespace {

using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::SpawnRepro;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::copy(std::filesystem::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy", dir_.path(),
                          std::filesystem::copy_options::recursive);
  }

  std::string Db() const { return (dir_ / "results/repro.db").string(); }

  // Status of every attempt, "experiment seed=N #attempt status".
  std::vector<std::string> Attempts() const {
    SQLite::Database db(Db(), SQLite::OPEN_READONLY);
    SQLite::Statement query(db,
                            "SELECT r.experiment, r.seed, a.number, a.status, a.exit_code, a.signal FROM attempts a "
                            "JOIN runs r ON r.key = a.run_key ORDER BY r.experiment, r.seed, a.number");
    std::vector<std::string> rows;
    while (query.executeStep()) {
      std::string row = query.getColumn(0).getString() + " seed=" + query.getColumn(1).getString() + " #" +
                        query.getColumn(2).getString() + " " + query.getColumn(3).getString();
      if (!query.getColumn(4).isNull()) row += " exit=" + query.getColumn(4).getString();
      if (!query.getColumn(5).isNull()) row += " signal=" + query.getColumn(5).getString();
      rows.push_back(row);
    }
    return rows;
  }

  // The verdict column of the terminal table, per claim.
  static std::map<std::string, std::string> Verdicts(const std::string& table) {
    std::map<std::string, std::string> verdicts;
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line) && !line.empty();) {
      std::string claim = line.substr(0, line.find(' '));
      std::string verdict = line.substr(line.find_last_of(' ') + 1);
      if (claim != "claim") verdicts[claim] = verdict;
    }
    return verdicts;
  }

  ScopedTempDir dir_;
};

TEST_F(CliTest, RunStoresEveryOutcomeAndJudgesEveryClaim) {
  testing::CommandResult run = RunRepro({"run", "toy.yaml", "-j", "2"}, dir_.path());
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(Verdicts(run.out), (std::map<std::string, std::string>{{"good", "reproduced"},
                                                                   {"wrong", "not-reproduced"},
                                                                   {"crash", "failed"},
                                                                   {"hang", "failed"},
                                                                   {"silent", "missing"},
                                                                   {"json", "reproduced"},
                                                                   {"json-tight", "inconclusive"},
                                                                   {"good-beats-wrong", "reproduced"},
                                                                   {"order", "reproduced"}}))
      << run.out;
  EXPECT_NE(run.out.find(
                "good: measured 0.9100 ± 0.0100 (n=3), claimed 0.91: 0.0000 off, allowed ±0.025; 90% interval [0.8931, "
                "0.9269] inside [0.885, 0.935] (TOST p=0.025): reproduced"),
            std::string::npos)
      << run.out;
  EXPECT_NE(
      run.out.find(
          "json-tight: measured 0.80500 ± 0.00707 (n=2), claimed 0.805: 0.00000 off, allowed ±0.0105; 90% interval "
          "[0.77343, 0.83657] is wider than the band [0.7945, 0.8155] (TOST p=0.14): inconclusive; the mean "
          "is inside the band, and about 2 more seeds would likely confirm it"),
      std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("hang: 1 of 1 runs did not finish: hang seed=0 timeout (signal 15)"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("4 of 9 claims reproduced; 1 not-reproduced, 1 inconclusive, 2 failed, 1 missing"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(
      Attempts(),
      (std::vector<std::string>{
          "crash seed=0 #1 failed exit=3", "good seed=0 #1 completed exit=0", "good seed=1 #1 completed exit=0",
          "good seed=2 #1 completed exit=0", "hang seed=0 #1 timeout signal=15", "json seed=0 #1 completed exit=0",
          "json seed=1 #1 completed exit=0", "silent seed=0 #1 completed exit=0", "wrong seed=0 #1 completed exit=0"}));
  std::string crash_dir = (dir_ / "results/toy/crash").string();
  EXPECT_NE(run.err.find("crash seed=0: failed (exit 3)"), std::string::npos) << run.err;

  // Running again re-runs only what did not complete, as new attempts.
  testing::CommandResult again = RunRepro({"run", "toy.yaml"}, dir_.path());
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("7 of 9 runs already completed; not running them again (use --force to)"), std::string::npos)
      << again.err;
  std::vector<std::string> attempts = Attempts();
  EXPECT_EQ(attempts.size(), 11u);
  EXPECT_NE(std::find(attempts.begin(), attempts.end(), "crash seed=0 #2 failed exit=3"), attempts.end());
}

TEST_F(CliTest, EveryAttemptNamesTheEnvironmentItRanIn) {
  EXPECT_EQ(RunRepro({"run", "toy.yaml"}, dir_.path()).exit_code, 1);
  SQLite::Database db(Db(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM environments").getInt(), 1);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM attempts a JOIN environments e ON e.sha256 = a.environment").getInt(),
            db.execAndGet("SELECT count(*) FROM attempts").getInt());
  testing::CommandResult printed = RunRepro({"fingerprint", "toy.yaml"}, dir_.path());
  EXPECT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_NE(printed.out.find(db.execAndGet("SELECT sha256 FROM environments").getString()), std::string::npos)
      << "repro fingerprint prints the environment the runs recorded: " << printed.out;
}

TEST_F(CliTest, AClaimThatDidNotReproduceShowsHowTheEnvironmentDiffersFromThePaper) {
  std::string manifest = ReadText(dir_ / "toy.yaml");
  manifest.replace(manifest.find("arxiv: \"0000.00000\"}"), 20,
                   "arxiv: \"0000.00000\", environment: {os: Windows 95, gpu: V100}}");
  testing::WriteText(dir_ / "toy.yaml", manifest);
  EXPECT_EQ(RunRepro({"run", "toy.yaml"}, dir_.path()).exit_code, 1);
  testing::CommandResult compare = RunRepro({"compare", "toy.yaml"}, dir_.path());
  EXPECT_NE(compare.out.find("wrong: measured 0.500 (n=1), claimed 0.9"), std::string::npos) << compare.out;
  EXPECT_NE(compare.out.find("  environment: the paper used os Windows 95; these runs used os "), std::string::npos)
      << compare.out;
  EXPECT_NE(compare.out.find("  environment: the paper used gpu V100; these runs used gpu "), std::string::npos)
      << compare.out;
  size_t good = compare.out.find("\ngood:");
  ASSERT_NE(good, std::string::npos) << compare.out;
  EXPECT_NE(compare.out.substr(good + 1, compare.out.find('\n', good + 1) - good).find("reproduced"),
            std::string::npos);
  EXPECT_NE(compare.out.substr(compare.out.find('\n', good + 1) + 1, 13), "  environment")
      << "none under a reproduced claim";
}

TEST_F(CliTest, DiffPutsTwoReproductionsSideBySide) {
  std::string other = ReadText(dir_ / "toy.yaml");
  other.replace(other.find("train.sh, good,"), 15, "train.sh, wrong,");  // the same claims, other numbers
  testing::WriteText(dir_ / "other.yaml", other);
  RunRepro({"run", "toy.yaml"}, dir_.path());
  RunRepro({"run", "other.yaml"}, dir_.path());
  testing::CommandResult diff = RunRepro({"diff", "toy.yaml", "other.yaml"}, dir_.path());
  EXPECT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_NE(diff.out.find("good              0.9100 ± 0.0100 (n=3)    0.5000 ± 0.0000 (n=3)    -0.41  no: they differ  "
                          "  reproduced      not-reproduced"),
            std::string::npos)
      << diff.out;
  EXPECT_NE(diff.out.find("environment: the same on both sides"), std::string::npos) << diff.out;
  testing::CommandResult html =
      RunRepro({"diff", "toy.yaml", "other.yaml", "--format", "html", "-o", "diff.html"}, dir_.path());
  EXPECT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(ReadText(dir_ / "diff.html").find("<table id=\"diff\">"), std::string::npos);

  std::filesystem::copy_file(Db(), dir_ / "copy.db");
  testing::CommandResult databases = RunRepro({"diff", "results/repro.db", "copy.db"}, dir_.path());
  EXPECT_EQ(databases.exit_code, 2);
  EXPECT_NE(databases.err.find("add --manifest MANIFEST"), std::string::npos) << databases.err;
  testing::CommandResult same =
      RunRepro({"diff", "results/repro.db", "copy.db", "--manifest", "toy.yaml", "--format", "md"}, dir_.path());
  EXPECT_NE(
      same.out.find("| good | 0.9100 ± 0.0100 (n=3) | 0.9100 ± 0.0100 (n=3) | +0 | yes | reproduced | reproduced |"),
      std::string::npos)
      << same.out;
}

TEST_F(CliTest, CompareAndReportsReadOnlyTheStore) {
  RunRepro({"run", "toy.yaml"}, dir_.path());
  testing::CommandResult compare = RunRepro({"compare", "toy.yaml", "--json"}, dir_.path());
  EXPECT_EQ(compare.exit_code, 1);
  nlohmann::json json = nlohmann::json::parse(compare.out);
  EXPECT_EQ(json["format"], "repro-report");
  EXPECT_EQ(json["version"], 1);
  EXPECT_EQ(json["summary"]["reproduced"], 4);
  EXPECT_EQ(json["summary"]["inconclusive"], 1);
  EXPECT_EQ(json["claims"][0]["summary"]["n"], 3);
  EXPECT_EQ(json["claims"][0]["test"], "TOST");
  EXPECT_EQ(json["claims"][7]["kind"], "comparison");
  EXPECT_EQ(json["claims"][8]["parts"].size(), 2u);
  EXPECT_EQ(json["claims"][0]["runs"].size(), 3u);

  testing::CommandResult md = RunRepro({"report", "toy.yaml", "--format", "md", "-o", "report.md"}, dir_.path());
  EXPECT_EQ(md.exit_code, 0) << md.err;
  std::string report = ReadText(dir_ / "report.md");
  EXPECT_NE(report.find("# Reproduction report: A toy paper"), std::string::npos);
  EXPECT_NE(report.find("[arXiv:0000.00000](https://arxiv.org/abs/0000.00000)"), std::string::npos);
  EXPECT_NE(report.find("| `good` | Table 1, row good | 0.91 | 0.9100 ± 0.0100 (n=3) | \\[0.8852, 0.9348\\] | +0.0000 "
                        "| **reproduced** |"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("## Runs that did not finish"), std::string::npos);
  EXPECT_NE(report.find("| crash seed=0 | failed (exit 3) | `" + (dir_ / "results/toy/crash").string()),
            std::string::npos)
      << report;

  testing::CommandResult json_report = RunRepro({"report", "toy.yaml", "--format", "json"}, dir_.path());
  EXPECT_EQ(nlohmann::json::parse(json_report.out)["unfinished_runs"].size(), 2u);
}

TEST_F(CliTest, ShowAndLogsFindAnAttemptByKeyPrefix) {
  RunRepro({"run", "toy.yaml"}, dir_.path());
  std::string key;
  {
    SQLite::Database db(Db(), SQLite::OPEN_READONLY);
    key = db.execAndGet("SELECT key FROM runs WHERE label = 'good seed=1'").getString();
  }
  testing::CommandResult show = RunRepro({"show", key.substr(0, 10)}, dir_.path());
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("good seed=1"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("1 of run; completed in "), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("  acc                  0.91                     1 point"), std::string::npos) << show.out;
  testing::CommandResult series = RunRepro({"show", key.substr(0, 10), "--series", "acc"}, dir_.path());
  EXPECT_EQ(series.out, "step\tvalue\tstd\tflag\n0\t0.91\t\tok\n");
  testing::CommandResult logs = RunRepro({"logs", key.substr(0, 10)}, dir_.path());
  EXPECT_EQ(logs.out, "epoch 1 acc=0.5\nfinal acc=0.91\n");
  testing::CommandResult missing = RunRepro({"show", "ffffffff"}, dir_.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no run key starts with 'ffffffff'"), std::string::npos);
}

TEST_F(CliTest, ValidateReportsAllThreeMistakesWithPositions) {
  testing::CommandResult result = RunRepro({"validate", "three-mistakes.yaml"}, dir_.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(
                "three-mistakes.yaml:10:13: claim 'table1/mlp' names unknown metric 'accuracy' of experiment 'mlp'"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(
                "three-mistakes.yaml:12:5: unknown key 'tolerence' in claim 'table1/mlp' (did you mean 'tolerance'?)"),
            std::string::npos)
      << result.err;
  EXPECT_NE(
      result.err.find(
          "three-mistakes.yaml:13:13: 'better' in claim 'table1/mlp' must be one of higher, lower, either, got 'more'"),
      std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("three-mistakes.yaml: 3 errors"), std::string::npos) << result.err;
  EXPECT_EQ(RunRepro({"validate", "toy.yaml"}, dir_.path()).exit_code, 0);
  EXPECT_EQ(RunRepro({"run", "three-mistakes.yaml"}, dir_.path()).exit_code, 2);
  EXPECT_EQ(RunRepro({"run"}, dir_.path()).exit_code, 2) << "usage error";
}

// Starts repro in the background; the caller signals and reaps it.
std::optional<int> WaitForFile(const std::filesystem::path& path, double seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    std::string text = ReadText(path);
    if (!text.empty() && text.back() == '\n') return std::stoi(text);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

bool GoneWithin(pid_t pid, double seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::string stat = ReadText("/proc/" + std::to_string(pid) + "/stat");
    if (stat.find(") Z") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::filesystem::path PidFile(const ScopedTempDir& dir) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "results")) {
    if (entry.path().filename() == "pid") return entry.path();
  }
  return {};
}

TEST_F(CliTest, KillDashNineLosesNothingAndTheChildDiesWithTheRunner) {
  testing::WriteText(dir_ / "pause.marker", "");
  pid_t runner = SpawnRepro({"run", "pause.yaml"}, dir_.path());
  std::filesystem::path pid_file;
  for (int i = 0; i < 100 && pid_file.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::exists(dir_ / "results")) pid_file = PidFile(dir_);
  }
  ASSERT_FALSE(pid_file.empty()) << ReadText(dir_ / "runner.log");
  std::optional<int> child = WaitForFile(pid_file, 5);
  ASSERT_TRUE(child.has_value());
  ::kill(runner, SIGKILL);
  ::waitpid(runner, nullptr, 0);
  EXPECT_TRUE(GoneWithin(*child, 2.0)) << "the attempt outlived its runner";

  std::filesystem::remove(dir_ / "pause.marker");
  testing::CommandResult resumed = RunRepro({"run", "pause.yaml"}, dir_.path());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("1 attempt(s) of an earlier runner that stopped were marked interrupted"),
            std::string::npos)
      << resumed.err;
  EXPECT_EQ(Attempts(), (std::vector<std::string>{"pause seed=0 #1 interrupted", "pause seed=0 #2 completed exit=0"}));
}

// reliability.md (b) 15: kill -9 of the runner at random moments, many times, then a clean
// run. The database must pass integrity_check, hold no attempt still "running", and every
// completed attempt must have its whole series and its value: nothing half-written.
TEST_F(CliTest, KillDashNineAtRandomMomentsNeverLeavesHalfWrittenRows) {
#ifdef REPRO_SANITIZED
  // Fewer rounds over a longer window: each start is several times slower here, and the
  // kills must still reach past it into running attempts.
  const int rounds = 40, window_us = 1000000;
#else
  const int rounds = 200, window_us = 300000;
#endif
  // One uninterrupted run into another folder times a whole run on this machine, now: every
  // tenth round then lives for a quarter to all of it, so some rounds complete attempts however
  // slow the machine is (a fixed window alone missed every completion under CI load).
  auto calibration_start = std::chrono::steady_clock::now();
  ASSERT_EQ(RunRepro({"run", "crash-loop.yaml", "-j", "2", "-q", "--results", "calibration"}, dir_.path()).exit_code,
            0);
  auto whole_run_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - calibration_start)
          .count();
  std::filesystem::remove_all(dir_ / "calibration");
  std::mt19937 rng(2026);
  for (int round = 0; round < rounds; ++round) {
    pid_t runner = SpawnRepro({"run", "crash-loop.yaml", "-j", "2", "--force", "-q"}, dir_.path());
    auto lifetime = round % 10 == 9 ? std::uniform_int_distribution<int64_t>(whole_run_us / 4, whole_run_us)(rng)
                                    : std::uniform_int_distribution<int64_t>(0, window_us)(rng);
    std::this_thread::sleep_for(std::chrono::microseconds(lifetime));
    ::kill(runner, SIGKILL);
    ::waitpid(runner, nullptr, 0);
  }
  testing::CommandResult final_run = RunRepro({"run", "crash-loop.yaml", "-j", "2"}, dir_.path());
  EXPECT_EQ(final_run.exit_code, 0) << final_run.err;

  SQLite::Database db(Db(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM attempts WHERE status = 'running'").getInt(), 0);
  EXPECT_EQ(db.execAndGet("SELECT count(DISTINCT run_key) FROM attempts WHERE status = 'completed'").getInt(), 16);
  int completed = db.execAndGet("SELECT count(*) FROM attempts WHERE status = 'completed'").getInt();
  EXPECT_GT(completed, 16) << "some rounds lived long enough to complete attempts";
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM attempts a JOIN metric_values v ON v.attempt_id = a.id "
                          "WHERE a.status = 'completed' AND v.name = 'acc' AND v.points = 200 AND v.value = 0.199")
                .getInt(),
            completed);
  SQLite::Statement series(
      db,
      "SELECT a.id, (SELECT coalesce(sum(s.points), 0) FROM series_chunks s WHERE s.attempt_id = a.id) "
      "FROM attempts a WHERE a.status = 'completed'");
  while (series.executeStep())
    EXPECT_EQ(series.getColumn(1).getInt(), 200) << "attempt " << series.getColumn(0).getInt();
  int statuses_unexplained =
      db.execAndGet("SELECT count(*) FROM attempts WHERE status NOT IN ('completed', 'interrupted')").getInt();
  EXPECT_EQ(statuses_unexplained, 0);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string cmdline = ReadText(entry.path() / "cmdline");
    EXPECT_EQ(cmdline.find(dir_.path().string()), std::string::npos) << "left running: " << cmdline;
  }
}

TEST_F(CliTest, CtrlCInterruptsRecordsAndExits130) {
  testing::WriteText(dir_ / "pause.marker", "");
  pid_t runner = SpawnRepro({"run", "pause.yaml", "--kill-grace", "1"}, dir_.path());
  std::filesystem::path pid_file;
  for (int i = 0; i < 100 && pid_file.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::exists(dir_ / "results")) pid_file = PidFile(dir_);
  }
  ASSERT_FALSE(pid_file.empty());
  std::optional<int> child = WaitForFile(pid_file, 5);
  ASSERT_TRUE(child.has_value());
  ::kill(runner, SIGINT);
  int status = 0;
  ::waitpid(runner, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << ReadText(dir_ / "runner.log");
  EXPECT_TRUE(GoneWithin(*child, 2.0));
  EXPECT_EQ(Attempts(), (std::vector<std::string>{"pause seed=0 #1 interrupted signal=15"}));
}

TEST_F(CliTest, TwoRunnersOnOneDatabaseNeverRunARunTwice) {
  pid_t first = SpawnRepro({"run", "concurrent.yaml", "-j", "2"}, dir_.path());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  testing::CommandResult second = RunRepro({"run", "concurrent.yaml", "-j", "2"}, dir_.path());
  int status = 0;
  ::waitpid(first, &status, 0);
  std::vector<std::string> attempts = Attempts();
  EXPECT_EQ(attempts.size(), 6u) << second.err << ReadText(dir_ / "runner.log");
  for (const std::string& attempt : attempts) EXPECT_NE(attempt.find("#1 completed"), std::string::npos) << attempt;
  std::string both = second.err + ReadText(dir_ / "runner.log");
  EXPECT_EQ(both.find("database is locked"), std::string::npos) << both;
  EXPECT_EQ(RunRepro({"compare", "concurrent.yaml"}, dir_.path()).exit_code, 0);
}

TEST_F(CliTest, EachAttemptWritesOnlyIntoItsOwnWorkingCopy) {
  testing::WriteText(dir_ / "code/notes.txt", "shipped with the code\n");
  std::string before = ReadText(dir_ / "code/notes.txt");
  testing::CommandResult run = RunRepro({"run", "scribble.yaml", "-j", "3"}, dir_.path());
  EXPECT_EQ(ReadText(dir_ / "code/notes.txt"), before) << "the source folder is never written";
  std::vector<std::string> attempts = Attempts();
  ASSERT_EQ(attempts.size(), 3u) << run.err;
  EXPECT_EQ(attempts[1], "scribble seed=1 #1 failed exit=1");
  std::vector<std::filesystem::path> kept;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "results")) {
    if (entry.path().filename() == "work") kept.push_back(entry.path());
  }
  ASSERT_EQ(kept.size(), 1u) << "only the failed attempt keeps its working copy";
  EXPECT_NE(kept[0].string().find("seed-1_"), std::string::npos) << kept[0];
  EXPECT_EQ(ReadText(kept[0] / "notes.txt"), before + "seed 1\n");
  EXPECT_EQ(ReadText(kept[0] / "train.sh"), ReadText(dir_ / "code/train.sh"));
  EXPECT_EQ(std::filesystem::status(kept[0] / "train.sh").permissions(),
            std::filesystem::status(dir_ / "code/train.sh").permissions());
  SQLite::Database db(Db(), SQLite::OPEN_READONLY);
  SQLite::Statement lines(db, "SELECT value FROM metric_values WHERE name = 'lines'");
  int attempts_seen = 0;
  while (lines.executeStep()) {
    ++attempts_seen;
    EXPECT_EQ(lines.getColumn(0).getDouble(), 2) << "each saw the shipped line and its own, nobody else's";
  }
  EXPECT_EQ(attempts_seen, 3);

  EXPECT_EQ(RunRepro({"run", "scribble.yaml", "--force", "--keep-work"}, dir_.path()).exit_code, 1);
  int work_folders = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "results")) {
    work_folders += entry.path().filename() == "work";
  }
  EXPECT_EQ(work_folders, 4) << "--keep-work keeps the three new copies too";
}

TEST_F(CliTest, AnAttemptOverItsMemoryIsOutOfMemoryAndTheOthersComplete) {
  REPRO_REQUIRE(static_cast<bool>(Cgroup::Create("probe", {64 << 20, 100})),
                "writable cgroups (root, or a delegated cgroup v2 group)");
  testing::CommandResult run = RunRepro({"run", "limits.yaml", "-j", "2"}, dir_.path());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(Attempts(),
            (std::vector<std::string>{"good seed=0 #1 completed exit=0", "hog seed=0 #1 out-of-memory signal=9"}));
  EXPECT_NE(run.err.find("hog seed=0: out-of-memory (signal 9)"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("hog seed=0 out-of-memory (signal 9)"), std::string::npos) << run.out;
}

TEST_F(CliTest, ASandboxedAttemptSeesItsOwnProcessesNoNetworkAndWritesOnlyItsFolder) {
  REPRO_REQUIRE(CheckSandbox(), "bubblewrap able to create namespaces (package bubblewrap; root or user namespaces)");
  auto measured = [&]() {
    std::map<std::string, double> values;
    SQLite::Database db(Db(), SQLite::OPEN_READONLY);
    SQLite::Statement query(db,
                            "SELECT name, value FROM metric_values WHERE attempt_id = (SELECT max(id) FROM attempts)");
    while (query.executeStep()) values[query.getColumn(0).getString()] = query.getColumn(1).getDouble();
    return values;
  };
  testing::CommandResult run = RunRepro({"run", "sandbox.yaml", "--keep-work"}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("isolation: sandbox"), std::string::npos) << run.err;
  std::map<std::string, double> inside = measured();
  EXPECT_LE(inside["processes"], 6) << "its own PID namespace: bwrap's init, sh, a subshell, ls and grep";
  EXPECT_EQ(inside["interfaces"], 1) << "loopback only";
  EXPECT_EQ(inside["source_write"], 0);
  EXPECT_EQ(inside["work_write"], 1);
  EXPECT_EQ(inside["out_write"], 1);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "code/ESCAPED"));

  testing::CommandResult plain = RunRepro({"run", "sandbox.yaml", "--force", "--isolation", "none"}, dir_.path());
  EXPECT_EQ(plain.exit_code, 1) << "without the sandbox the probe writes into the source: " << plain.err;
  EXPECT_EQ(measured()["source_write"], 1);
  EXPECT_GT(measured()["processes"], 6);
}

class InjectionTest : public CliTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(InjectionTest, ParameterValuesArriveVerbatimAsOneArgument) {
  testing::CommandResult run = RunRepro({"run", GetParam()}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "code/INJECTED"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "INJECTED"));
  std::set<std::string> received;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "results")) {
    if (entry.path().filename() == "arg") received.insert(ReadText(entry.path()));
  }
  EXPECT_EQ(received, (std::set<std::string>{"1; touch INJECTED", "$(touch INJECTED)", "`touch INJECTED`",
                                             "'; touch INJECTED; '", "--output=/etc/passwd", "-rf", "a b\nc"}));
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutShell, InjectionTest,
                         ::testing::Values("injection.yaml", "injection-shell.yaml"));

TEST(ExamplesTest, MnistOneDManifestValidates) {
  testing::CommandResult result = RunRepro({"validate", "experiments/mnist1d.yaml"}, REPRO_SOURCE_DIR);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "experiments/mnist1d.yaml: ok (4 experiments, 24 runs, 8 claims)\n");
}

// The ledger of real papers: each manifest in experiments/ validates as it is committed.
TEST(ExamplesTest, EveryPaperManifestValidates) {
  int manifests = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(REPRO_SOURCE_DIR) / "experiments")) {
    if (entry.path().extension() != ".yaml") continue;
    ++manifests;
    std::string relative = "experiments/" + entry.path().filename().string();
    testing::CommandResult result = RunRepro({"validate", relative}, REPRO_SOURCE_DIR);
    EXPECT_EQ(result.exit_code, 0) << relative << ":\n" << result.err;
    EXPECT_EQ(result.out.rfind(relative + ": ok (", 0), 0u) << result.out;
  }
  EXPECT_GE(manifests, 1);
}

TEST(ExamplesTest, SklearnExampleReproducesBothClaims) {
  bool has_sklearn = testing::DebianPythonImports("sklearn");
  REPRO_REQUIRE(has_sklearn, "/usr/bin/python3 with scikit-learn (Debian package python3-sklearn)");
  ScopedTempDir results;
  std::string manifest =
      (std::filesystem::path(REPRO_SOURCE_DIR) / "experiments/examples/sklearn-svm/repro.yaml").string();
  testing::CommandResult result = RunRepro({"run", manifest, "--results", results.path().string()}, results.path());
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("2 of 2 claims reproduced"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace repro
