// Released code as an attacker writes it: what it prints, the files it leaves, the symlinks it
// plants, the processes it hides, and the results folder it finds. The runner must survive
// all of it, never read or write outside its folders, and never leave a process behind.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/metrics/extract.h"
#include "harness/util/confined_file.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::SpawnRepro;
using testing::WriteText;

// A fixture "paper" whose script misbehaves as its first argument says.
constexpr const char* kHostileScript = R"SH(#!/bin/sh
mode=$1 out=$2 top=$3
case "$mode" in
  deep_stdout) python3 -c "print('{\"acc\": ' + '[' * 100000 + ']' * 100000 + '}')"; echo '{"loss": 0.5}' ;;
  deep_file)   python3 -c "print('{\"acc\": ' + '[' * 100000 + ']' * 100000 + '}')" > "$out/m.json" ;;
  dev_zero)    ln -s /dev/zero "$out/m.json" ;;
  fifo)        mkfifo "$out/m.json" ;;
  outside)     ln -s "$top/secret.json" "$out/m.json" ;;
  regex_limit) python3 -c "print('a' * 40)"; echo "final acc=0.9" ;;
  # A grandchild that leaves the group and the session and ignores SIGTERM, then waits.
  escape)      setsid sh -c 'trap "" TERM; echo $$ > "$0/escaped.pid"; while :; do sleep 0.1; done' "$out" &
               while [ ! -e "$out/escaped.pid" ]; do sleep 0.05; done
               while [ -e "$top/pause.marker" ]; do sleep 0.1; done; echo "final acc=0.9" ;;
  good)        echo "final acc=0.9" ;;
esac
)SH";

std::string Manifest(const std::string& mode, const std::string& metric) {
  return "paper: {title: Hostile}\n"
         "source: {path: code}\n"
         "defaults: {timeout: 60s, deterministic: true}\n"
         "experiments:\n"
         "  - id: " +
         mode +
         "\n"
         "    command: [/bin/sh, hostile.sh, " +
         mode +
         ", \"{out}\", \"{manifest_dir}\"]\n"
         "    seeds: [0]\n"
         "    metrics: {" +
         metric +
         "}\n"
         "claims:\n"
         "  - {id: c, experiment: " +
         mode + ", metric: acc, reported: \"0.9\"}\n";
}

class HostileRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteText(dir_ / "code/hostile.sh", kHostileScript, /*executable=*/true); }

  // The flag and message of metric "name" of the latest attempt.
  std::pair<std::string, std::string> Metric(const std::string& name) const {
    SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement query(db,
                            "SELECT flag, message FROM metric_values WHERE name = ? ORDER BY attempt_id DESC LIMIT 1");
    query.bind(1, name);
    if (!query.executeStep()) return {"absent", ""};
    return {query.getColumn(0).getString(), query.getColumn(1).getString()};
  }
  std::string AttemptStatus() const {
    SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT group_concat(status) FROM attempts").getString();
  }

  ScopedTempDir dir_;
};

