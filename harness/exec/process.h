// Supervises child processes: each in its own session and process group, stdin from
// /dev/null, only fds 0-2 inherited, killed if the runner dies, output streamed to log
// files and to an output callback, a wall-clock timeout that ends the whole tree, and exit
// code and signal kept apart. One poll loop serves every child (ninja's SubprocessSet).
// A tree is its process group plus every process carrying the attempt's REPRO_TREE token
// in its environment, so descendants that called setsid() are ended too; the runner is a
// child subreaper, so such orphans come back to it rather than to init (subreaper.h says
// who reaps them). A set reaps only its own children, by pid: sets and RunProcess calls
// can live side by side without taking each other's children.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/exec/interrupts.h"
#include "harness/metrics/extract.h"

namespace repro {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up on the child's PATH
  std::filesystem::path cwd;
  std::vector<std::string> env;  // "NAME=value": the child's whole environment
  std::filesystem::path stdout_path, stderr_path;
  double timeout_seconds = 0;     // 0: no limit
  double kill_grace_seconds = 5;  // between SIGTERM and SIGKILL
  // Each log file keeps at most this many bytes (0: no limit): the head, a line saying how
  // much was cut, and the tail. Metric extraction still sees every line.
  int64_t log_cap_bytes = 0;
  // Enforced on the whole tree through a cgroup (see cgroup.h); 0: no limit. Where no
  // cgroup can be made, a memory limit that was asked for is noted as not enforced.
  int64_t memory_limit_bytes = 0;
  int64_t max_processes = 0;
  // The child's stdin: this file, read-only (a helper that reads only stdin, such as
  // ssh-keygen -Y verify); empty: /dev/null.
  std::filesystem::path stdin_path;
};

enum class ProcessEnd { kExited, kSignaled, kTimedOut, kInterrupted, kStartFailed, kOutOfMemory, kProcessLimit };

struct ProcessResult {
  ProcessEnd end = ProcessEnd::kStartFailed;
  std::optional<int> exit_code;  // set when the process exited
  std::optional<int> signal;     // set when a signal ended it; never folded into 128+n
  double wall_seconds = 0;
  double cpu_seconds = 0;  // user + system time of the process and the descendants it waited for
  long peak_rss_kib = 0;   // the largest resident set among them
  std::string message;     // why it could not start, or what went wrong around it
};

// Receives each stream's output as it is read, in chunks; an empty chunk ends the stream.
using OutputCallback = std::function<void(StreamId, std::string_view chunk)>;

class ProcessSet {
 public:
  ProcessSet();
  ~ProcessSet();  // ends every child still running
  ProcessSet(const ProcessSet&) = delete;
  ProcessSet& operator=(const ProcessSet&) = delete;

  // Starts a child and returns its handle. A child that cannot start still gets a handle;
  // WaitAny reports it as kStartFailed with the reason.
  int Start(const ProcessSpec& spec, OutputCallback on_output);

  // Blocks until some child has finished and its output is drained; nullopt when none runs.
  std::optional<std::pair<int, ProcessResult>> WaitAny();

  size_t size() const { return children_.size(); }

  // Ends every child (SIGTERM to its group, the grace period, then SIGKILL); they finish
  // as kInterrupted. Called on the first Ctrl-C; a second one kills at once.
  void InterruptAll();

 private:
  struct Child;
  static std::optional<std::filesystem::path> OpenLogsAndFindExecutable(Child& c);
  void Poll();
  void ReapExited(double now);
  void EndRestOfTree(Child& child, double now);
  // Reaps orphans (subreaper.h) when "now_or_later" or when the last sweep is a while ago.
  void SweepOrphans(double now, bool now_or_later);
  void FinishDrained(double now);
  void HandleSignals();
  void CheckDeadlines(double now);
  std::map<int, std::unique_ptr<Child>> children_;
  int next_handle_ = 1;
  std::vector<char> read_buffer_;
  double next_orphan_sweep_ = 0;
};

// Runs one process to completion (for setup steps and helper commands like git).
ProcessResult RunProcess(const ProcessSpec& spec, OutputCallback on_output = {});

const char* ProcessEndName(ProcessEnd end);

}  // namespace repro
