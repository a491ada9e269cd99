// The supervisor's own tests: real processes, small shell scripts.
#include "harness/exec/process.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <thread>

#include "harness/exec/cgroup.h"
#include "harness/exec/environment.h"
#include "harness/exec/subreaper.h"
#include "harness/util/time.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ReadText;
using testing::ScopedTempDir;

class ProcessTest : public ::testing::Test {
 protected:
  ProcessSpec Shell(const std::string& script, double timeout = 20) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.cwd = dir_.path();
    spec.env = BuildChildEnvironment({}, {});
    spec.stdout_path = dir_ / "stdout.log";
    spec.stderr_path = dir_ / "stderr.log";
    spec.timeout_seconds = timeout;
    spec.kill_grace_seconds = 0.5;
    return spec;
  }

  static bool Alive(pid_t pid) {
    std::string stat = ReadText("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty()) return false;
    size_t close = stat.rfind(')');
    return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
  }

  // Waits up to "seconds" for "pid" to be gone.
  static bool GoneWithin(pid_t pid, double seconds) {
    for (int i = 0; i < seconds * 20; ++i) {
      if (!Alive(pid)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !Alive(pid);
  }

  ScopedTempDir dir_;
};

// A set reaps only its own children: a RunProcess call made while a set's child runs used
// to reap that child too (a wait for any child), and the set's WaitAny() never returned.
// The scenario runs in a child process under an alarm, so a regression fails, not hangs.
TEST_F(ProcessTest, RunProcessLeavesALiveSetsChildToTheSet) {
  auto scenario = [&] {
    ::alarm(20);
    ProcessSet set;
    int handle = set.Start(Shell("sleep 0.2; exit 7"), {});
    ProcessSpec helper_spec = Shell("sleep 1; exit 3");
    helper_spec.stdout_path = dir_ / "helper.stdout.log";
    helper_spec.stderr_path = dir_ / "helper.stderr.log";
    ProcessResult helper = RunProcess(helper_spec);
    std::optional<std::pair<int, ProcessResult>> done = set.WaitAny();
    bool own_child_returned = done && done->first == handle && done->second.exit_code == 7;
    std::_Exit(helper.exit_code == 3 && own_child_returned ? 0 : 1);
  };
  EXPECT_EXIT(scenario(), ::testing::ExitedWithCode(0), "");
}

// An orphan (a grandchild that setsid()s away and outlives its parent) is re-parented to
// this process, the subreaper; it is killed with its tree and then reaped, not left a zombie.
TEST_F(ProcessTest, AnOrphanOfAnAttemptIsKilledAndReaped) {
  ProcessResult result = RunProcess(Shell("setsid sh -c 'echo $$ > orphan.pid; exec sleep 30' & sleep 0.2; exit 0"));
  EXPECT_EQ(result.exit_code, 0);
  pid_t orphan = std::stoi(ReadText(dir_ / "orphan.pid"));
  bool reaped = false;
  for (int i = 0; i < 100 && !reaped; ++i) {
    ReapOrphans();
    reaped = !std::filesystem::exists("/proc/" + std::to_string(orphan));
    if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(reaped) << "pid " << orphan << " is still there (a zombie nobody reaped?)";
}

TEST_F(ProcessTest, ExitCodeAndSignalAreKeptApart) {
  ProcessResult exited = RunProcess(Shell("exit 3"));
  EXPECT_EQ(exited.end, ProcessEnd::kExited);
  EXPECT_EQ(exited.exit_code, 3);
  EXPECT_FALSE(exited.signal.has_value());

  ProcessResult segv = RunProcess(Shell("kill -SEGV $$"));
  EXPECT_EQ(segv.end, ProcessEnd::kSignaled);
  EXPECT_EQ(segv.signal, SIGSEGV);
  EXPECT_FALSE(segv.exit_code.has_value()) << "never folded into 128+n";

  // A shell reporting a child's death as 128+n is an ordinary exit code to us.
  ProcessResult shell_code = RunProcess(Shell("exit 139"));
  EXPECT_EQ(shell_code.end, ProcessEnd::kExited);
  EXPECT_EQ(shell_code.exit_code, 139);
}

TEST_F(ProcessTest, OutputGoesToLogsAndToTheCallbackThenEndsWithAnEmptyChunk) {
  std::string seen[2];
  int ends[2] = {0, 0};
  ProcessResult result =
      RunProcess(Shell("echo out1; echo err1 >&2; printf 'no newline'"), [&](StreamId stream, std::string_view chunk) {
        int i = stream == StreamId::kStdout ? 0 : 1;
        EXPECT_EQ(ends[i], 0) << "nothing after the end of a stream";
        if (chunk.empty()) ++ends[i];
        seen[i] += chunk;
      });
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(ReadText(dir_ / "stdout.log"), "out1\nno newline");
  EXPECT_EQ(ReadText(dir_ / "stderr.log"), "err1\n");
  EXPECT_EQ(seen[0], "out1\nno newline");
  EXPECT_EQ(seen[1], "err1\n");
  EXPECT_EQ(ends[0], 1);
  EXPECT_EQ(ends[1], 1);
}

TEST_F(ProcessTest, ChildGetsNullStdinOnlyThreeFdsAndItsOwnSession) {
  RunProcess(Shell(
      "read x && echo got || echo eof; ls /proc/self/fd | wc -l; "
      "[ \"$(cut -d' ' -f6 /proc/self/stat)\" = \"$(cut -d' ' -f6 /proc/$PPID/stat)\" ] && echo same || echo own"));
  // ls sees 0, 1, 2 and the fd it opened to read the folder.
  EXPECT_EQ(ReadText(dir_ / "stdout.log"), "eof\n4\nown\n");
}

TEST_F(ProcessTest, TimeoutEndsTheWholeGroupEvenWhenItIgnoresSigterm) {
  std::string script =
      "sh -c 'trap \"\" TERM; echo $$ > grandchild.pid; while :; do sleep 1; done' & "
      "trap '' TERM; while :; do sleep 1; done";
  auto start = std::chrono::steady_clock::now();
  ProcessResult result = RunProcess(Shell(script, /*timeout=*/1.0));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(result.end, ProcessEnd::kTimedOut);
  EXPECT_EQ(result.signal, SIGKILL) << "TERM was ignored, so KILL ended it";
  EXPECT_LT(elapsed, 5.0);
  pid_t grandchild = std::stoi(ReadText(dir_ / "grandchild.pid"));
  EXPECT_TRUE(GoneWithin(grandchild, 2.0)) << "grandchild " << grandchild << " survived";
}

TEST_F(ProcessTest, BothStreamsFloodingDoNotDeadlock) {
  ProcessResult result = RunProcess(Shell("head -c 20000000 /dev/zero & head -c 20000000 /dev/zero >&2; wait"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(std::filesystem::file_size(dir_ / "stdout.log"), 20000000u);
  EXPECT_EQ(std::filesystem::file_size(dir_ / "stderr.log"), 20000000u);
}

// reliability.md (b) 6: a 100 MB line without a newline, then a metric line. The line is cut
// for parsing at 1 MiB (memory stays bounded), the run is not failed for it, and the metric
// after it is still found.
TEST_F(ProcessTest, AHundredMegabyteLineIsCutForParsingAndTheNextLineStillCounts) {
  ProcessSpec spec =
      Shell("head -c 100000000 /dev/zero | tr '\\0' a; printf '\\nacc=0.5\\n'; head -c 3000000 /dev/zero >&2");
  spec.log_cap_bytes = 4 << 20;
  MetricSpec acc;
  acc.name = "acc";
  acc.pattern = "acc=(?<value>\\S+)";
  MetricCollector collector({acc});
  ProcessResult result =
      RunProcess(spec, [&](StreamId stream, std::string_view chunk) { collector.OnOutput(stream, chunk); });
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(collector.overlong_lines(StreamId::kStdout), 1u);
  std::vector<MetricValue> values = collector.Finish([](const MetricSpec&) { return std::filesystem::path(); }, "/");
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].value, 0.5);
  EXPECT_LT(std::filesystem::file_size(dir_ / "stdout.log"), (4u << 20) + 200) << "the log is capped too";
}

TEST_F(ProcessTest, CappedLogsKeepHeadAndTailAndTheParserSeesEverything) {
  ProcessSpec spec = Shell("seq 1 1000000 | tee expected.txt; seq 1 200 >&2");
  spec.log_cap_bytes = 1 << 20;  // head 768 KiB, tail 256 KiB (the tail's ceiling)
  int64_t lines = 0;
  ProcessResult result = RunProcess(spec, [&](StreamId stream, std::string_view chunk) {
    if (stream == StreamId::kStdout) lines += std::count(chunk.begin(), chunk.end(), '\n');
  });
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(lines, 1000000) << "extraction sees every line, capped or not";
  std::string expected = ReadText(dir_ / "expected.txt"), log = ReadText(dir_ / "stdout.log");
  size_t head = 768 * 1024, tail = 256 * 1024;
  ASSERT_GT(log.size(), head + tail);
  EXPECT_LT(log.size(), head + tail + 200);
  EXPECT_EQ(log.substr(0, head), expected.substr(0, head));
  EXPECT_EQ(log.substr(log.size() - tail), expected.substr(expected.size() - tail));
  EXPECT_NE(log.find(fmt::format("[repro: {} bytes cut here; the log keeps the first {} and the last {} bytes]",
                                 expected.size() - head - tail, head, tail)),
            std::string::npos);
  EXPECT_EQ(ReadText(dir_ / "stderr.log").size(), 692u) << "a stream under the cap is kept whole";
  EXPECT_NE(result.message.find("stdout log capped"), std::string::npos) << result.message;
}

TEST_F(ProcessTest, ClosingStdoutEarlyDoesNotEndTheWait) {
  ProcessResult result = RunProcess(Shell("exec 1>&- 2>&-; sleep 1; exit 3"));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_GE(result.wall_seconds, 0.9);
}

TEST_F(ProcessTest, ADaemonHoldingThePipesIsEndedWithItsAttempt) {
  ProcessResult result = RunProcess(Shell("setsid sh -c 'echo $$ > daemon.pid; sleep 30' & sleep 0.2; exit 0"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_LT(result.wall_seconds, 5.0);
  EXPECT_EQ(result.message, "ended 2 process(es) the attempt left running outside its process group");
  EXPECT_TRUE(GoneWithin(std::stoi(ReadText(dir_ / "daemon.pid")), 2.0));
}

TEST_F(ProcessTest, TimeoutEndsAGrandchildThatEscapedWithSetsidAndIgnoresSigterm) {
  std::string script =
      "setsid sh -c 'trap \"\" TERM; echo $$ > escaped.pid; while :; do sleep 1; done' & "
      "while :; do sleep 1; done";
  ProcessResult result = RunProcess(Shell(script, /*timeout=*/1.0));
  EXPECT_EQ(result.end, ProcessEnd::kTimedOut);
  pid_t escaped = std::stoi(ReadText(dir_ / "escaped.pid"));
  EXPECT_TRUE(GoneWithin(escaped, 2.0)) << "escaped grandchild " << escaped << " survived";
}

TEST_F(ProcessTest, CpuTimeAndPeakMemoryAreRecorded) {
  ProcessResult result = RunProcess(Shell("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_GT(result.cpu_seconds, 0.05);
  EXPECT_LE(result.cpu_seconds, result.wall_seconds + 0.05);
  EXPECT_GT(result.peak_rss_kib, 100);
}

TEST_F(ProcessTest, CommandsThatCannotStartSayWhy) {
  ProcessSpec spec = Shell("true");
  spec.argv = {"no-such-program-xyz"};
  ProcessResult result = RunProcess(spec);
  EXPECT_EQ(result.end, ProcessEnd::kStartFailed);
  EXPECT_NE(result.message.find("command 'no-such-program-xyz' not found on the child's PATH"), std::string::npos)
      << result.message;

  spec.argv = {"/bin/true"};
  spec.cwd = dir_ / "missing";
  ProcessResult no_folder = RunProcess(spec);
  EXPECT_EQ(no_folder.end, ProcessEnd::kStartFailed);
  EXPECT_EQ(no_folder.message, "working folder " + (dir_ / "missing").string() + " does not exist");
}

TEST_F(ProcessTest, InterruptEndsEveryChildAsInterrupted) {
  ProcessSet set;
  ProcessSpec first = Shell("sleep 30");
  ProcessSpec second = Shell("trap '' TERM; sleep 30");
  second.stdout_path = dir_ / "second.out";
  second.stderr_path = dir_ / "second.err";
  set.Start(first, {});
  set.Start(second, {});
  set.InterruptAll();
  for (int i = 0; i < 2; ++i) {
    std::optional<std::pair<int, ProcessResult>> done = set.WaitAny();
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->second.end, ProcessEnd::kInterrupted);
    EXPECT_LT(done->second.wall_seconds, 5.0);
  }
  EXPECT_FALSE(set.WaitAny().has_value());
}

}  // namespace
}  // namespace repro

namespace repro {
namespace {

bool CgroupsWork() {
  Result<std::unique_ptr<Cgroup>> probe = Cgroup::Create("probe", {64 << 20, 100});
  return static_cast<bool>(probe);
}

// Live processes whose command line holds "marker".
int CountProcessesWith(const std::string& marker) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    if (!std::isdigit(static_cast<unsigned char>(entry.path().filename().string()[0]))) continue;
    count += ReadText(entry.path() / "cmdline").find(marker) != std::string::npos ? 1 : 0;
  }
  return count;
}

TEST_F(ProcessTest, AMemoryHogEndsOutOfMemoryAtItsLimitWhileOthersGoOn) {
  REPRO_REQUIRE(CgroupsWork(), "writable cgroups (root, or a cgroup v2 group delegating memory and pids)");
  ProcessSpec hog = Shell("exec awk 'BEGIN { s = \"x\"; while (1) s = s s }'");
  hog.memory_limit_bytes = 64 << 20;
  hog.max_processes = 100;
  ProcessSpec neighbour = Shell("sleep 1; echo fine");
  neighbour.stdout_path = dir_ / "neighbour.log";
  neighbour.stderr_path = dir_ / "neighbour.err";
  ProcessSet set;
  int hog_handle = set.Start(hog, {});
  set.Start(neighbour, {});
  std::map<int, ProcessResult> results;
  while (auto done = set.WaitAny()) results[done->first] = done->second;
  const ProcessResult& ended = results[hog_handle];
  EXPECT_EQ(ended.end, ProcessEnd::kOutOfMemory) << ended.message;
  EXPECT_EQ(ended.signal, SIGKILL);
  EXPECT_NE(ended.message.find("OOM killer ended 1 process(es) of this attempt at its memory limit of 64 MiB"),
            std::string::npos)
      << ended.message;
  EXPECT_LT(ended.wall_seconds, 10);
  const ProcessResult& other = results[hog_handle == 1 ? 2 : 1];
  EXPECT_EQ(other.end, ProcessEnd::kExited);
  EXPECT_EQ(other.exit_code, 0);
  EXPECT_EQ(ReadText(dir_ / "neighbour.log"), "fine\n");
}

TEST_F(ProcessTest, AForkBombStopsAtTheProcessLimitAndIsEndedWhole) {
  REPRO_REQUIRE(CgroupsWork(), "writable cgroups (root, or a cgroup v2 group delegating memory and pids)");
  std::string marker = "# bomb of " + dir_.path().string();  // in every copy's command line
  ProcessSpec bomb = Shell("bomb() { bomb & bomb & wait; }; bomb; sleep 60 " + marker, /*timeout=*/3);
  bomb.max_processes = 64;
  double start = MonotonicSeconds();
  ProcessResult result = RunProcess(bomb);
  EXPECT_EQ(result.end, ProcessEnd::kProcessLimit) << result.message;
  EXPECT_NE(result.message.find("a fork failed at the limit of 64 processes and threads"), std::string::npos)
      << result.message;
  EXPECT_LT(MonotonicSeconds() - start, 3 + 0.5 + 3) << "ended within its timeout and grace, the runner kept up";
  EXPECT_EQ(CountProcessesWith(marker), 0) << "nothing of the bomb is left";
}

TEST_F(ProcessTest, WithoutALimitNoCgroupIsMade) {
  ProcessResult result = RunProcess(Shell("cat /proc/self/cgroup"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(ReadText(dir_ / "stdout.log").find("repro-"), std::string::npos);
}

}  // namespace
}  // namespace repro
