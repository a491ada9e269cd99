// One attempt's control group: the kernel enforces a memory limit and a process-count limit
// on the whole tree (rlimits are per process, RLIMIT_NPROC per user), tells afterwards
// whether its OOM killer or the process limit struck, and lists every member so that a
// tree is ended however its processes hid (BenchExec's model). cgroup v2 where this
// process's own group delegates the memory and pids controllers, else the v1 memory and
// pids hierarchies. Without either, Create says what is missing and nothing is enforced.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/util/result.h"

namespace repro {

struct CgroupLimits {
  int64_t memory_bytes = 0;   // 0: no memory limit
  int64_t max_processes = 0;  // tasks (threads count too); 0: no limit
};

class Cgroup {
 public:
  // A new group named "name" under this process's own group(s), with "limits" set.
  static Result<std::unique_ptr<Cgroup>> Create(const std::string& name, const CgroupLimits& limits);

  ~Cgroup();  // removes the group's folders (once its processes are gone)
  Cgroup(const Cgroup&) = delete;
  Cgroup& operator=(const Cgroup&) = delete;

  // Opened for writing before fork: the child writes "0" to each, joining the group
  // before exec, so every descendant is born inside it.
  const std::vector<int>& join_fds() const { return join_fds_; }
  void CloseJoinFds();

  std::vector<pid_t> Members() const;
  // The group's folders (one in v2, memory and pids in v1).
  const std::vector<std::string>& dirs() const { return dirs_; }
  // SIGKILL to every member until none is left (a fork bomb refills between reads).
  void KillAll() const;

  int64_t oom_kills() const;           // processes the OOM killer ended in this group
  bool process_limit_reached() const;  // a fork or clone failed at max_processes
  const CgroupLimits& limits() const { return limits_; }

 private:
  Cgroup() = default;
  bool v2_ = false;
  std::vector<std::string> dirs_;  // v2: one; v1: memory and/or pids
  std::string memory_dir_, pids_dir_;
  std::vector<int> join_fds_;
  CgroupLimits limits_;
};

// SIGKILL to every member of the groups at "dirs" until none is left (cgroup.kill where v2
// has it; a fork bomb refills between reads). Returns how many signals were sent.
int KillGroupMembers(const std::vector<std::string>& dirs);

// Folders of the groups a runner with pid "runner" made ("repro-<runner>-*").
std::vector<std::string> GroupsOfRunner(pid_t runner);

}  // namespace repro
