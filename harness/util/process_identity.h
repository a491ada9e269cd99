// Names a process so that it can be recognised later without mistaking another process
// that reused its pid: "host:pid:start", start being its start time in clock ticks after
// boot (from /proc/<pid>/stat).
#pragma once

#include <string>

namespace repro {

std::string ThisProcessIdentity();
// This machine's host name.
std::string HostName();

enum class Liveness { kAlive, kDead, kUnknown };  // kUnknown: recorded on another host

// The pid of the process named by "identity" when it was recorded on this host, else 0.
long LocalProcessId(const std::string& identity);

// Whether the process named by "identity" still runs.
Liveness ProcessLiveness(const std::string& identity);

}  // namespace repro
