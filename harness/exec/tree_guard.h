// Ends what is left of this process's attempts when it dies, however it dies (kill -9
// included): a small guard process, forked when the first tree is watched, holds the read
// end of a pipe. Each attempt's tree token and cgroup folders are sent to it as the attempt
// starts, and withdrawn when it ends. When the pipe closes (this process is gone), the guard
// kills every tree still watched, its cgroup members and every process carrying its token,
// then exits. Trees of attempts that ended normally were withdrawn and are never touched.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace repro {

// Starts watching the tree "token" (see process_tree.h) with its cgroup folders. Best effort:
// when the guard cannot be started, nothing is watched and runs go on.
void WatchTree(const std::string& token, const std::vector<std::string>& cgroup_dirs);
// The tree ended here; the guard forgets it.
void ForgetTree(const std::string& token);
// The guard's pid (a child of this process), or -1 when none runs.
pid_t TreeGuardPid();

// SIGKILL to every member of "cgroup_dirs" and every process carrying "token", repeated
// until none is left (a fork bomb refills between reads). Returns how many were signalled.
int KillTree(const std::string& token, const std::vector<std::string>& cgroup_dirs);

// Kills what is left of the attempts of a runner that died: processes whose tree token
// begins with "<runner>-" and members of its cgroups "repro-<runner>-*". Returns how many.
int KillLeftoversOf(pid_t runner);

}  // namespace repro
