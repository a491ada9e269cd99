#include "harness/exec/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/handles.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <boost/process/start_dir.hpp>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "harness/exec/cgroup.h"
#include "harness/exec/command.h"
#include "harness/exec/log_cap.h"
#include "harness/exec/process_tree.h"
#include "harness/exec/subreaper.h"
#include "harness/exec/tree_guard.h"
#include "harness/util/time.h"
#include "harness/util/units.h"

namespace bp = boost::process;

namespace repro {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();
// After the direct child exits, how long to wait for pipes held open by processes that
// escaped its group (a daemonising grandchild) before giving up on them.
constexpr double kDrainSeconds = 2.0;
// Without pidfd support, how often to look for exited children.
constexpr int kReapPollMs = 50;
// While a set waits, how often it reaps orphans at the least (see subreaper.h).
constexpr double kOrphanSweepSeconds = 1.0;
constexpr int kPipeBytes = 1 << 20;
constexpr size_t kReadBytes = 256 * 1024;

// Marks every fd above 2 close-on-exec, so the child keeps only stdin, stdout and stderr:
// no database handle, no other attempt's pipes (which would keep them from seeing EOF).
// Boost.Process's own limit_handles cannot do this in Boost 1.74: it closes the redirected
// pipes too (boostorg/process#282, fixed in 1.85) and breaks exec error reporting (#202).
void CloseInheritedFds() {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  struct rlimit limit {};
  rlim_t max_fd = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? std::min<rlim_t>(limit.rlim_cur, 1 << 20) : 1024;
  for (int fd = 3; fd < static_cast<int>(max_fd); ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// Runs in the child between fork and exec: only async-signal-safe calls.
void PrepareChild(pid_t runner, const std::vector<int>& cgroup_join_fds) {
  // Join the attempt's cgroup first, so that everything it starts is born inside.
  for (int fd : cgroup_join_fds) (void)!::write(fd, "0", 1);
  ::setsid();  // own session and process group: no terminal signals, one group to kill
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != runner) ::_exit(125);  // the runner died before prctl took effect
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);  // the runner ignores SIGPIPE; the child must not inherit that
  CloseInheritedFds();
}

int OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  return -1;
#endif
}

std::string EnvValue(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& entry : env) {
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '=') {
      return entry.substr(name.size() + 1);
    }
  }
  return "";
}

