// This process as a child subreaper, and the one owner of the orphans that brings: a
// descendant of an attempt whose parent died (a daemon that setsid()s and forks) is
// re-parented here rather than to init, so its tree can still be found and ended.
//
// Who reaps what: every child a ProcessSet starts is claimed here and reaped by that set
// alone, by its pid. Everything else that becomes a zombie child of this process, the
// re-parented orphans (and the tree guard, should it die), is reaped by ReapOrphans(),
// which every ProcessSet calls from its poll loop: when it reaps a child of its own (whose
// tree it has just killed) and at least once a second while it waits. Nothing here waits
// for "any child", so no caller's child is ever taken from it.
#pragma once

#include <sys/types.h>

namespace repro {

// Makes this process a child subreaper (PR_SET_CHILD_SUBREAPER); idempotent. Every
// ProcessSet does it, so attempts' orphans come back to the runner from the first one on.
void BecomeSubreaper();

// "pid" is a child whose owner reaps it by pid: ReapOrphans() leaves it alone until
// ReleaseChild(pid), which the owner calls once it has reaped it.
void ClaimChild(pid_t pid);
void ReleaseChild(pid_t pid);

// Reaps every exited child of this process that nobody claimed; never blocks. Returns how
// many were reaped.
int ReapOrphans();

}  // namespace repro
