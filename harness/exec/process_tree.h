// How an attempt's process tree is found whatever its members did: every descendant
// inherits a token in its environment (REPRO_TREE), so one that left the process group
// with setsid() is still found by a scan of /proc.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace repro {

inline constexpr const char* kTreeVariable = "REPRO_TREE";

// A token unique to one attempt's tree: this process, the attempt's handle, the time.
std::string NewTreeToken(int handle);

// Pids of live processes whose environment carries "REPRO_TREE=token".
std::vector<pid_t> ProcessesWithToken(const std::string& token);
// Pids of live processes whose REPRO_TREE token begins with "prefix" ("<runner pid>-").
std::vector<pid_t> ProcessesWithTokenPrefix(const std::string& prefix);

// Whether this process has children it did not start itself: orphans of some attempt's
// tree, re-parented here because this process is a subreaper. nullopt when the kernel
// cannot list children (CONFIG_PROC_CHILDREN), and the caller must assume there may be.
std::optional<bool> HasForeignChildren(const std::vector<pid_t>& own);

}  // namespace repro