bool GoneWithin(pid_t pid, double seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (::kill(pid, 0) != 0) return true;
    if (ReadText("/proc/" + std::to_string(pid) + "/stat").find(") Z") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::optional<pid_t> WaitForPid(const std::filesystem::path& file, double seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    std::string text = ReadText(file);
    if (!text.empty() && text.back() == '\n') return static_cast<pid_t>(std::stol(text));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

std::filesystem::path FindFile(const std::filesystem::path& root, const std::string& name) {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == name) return it->path();
  }
  return {};
}

TEST_F(HostileRunnerTest, HostileJsonNestedDeepOnStdoutIsAFlaggedMetricNotACrash) {
  WriteText(dir_ / "m.yaml",
            Manifest("deep_stdout", "acc: {stream: stdout, jsonl: acc}, loss: {stream: stdout, jsonl: loss}"));
  testing::CommandResult run = RunRepro({"run", "m.yaml"}, dir_.path());
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the claim is missing; the runner did not crash
  EXPECT_EQ(AttemptStatus(), "completed");
  auto [flag, message] = Metric("acc");
  EXPECT_EQ(flag, "missing");
  EXPECT_NE(message.find("nested deeper than 256 levels"), std::string::npos) << message;
  EXPECT_EQ(Metric("loss").first, "ok");  // the lines after it were still read
  testing::CommandResult again = RunRepro({"run", "m.yaml"}, dir_.path());
  EXPECT_EQ(again.exit_code, 1) << again.err;
}

TEST_F(HostileRunnerTest, HostileJsonNestedDeepInAMetricFileIsAFlaggedMetric) {
  WriteText(dir_ / "m.yaml", Manifest("deep_file", "acc: {file: \"{out}/m.json\", json: /acc}"));
  testing::CommandResult run = RunRepro({"run", "m.yaml"}, dir_.path());
  EXPECT_EQ(run.exit_code, 1) << run.err;
  auto [flag, message] = Metric("acc");
  EXPECT_EQ(flag, "missing");
  EXPECT_NE(message.find("nested deeper than 256 levels"), std::string::npos) << message;
}

TEST_F(HostileRunnerTest, HostileMetricFilesThatAreDevicesFifosOrLinksOutAreRefusedByName) {
  WriteText(dir_ / "secret.json", "{\"acc\": 0.9}");
  struct Case {
    std::string mode, expected;
  };
  for (const Case& c :
       {Case{"dev_zero", "leads out of"}, Case{"fifo", "is a FIFO; not read"}, Case{"outside", "leads out of"}}) {
    WriteText(dir_ / "m.yaml", Manifest(c.mode, "acc: {file: \"{out}/m.json\", json: /acc}"));
    auto started = std::chrono::steady_clock::now();
    testing::CommandResult run = RunRepro({"run", "m.yaml"}, dir_.path());
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(run.exit_code, 1) << c.mode << ": " << run.err;
    EXPECT_LT(seconds, 60) << c.mode << " blocked the runner";
    auto [flag, message] = Metric("acc");
    EXPECT_EQ(flag, "missing") << c.mode;
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.mode << ": " << message;
    testing::CommandResult compare = RunRepro({"compare", "m.yaml"}, dir_.path());
    EXPECT_NE(compare.out.find(c.expected), std::string::npos) << c.mode << ": the claim's reason names it\n"
                                                               << compare.out;
  }
}

TEST_F(HostileRunnerTest, HostileMetricFileLimitIsSetPerMetricWithMaxSize) {
  WriteText(dir_ / "secret.json", "{\"acc\": 0.9}");
  std::string manifest = Manifest("deep_file", "acc: {file: \"{out}/m.json\", json: /acc, max_size: 1K}");
  WriteText(dir_ / "m.yaml", manifest);
  testing::CommandResult run = RunRepro({"run", "m.yaml"}, dir_.path());
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(Metric("acc").second.find("more than the limit of 1 KiB (a metric's max_size raises it)"),
            std::string::npos)
      << Metric("acc").second;

  WriteText(dir_ / "bad.yaml", Manifest("good", "acc: {stdout: 'acc=(?<value>\\S+)', max_size: 1K}"));
  testing::CommandResult bad = RunRepro({"validate", "bad.yaml"}, dir_.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("'max_size' in metric 'acc' of experiment 'good' only goes with 'file'"), std::string::npos)
      << bad.err;
}

TEST(HostileMetrics, HostileRegexLimitOnOneLineDoesNotHideTheLinesAfterIt) {
  MetricSpec spec;
  spec.name = "acc";
  spec.pattern = R"(^(?:(a+)+b|final acc=(?<value>\S+)))";  // catastrophic on a line of a's
  for (bool whole_chunk : {true, false}) {
    MetricCollector collector({spec});
    std::string text = std::string(40, 'a') + "\nfinal acc=0.9\n";
    if (whole_chunk) {
      collector.OnOutput(StreamId::kStdout, text);
      collector.OnOutput(StreamId::kStdout, "");
    } else {
      collector.OnLine(StreamId::kStdout, std::string(40, 'a'));
      collector.OnLine(StreamId::kStdout, "final acc=0.9");
    }
    std::vector<MetricValue> values = collector.Finish([](const MetricSpec&) { return std::filesystem::path(); }, "/");
    ASSERT_EQ(values.size(), 1u);
    EXPECT_EQ(values[0].flag, ValueFlag::kOk) << values[0].message;
    EXPECT_DOUBLE_EQ(values[0].value.value_or(-1), 0.9);
    std::vector<std::string> notes = collector.AttemptNotes();
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("match limit on 1 line(s)"), std::string::npos) << notes[0];
  }
}

