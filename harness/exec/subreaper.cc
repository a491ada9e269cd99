#include "harness/exec/subreaper.h"

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace repro {
namespace {

// Process-wide by nature (there is one parent per child): the claimed pids, guarded
// because any thread may start or reap a child.
std::mutex g_claimed_mutex;
std::set<pid_t> g_claimed;

bool Claimed(pid_t pid) {
  std::lock_guard<std::mutex> lock(g_claimed_mutex);
  return g_claimed.count(pid) > 0;
}

// This process's children as the kernel lists them; nullopt without CONFIG_PROC_CHILDREN.
// Re-parented orphans go to the main thread of a single-threaded subreaper.
std::optional<std::vector<pid_t>> Children() {
  std::ifstream in(fmt::format("/proc/self/task/{}/children", ::getpid()));
  if (!in) return std::nullopt;
  std::vector<pid_t> children;
  for (pid_t pid; in >> pid;) children.push_back(pid);
  return children;
}

bool ReapIfExited(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) == pid; }

// Without a list of children: look at the first child that exited without reaping it
// (WNOWAIT), and reap it only when it is nobody's. An exited child that is claimed stops
// the sweep; its owner reaps it soon, and the next sweep goes on.
int ReapUnlistedOrphans() {
  int reaped = 0;
  while (true) {
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return reaped;
    if (Claimed(info.si_pid) || !ReapIfExited(info.si_pid)) return reaped;
    ++reaped;
  }
}

}  // namespace

void BecomeSubreaper() {
  // Every time, not once: a fork() child does not inherit the flag, but would a "done" flag.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
}

void ClaimChild(pid_t pid) {
  std::lock_guard<std::mutex> lock(g_claimed_mutex);
  g_claimed.insert(pid);
}

void ReleaseChild(pid_t pid) {
  std::lock_guard<std::mutex> lock(g_claimed_mutex);
  g_claimed.erase(pid);
}

int ReapOrphans() {
  std::optional<std::vector<pid_t>> children = Children();
  if (!children) return ReapUnlistedOrphans();
  int reaped = 0;
  for (pid_t pid : *children) {
    if (!Claimed(pid) && ReapIfExited(pid)) ++reaped;
  }
  return reaped;
}

}  // namespace repro
