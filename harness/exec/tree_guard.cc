#include "harness/exec/tree_guard.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <string_view>
#include <thread>

#include "harness/exec/cgroup.h"
#include "harness/exec/process_tree.h"

namespace repro {
namespace {

struct GuardState {
  int fd = -1;  // our end of the socket; the guard holds the other
  pid_t pid = -1;
  bool failed = false;
};
GuardState g_guard;

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// The guard's whole life: out of the terminal's process group (a Ctrl-C meant for the runner
// must not end it), deaf to the usual signals, reading "+token\tdir..." and "-token" lines
// until the socket closes, then killing every tree still watched.
[[noreturn]] void RunGuard(int fd) {
  ::setsid();
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE})
    ::signal(signal_number, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::prctl(PR_SET_NAME, "repro-guard");
  int null_fd = ::open("/dev/null", O_RDWR);
  for (int std_fd = 0; std_fd < 3; ++std_fd) ::dup2(null_fd, std_fd);
  ::dup2(fd, 3);
  ::close_range(4, ~0U, 0);  // the runner's pipes, logs and database are not the guard's to hold

  std::map<std::string, std::vector<std::string>> watched;
  std::string pending;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(3, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
    for (size_t newline; (newline = pending.find('\n')) != std::string::npos; pending.erase(0, newline + 1)) {
      std::string_view line(pending.data(), newline);
      if (line.empty()) continue;
      std::vector<std::string> fields = Split(line.substr(1), '\t');
      if (line[0] == '+') watched[fields[0]] = std::vector<std::string>(fields.begin() + 1, fields.end());
      if (line[0] == '-') watched.erase(fields[0]);
    }
  }
  for (const auto& [token, dirs] : watched) KillTree(token, dirs);
  ::_exit(0);
}

bool StartGuard() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return false;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  if (pid == 0) {
    ::close(fds[0]);
    RunGuard(fds[1]);
  }
  ::close(fds[1]);
  g_guard.fd = fds[0];
  g_guard.pid = pid;
  return true;
}

void Send(const std::string& line) {
  if (g_guard.failed) return;
  if (g_guard.fd < 0 && !StartGuard()) {
    g_guard.failed = true;
    return;
  }
  // MSG_NOSIGNAL: a guard that died must not take the runner with it through SIGPIPE.
  for (size_t sent = 0; sent < line.size();) {
    ssize_t n = ::send(g_guard.fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      g_guard.failed = true;
      return;
    }
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

void WatchTree(const std::string& token, const std::vector<std::string>& cgroup_dirs) {
  std::string line = "+" + token;
  for (const std::string& dir : cgroup_dirs) line += "\t" + dir;
  Send(line + "\n");
}

void ForgetTree(const std::string& token) {
  if (g_guard.fd >= 0) Send("-" + token + "\n");
}

pid_t TreeGuardPid() { return g_guard.pid; }

int KillTree(const std::string& token, const std::vector<std::string>& cgroup_dirs) {
  int signalled = 0;
  for (int round = 0; round < 200; ++round) {
    int before = signalled;
    signalled += KillGroupMembers(cgroup_dirs);
    for (pid_t pid : ProcessesWithToken(token)) {
      if (::kill(pid, SIGKILL) == 0) ++signalled;
    }
    if (signalled == before) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // let the killed leave /proc
  }
  return signalled;
}

int KillLeftoversOf(pid_t runner) {
  if (runner <= 0 || runner == ::getpid()) return 0;
  std::vector<std::string> groups = GroupsOfRunner(runner);
  std::string prefix = fmt::format("{}-", runner);
  int signalled = 0;
  for (int round = 0; round < 200; ++round) {
    int before = signalled;
    signalled += KillGroupMembers(groups);
    for (pid_t pid : ProcessesWithTokenPrefix(prefix)) {
      if (::kill(pid, SIGKILL) == 0) ++signalled;
    }
    if (signalled == before) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return signalled;
}

}  // namespace repro