TEST(HostileMetrics, HostileMetricFileOverItsLimitIsRefusedAndStreamedFormatsAreBounded) {
  ScopedTempDir dir;
  WriteText(dir / "big.json", "{\"acc\": " + std::string(1000, ' ') + "0.9}");
  WriteText(dir / "log.jsonl", "{\"acc\": 0.5}\n" + std::string(17 << 20, 'x') + "\n{\"acc\": 0.7}\n");
  MetricSpec json;
  json.name = "acc";
  json.source = MetricSource::kJson;
  json.file = "big.json";
  json.selector = "/acc";
  json.max_bytes = 100;
  MetricSpec lines = json;
  lines.name = "acc_lines";
  lines.source = MetricSource::kJsonLines;
  lines.file = "log.jsonl";
  lines.selector = "acc";
  lines.max_bytes = 0;
  MetricCollector collector({json, lines});
  std::vector<MetricValue> values =
      collector.Finish([&](const MetricSpec& spec) { return dir / spec.file; }, dir.path());
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].flag, ValueFlag::kMissing);
  EXPECT_NE(values[0].message.find("more than the limit of 100 B"), std::string::npos) << values[0].message;
  EXPECT_EQ(values[1].flag, ValueFlag::kOk) << values[1].message;
  EXPECT_DOUBLE_EQ(values[1].value.value_or(-1), 0.7);
  EXPECT_EQ(values[1].points, 2);
  EXPECT_NE(values[1].message.find("1 line(s) longer than 16 MiB skipped"), std::string::npos) << values[1].message;
}

TEST(HostileConfinedFiles, HostileWritesThroughPlantedSymlinksAreConfinedOrRefused) {
  ScopedTempDir dir;
  WriteText(dir / "outside/target.txt", "precious");
  WriteText(dir / "new.txt", "added");
  WriteText(dir / "root/keep.txt", "");
  std::filesystem::create_symlink(dir / "outside/target.txt", dir / "root/config.txt");
  std::filesystem::create_symlink(dir / "outside", dir / "root/link");

  // A file that is a symlink is replaced, not written through.
  Status replaced = ReplaceFileBeneath(dir / "root", "config.txt", dir / "new.txt");
  ASSERT_TRUE(replaced.ok()) << replaced.error();
  EXPECT_EQ(ReadText(dir / "outside/target.txt"), "precious");
  EXPECT_FALSE(std::filesystem::is_symlink(dir / "root/config.txt"));
  EXPECT_EQ(ReadText(dir / "root/config.txt"), "added");

  // A folder that is a symlink out of the tree is refused, for files and links alike.
  Status through_link = ReplaceFileBeneath(dir / "root", "link/x.txt", dir / "new.txt");
  ASSERT_FALSE(through_link.ok());
  EXPECT_NE(through_link.error().find("link"), std::string::npos) << through_link.error();
  EXPECT_FALSE(std::filesystem::exists(dir / "outside/x.txt"));
  EXPECT_FALSE(ReplaceWithSymlinkBeneath(dir / "root", "link/data.bin", dir / "new.txt").ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "outside/data.bin"));
  EXPECT_FALSE(MakeDirectoriesBeneath(dir / "root", "link/sub").ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "outside/sub"));

  // Reads: a regular file beneath is read; one reached through a link out is not.
  EXPECT_TRUE(ReadConfinedFile(dir / "root", dir / "root/config.txt", 100).ok());
  EXPECT_FALSE(ReadConfinedFile(dir / "root", dir / "root/link/target.txt", 100).ok());
  EXPECT_FALSE(ReadConfinedFile(dir / "root", dir / "root/../outside/target.txt", 100).ok());
}

TEST_F(HostileRunnerTest, HostileSourceFileReplacingAReleaseSymlinkNeverWritesOutside) {
  WriteText(dir_ / "outside.txt", "precious");
  WriteText(dir_ / "driver.txt", "replacement");
  std::filesystem::create_symlink(dir_ / "outside.txt", dir_ / "code/config.txt");
  std::string manifest = Manifest("good", "acc: {stdout: 'final acc=(?<value>\\S+)'}");
  manifest.replace(manifest.find("source: {path: code}"), 20,
                   "source: {path: code, files: [{from: driver.txt, to: config.txt}]}");
  WriteText(dir_ / "m.yaml", manifest);
  testing::CommandResult run = RunRepro({"run", "m.yaml"}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ReadText(dir_ / "outside.txt"), "precious");
}

// The runner dies by kill -9: a grandchild that left its group and session and ignores
// SIGTERM must still be gone within 2 s, without the sandbox.
TEST_F(HostileRunnerTest, HostileEscapedGrandchildDiesWithAKilledRunner) {
  WriteText(dir_ / "pause.marker", "");
  WriteText(dir_ / "m.yaml", Manifest("escape", "acc: {stdout: 'final acc=(?<value>\\S+)'}"));
  pid_t runner = SpawnRepro({"run", "m.yaml"}, dir_.path());
  std::optional<pid_t> escaped;
  for (int i = 0; i < 200 && !escaped; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::path file = FindFile(dir_ / "results", "escaped.pid"); !file.empty())
      escaped = WaitForPid(file, 5);
  }
  ASSERT_TRUE(escaped.has_value()) << ReadText(dir_ / "runner.log");
  ::kill(runner, SIGKILL);
  ::waitpid(runner, nullptr, 0);
  EXPECT_TRUE(GoneWithin(*escaped, 2.0)) << "an escaped grandchild outlived its runner";
  if (!GoneWithin(*escaped, 0)) ::kill(*escaped, SIGKILL);
}