// argv[0] as a path: kept when it names a file with a slash, else looked up on the
// child's own PATH (not the runner's), so the manifest's env decides which python runs.
std::optional<std::filesystem::path> ResolveExecutable(const ProcessSpec& spec) {
  const std::string& name = spec.argv.front();
  if (name.find('/') != std::string::npos) {
    std::filesystem::path path = name;
    return path.is_absolute() ? path : spec.cwd / path;
  }
  return FindOnPath(name, EnvValue(spec.env, "PATH"));
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

const char* ProcessEndName(ProcessEnd end) {
  switch (end) {
    case ProcessEnd::kExited:
      return "exited";
    case ProcessEnd::kSignaled:
      return "signaled";
    case ProcessEnd::kTimedOut:
      return "timed out";
    case ProcessEnd::kInterrupted:
      return "interrupted";
    case ProcessEnd::kStartFailed:
      return "start failed";
    case ProcessEnd::kOutOfMemory:
      return "out of memory";
    case ProcessEnd::kProcessLimit:
      return "process limit";
  }
  return "?";
}

struct ProcessSet::Child {
  ProcessSpec spec;
  OutputCallback on_output;
  pid_t pid = -1;
  int pidfd = -1;
  int fds[2] = {-1, -1};   // read ends of the stdout and stderr pipes
  int logs[2] = {-1, -1};  // log files
  bool log_failed[2] = {false, false};
  std::optional<LogCap> caps[2];  // set in Start, from spec.log_cap_bytes
  double started = 0, timeout_at = kNever, kill_at = kNever, drain_until = kNever;
  bool timed_out = false, interrupted = false, reaped = false;
  int wait_status = 0;
  struct rusage usage {};
  std::string tree_token;
  std::unique_ptr<Cgroup> cgroup;  // when limits were asked for and the system allows
  int strays_killed = 0;
  std::string notes;
  std::optional<ProcessResult> result;

  ~Child() {
    for (int i = 0; i < 2; ++i) {
      CloseFd(fds[i]);
      CloseFd(logs[i]);
    }
    CloseFd(pidfd);
    if (pid > 0 && !reaped) {
      SignalTree(SIGKILL);
      ::waitpid(pid, nullptr, 0);
      ReleaseChild(pid);
    }
    if (!tree_token.empty()) ForgetTree(tree_token);
  }

  void Deliver(int stream, std::string_view chunk) {
    if (on_output) on_output(stream == 0 ? StreamId::kStdout : StreamId::kStderr, chunk);
  }

  void Note(const std::string& note) { notes += (notes.empty() ? "" : "; ") + note; }

  const char* StreamName(int stream) const { return stream == 0 ? "stdout" : "stderr"; }

  void WriteLog(int stream, std::string_view bytes) {
    if (log_failed[stream] || bytes.empty()) return;
    if (::write(logs[stream], bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      log_failed[stream] = true;
      Note(fmt::format("{} log incomplete: {}", StreamName(stream), std::strerror(errno)));
    }
  }

  // Sends output to the log: the head goes to the file at once, what comes after is kept
  // as a bounded tail and written when the stream ends (FinishLog).
  void Log(int stream, std::string_view bytes) { WriteLog(stream, caps[stream]->Head(bytes)); }

  void FinishLog(int stream) {
    LogCap::Ending ending = caps[stream]->Finish();
    if (ending.cut > 0)
      Note(fmt::format("{} log capped: {} of {} bytes kept", StreamName(stream), ending.kept, ending.seen));
    WriteLog(stream, ending.text);
  }

  void Fail(std::string message) {
    result = ProcessResult{};
    result->end = ProcessEnd::kStartFailed;
    result->message = std::move(message);
  }

  void Signal(int signal_number) {
    if (pid > 0 && !reaped) SignalTree(signal_number);
  }

  // The process group, and every process carrying this tree's token: descendants that
  // called setsid() left the group but not the environment. Returns how many of the
  // latter were signalled. "scan" false skips the /proc scan when nothing can have escaped.
  int SignalTree(int signal_number, bool scan = true) {
    ::killpg(pid, signal_number);
    if (cgroup && signal_number == SIGKILL) cgroup->KillAll();
    if (cgroup && signal_number != SIGKILL) {
      for (pid_t member : cgroup->Members()) ::kill(member, signal_number);
    }
    if (!scan) return 0;
    int strays = 0;
    for (pid_t other : ProcessesWithToken(tree_token)) {
      if (other == pid) continue;
      if (::kill(other, signal_number) == 0) ++strays;
    }
    return strays;
  }
};

ProcessSet::ProcessSet() {
  // Descendants that escape an attempt's group are re-parented here, not to init, so they
  // stay in reach; ReapOrphans (called from Poll) reaps them.
  BecomeSubreaper();
}
ProcessSet::~ProcessSet() {
  children_.clear();  // kills and reaps what still runs
  ReapOrphans();
}

// What can fail before a fork, checked first so that a failure costs no process: the
// command, its log files, its working folder and its executable. Marks "c" failed and
// returns nullopt on the first that fails.
std::optional<std::filesystem::path> ProcessSet::OpenLogsAndFindExecutable(Child& c) {
  const ProcessSpec& spec = c.spec;
  if (spec.argv.empty()) {
    c.Fail("empty command");
    return std::nullopt;
  }
  const std::filesystem::path* log_paths[2] = {&spec.stdout_path, &spec.stderr_path};
  for (int i = 0; i < 2; ++i) {
    c.logs[i] = ::open(log_paths[i]->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (c.logs[i] < 0) {
      c.Fail(fmt::format("cannot create log file {}: {}", log_paths[i]->string(), std::strerror(errno)));
      return std::nullopt;
    }
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(spec.cwd, ec)) {
    c.Fail(fmt::format("working folder {} does not exist", spec.cwd.string()));
    return std::nullopt;
  }
  std::optional<std::filesystem::path> exe = ResolveExecutable(spec);
  if (!exe) {
    c.Fail(
        fmt::format("command '{}' not found on the child's PATH ({})", spec.argv.front(), EnvValue(spec.env, "PATH")));
    return std::nullopt;
  }
  return exe;
}

int ProcessSet::Start(const ProcessSpec& spec, OutputCallback on_output) {
  int handle = next_handle_++;
  auto child = std::make_unique<Child>();
  Child& c = *child;
  children_[handle] = std::move(child);
  c.spec = spec;
  c.on_output = std::move(on_output);
  c.started = MonotonicSeconds();
  for (auto& cap : c.caps) cap.emplace(spec.log_cap_bytes);
  std::optional<std::filesystem::path> exe = OpenLogsAndFindExecutable(c);
  if (!exe) return handle;
  c.tree_token = NewTreeToken(handle);
  bp::environment env;
  env[kTreeVariable] = c.tree_token;
  for (const std::string& entry : spec.env) {
    size_t eq = entry.find('=');
    if (eq != std::string::npos && eq > 0) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  if (spec.memory_limit_bytes > 0 || spec.max_processes > 0) {
    Result<std::unique_ptr<Cgroup>> group =
        Cgroup::Create(std::to_string(handle), {spec.memory_limit_bytes, spec.max_processes});
    if (group)
      c.cgroup = std::move(group).value();
    else if (spec.memory_limit_bytes > 0)
      c.Note("memory limit not enforced: " + group.error());
  }
  // Sent before the fork, so that no moment exists in which the tree runs unguarded.
  WatchTree(c.tree_token, c.cgroup ? c.cgroup->dirs() : std::vector<std::string>{});
  static const std::vector<int> kNoFds;
  const std::vector<int>& join_fds = c.cgroup ? c.cgroup->join_fds() : kNoFds;
  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  bp::pipe out_pipe, err_pipe;
  pid_t runner = ::getpid();
  std::error_code ec;
  bp::child process(
      bp::exe = exe->string(), bp::args = args, bp::start_dir = spec.cwd.string(), env,
      bp::std_in<(spec.stdin_path.empty() ? std::string("/dev/null") : spec.stdin_path.string()), bp::std_out> out_pipe,
      bp::std_err > err_pipe,
      bp::extend::on_exec_setup = [runner, &join_fds](auto&) { PrepareChild(runner, join_fds); }, ec);
  if (c.cgroup) c.cgroup->CloseJoinFds();
  if (ec) {
    c.Fail(fmt::format("cannot start '{}' in {}: {}", exe->string(), spec.cwd.string(), ec.message()));
    return handle;
  }
  c.pid = process.id();
  process.detach();  // this set reaps the child itself, keeping exit code and signal apart
  ClaimChild(c.pid);
  c.fds[0] = ::fcntl(out_pipe.native_source(), F_DUPFD_CLOEXEC, 3);
  c.fds[1] = ::fcntl(err_pipe.native_source(), F_DUPFD_CLOEXEC, 3);
  // A 1 MiB pipe means fewer wake-ups per byte: 2-4x the throughput of the default 64 KiB.
  // Best effort: the system limit (/proc/sys/fs/pipe-max-size) may refuse it.
  for (int fd : c.fds) ::fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
  c.pidfd = OpenPidfd(c.pid);
  if (spec.timeout_seconds > 0) c.timeout_at = c.started + spec.timeout_seconds;
  return handle;
}

void ProcessSet::InterruptAll() {
  double now = MonotonicSeconds();
  for (auto& [handle, child] : children_) {
    if (child->result || child->reaped || child->interrupted) continue;
    child->interrupted = true;
    child->Signal(SIGTERM);
    child->kill_at = std::min(child->kill_at, now + child->spec.kill_grace_seconds);
  }
}

void ProcessSet::HandleSignals() {
  DrainInterruptPipe();
  InterruptAll();
  if (InterruptCount() >= 2) {
    for (auto& [handle, child] : children_) child->Signal(SIGKILL);
  }
}

void ProcessSet::CheckDeadlines(double now) {
  for (auto& [handle, child] : children_) {
    Child& c = *child;
    if (c.result || c.reaped) continue;
    if (!c.timed_out && !c.interrupted && now >= c.timeout_at) {
      c.timed_out = true;
      c.Signal(SIGTERM);
      c.kill_at = now + c.spec.kill_grace_seconds;
    }
    if (now >= c.kill_at) {
      c.Signal(SIGKILL);
      c.kill_at = kNever;
    }
  }
}

void ProcessSet::Poll() {
  std::vector<pollfd> fds;
  std::vector<std::pair<Child*, int>> owners;  // which child and which fd: 0/1 stream, 2 pidfd, -1 signals
  if (InterruptPipeFd() >= 0) {
    fds.push_back({InterruptPipeFd(), POLLIN, 0});
    owners.emplace_back(nullptr, -1);
  }
  double now = MonotonicSeconds();
  double next = kNever;
  bool must_poll_for_exit = false;
  for (auto& [handle, child] : children_) {
    Child& c = *child;
    if (c.result) continue;
    for (int i = 0; i < 2; ++i) {
      if (c.fds[i] >= 0) {
        fds.push_back({c.fds[i], POLLIN, 0});
        owners.emplace_back(&c, i);
      }
    }
    if (!c.reaped && c.pidfd >= 0) {
      fds.push_back({c.pidfd, POLLIN, 0});
      owners.emplace_back(&c, 2);
    }
    must_poll_for_exit |= !c.reaped && c.pidfd < 0;
    next = std::min({next, c.reaped ? kNever : c.timeout_at, c.kill_at, c.drain_until});
  }
  next = std::min(next, next_orphan_sweep_);
  int timeout_ms = -1;
  if (next != kNever) timeout_ms = static_cast<int>(std::ceil(std::max(0.0, next - now) * 1000));
  if (must_poll_for_exit && (timeout_ms < 0 || timeout_ms > kReapPollMs)) timeout_ms = kReapPollMs;
  int ready = ::poll(fds.data(), fds.size(), timeout_ms);
  if (ready < 0 && errno != EINTR) return;
  std::vector<char>& buffer = read_buffer_;
  buffer.resize(kReadBytes);
  for (size_t k = 0; ready > 0 && k < fds.size(); ++k) {
    if (fds[k].revents == 0) continue;
    auto [c, which] = owners[k];
    if (which == -1) {
      HandleSignals();
    } else if (which == 2) {
      // Exit is handled below by wait4 on each child's pid alike.
    } else {
      ssize_t n = ::read(c->fds[which], buffer.data(), buffer.size());
      if (n > 0) {
        std::string_view chunk(buffer.data(), static_cast<size_t>(n));
        c->Log(which, chunk);
        c->Deliver(which, chunk);
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        CloseFd(c->fds[which]);
        c->Deliver(which, {});
        c->FinishLog(which);
      }
    }
  }
  now = MonotonicSeconds();
  ReapExited(now);
  CheckDeadlines(now);
  FinishDrained(now);
}

// Ends the result of each reaped child whose output is drained, or has drained as long as
// it may (a background process that escaped its group can hold the pipes).
void ProcessSet::FinishDrained(double now) {
  for (auto& [handle, child] : children_) {
    Child& c = *child;
    if (c.result || !c.reaped) continue;
    bool drained = c.fds[0] < 0 && c.fds[1] < 0;
    if (!drained && now < c.drain_until) continue;
    if (!drained) {
      c.Note("output pipes were still held open after the process exited (a background process escaped its group)");
      for (int i = 0; i < 2; ++i) {
        if (c.fds[i] >= 0) {
          c.Deliver(i, {});
          c.FinishLog(i);
        }
        CloseFd(c.fds[i]);
      }
    }
    ProcessResult result;
    result.wall_seconds = now - c.started;
    result.cpu_seconds = static_cast<double>(c.usage.ru_utime.tv_sec + c.usage.ru_stime.tv_sec) +
                         static_cast<double>(c.usage.ru_utime.tv_usec + c.usage.ru_stime.tv_usec) / 1e6;
    result.peak_rss_kib = c.usage.ru_maxrss;
    if (c.strays_killed > 0) {
      c.Note(fmt::format("ended {} process(es) the attempt left running outside its process group", c.strays_killed));
    }
    if (WIFEXITED(c.wait_status)) result.exit_code = WEXITSTATUS(c.wait_status);
    if (WIFSIGNALED(c.wait_status)) result.signal = WTERMSIG(c.wait_status);
    int64_t oom_kills = c.cgroup ? c.cgroup->oom_kills() : 0;
    bool process_limit = c.cgroup && c.cgroup->process_limit_reached();
    bool succeeded = result.exit_code == 0 && !c.timed_out && !c.interrupted;
    result.end = c.interrupted                 ? ProcessEnd::kInterrupted
                 : oom_kills && !succeeded     ? ProcessEnd::kOutOfMemory
                 : process_limit && !succeeded ? ProcessEnd::kProcessLimit
                 : c.timed_out                 ? ProcessEnd::kTimedOut
                 : result.signal               ? ProcessEnd::kSignaled
                                               : ProcessEnd::kExited;
    if (oom_kills > 0) {
      c.Note(fmt::format("the kernel's OOM killer ended {} process(es) of this attempt at its memory limit of {}",
                         oom_kills, FormatBytes(c.spec.memory_limit_bytes)));
    }
    if (process_limit)
      c.Note(fmt::format("a fork failed at the limit of {} processes and threads", c.spec.max_processes));
    result.message = c.notes;
    c.result = std::move(result);
  }
}

void ProcessSet::SweepOrphans(double now, bool now_or_later) {
  if (!now_or_later && now < next_orphan_sweep_) return;
  ReapOrphans();
  next_orphan_sweep_ = now + kOrphanSweepSeconds;
}

void ProcessSet::ReapExited(double now) {
  // Only this set's own children, each by its pid: a wait for any child would take the
  // children of other sets and of RunProcess calls, whose owners would then wait forever.
  bool reaped_any = false;
  for (auto& [handle, child] : children_) {
    Child& c = *child;
    if (c.pid <= 0 || c.reaped) continue;
    if (::wait4(c.pid, &c.wait_status, WNOHANG, &c.usage) != c.pid) continue;
    ReleaseChild(c.pid);
    c.reaped = true;
    reaped_any = true;
    EndRestOfTree(c, now);
  }
  SweepOrphans(now, reaped_any);
}

void ProcessSet::EndRestOfTree(Child& c, double now) {
  // Whatever the attempt left behind, in its group or escaped from it, goes with it.
  // Escapees are either still in the group or orphans re-parented to this subreaper;
  // when neither exists, the /proc scan (the costly part) is skipped.
  std::vector<pid_t> own = {TreeGuardPid()};
  for (const auto& [other_handle, other] : children_) {
    if (!other->reaped) own.push_back(other->pid);
  }
  bool group_alive = ::killpg(c.pid, 0) == 0;
  c.strays_killed += c.SignalTree(SIGKILL, group_alive || HasForeignChildren(own).value_or(true));
  c.drain_until = now + kDrainSeconds;
}

std::optional<std::pair<int, ProcessResult>> ProcessSet::WaitAny() {
  while (true) {
    for (auto it = children_.begin(); it != children_.end(); ++it) {
      if (it->second->result) {
        std::pair<int, ProcessResult> done(it->first, *it->second->result);
        children_.erase(it);
        return done;
      }
    }
    if (children_.empty()) return std::nullopt;
    Poll();
  }
}

ProcessResult RunProcess(const ProcessSpec& spec, OutputCallback on_output) {
  ProcessSet set;
  set.Start(spec, std::move(on_output));
  return set.WaitAny()->second;
}

}  // namespace repro