// When the guard dies with the runner, the next run that marks the attempt interrupted ends
// what is left of it.
TEST_F(HostileRunnerTest, HostileLeftoversOfADeadRunnerAreEndedByTheNextRun) {
  WriteText(dir_ / "pause.marker", "");
  WriteText(dir_ / "m.yaml", Manifest("escape", "acc: {stdout: 'final acc=(?<value>\\S+)'}"));
  pid_t runner = SpawnRepro({"run", "m.yaml"}, dir_.path());
  std::optional<pid_t> escaped;
  for (int i = 0; i < 200 && !escaped; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::path file = FindFile(dir_ / "results", "escaped.pid"); !file.empty())
      escaped = WaitForPid(file, 5);
  }
  ASSERT_TRUE(escaped.has_value()) << ReadText(dir_ / "runner.log");
  // Stop the guard first, so that only the next run can end the grandchild.
  std::string children = ReadText(fmt::format("/proc/{}/task/{}/children", runner, runner));
  std::istringstream list(children);
  for (pid_t child; list >> child;) {
    if (ReadText(fmt::format("/proc/{}/comm", child)).rfind("repro-guard", 0) == 0) ::kill(child, SIGSTOP);
  }
  ::kill(runner, SIGKILL);
  ::waitpid(runner, nullptr, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(*escaped, 0), 0) << "the guard was stopped; the grandchild should still run";
  std::filesystem::remove(dir_ / "pause.marker");
  testing::CommandResult next = RunRepro({"run", "m.yaml"}, dir_.path());
  EXPECT_NE(next.err.find("marked interrupted"), std::string::npos) << next.err;
  // (Run beside other tests, another repro's sweep of dead runners' cgroups may end it first.)
  EXPECT_TRUE(GoneWithin(*escaped, 2.0));
  if (!GoneWithin(*escaped, 0)) ::kill(*escaped, SIGKILL);
}

TEST_F(HostileRunnerTest, HostileEmptiedDatabaseBesideAttemptFoldersIsAnErrorAndNothingIsOverwritten) {
  WriteText(dir_ / "m.yaml", Manifest("good", "acc: {stdout: 'final acc=(?<value>\\S+)'}"));
  testing::CommandResult first = RunRepro({"run", "m.yaml"}, dir_.path());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::filesystem::path log = FindFile(dir_ / "results", "stdout.log");
  ASSERT_FALSE(log.empty());
  WriteText(log, "the old attempt's log\n");
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(dir_ / ("results/repro.db" + std::string(suffix)));
  WriteText(dir_ / "results/repro.db", "");  // zero bytes
  testing::CommandResult second = RunRepro({"run", "m.yaml"}, dir_.path());
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_NE(second.err.find("already exists, but the database has no record of that attempt"), std::string::npos)
      << second.err;
  EXPECT_EQ(ReadText(log), "the old attempt's log\n");
}

TEST_F(HostileRunnerTest, HostileReadOnlyCommandsOnAMissingDatabaseSayNothingIsThereAndCreateNothing) {
  WriteText(dir_ / "m.yaml", Manifest("good", "acc: {stdout: 'final acc=(?<value>\\S+)'}"));
  for (const std::vector<std::string>& args : {std::vector<std::string>{"compare", "m.yaml", "--results", "nowhere"},
                                               std::vector<std::string>{"report", "m.yaml", "--results", "nowhere"},
                                               std::vector<std::string>{"show", "abc", "--results", "nowhere"}}) {
    testing::CommandResult result = RunRepro(args, dir_.path());
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.err;
    EXPECT_NE(result.err.find("no database at nowhere/repro.db"), std::string::npos) << args[0] << ": " << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "nowhere")) << args[0] << " created the results folder";
  }
}

TEST_F(HostileRunnerTest, HostileReadOnlyCommandsLeaveTheDatabaseAsTheyFoundIt) {
  WriteText(dir_ / "m.yaml", Manifest("good", "acc: {stdout: 'final acc=(?<value>\\S+)'}"));
  ASSERT_EQ(RunRepro({"run", "m.yaml"}, dir_.path()).exit_code, 0);
  size_t before = std::hash<std::string>()(ReadText(dir_ / "results/repro.db"));
  testing::CommandResult compare = RunRepro({"compare", "m.yaml"}, dir_.path());
  EXPECT_EQ(compare.exit_code, 0) << compare.err;
  EXPECT_EQ(std::hash<std::string>()(ReadText(dir_ / "results/repro.db")), before) << "compare changed the database";
}

}  // namespace
}  // namespace repro
