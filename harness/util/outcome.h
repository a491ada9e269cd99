// The words repro stores and prints for how an attempt or a setup step ended, and for why a
// value is not an ordinary number: one enum and one table of names each. They are written to
// the database, attempt.json and a Slurm task's result.json, and read back from them, so a
// name never changes once released. In util because every module from extraction to the
// reports uses them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repro {

enum class AttemptStatus {
  kRunning,        // in progress, or its runner died: the next runner marks it interrupted
  kCompleted,      // exited 0 with every declared metric read
  kFailed,         // exited non-zero
  kKilled,         // ended by a signal
  kTimeout,        // over its time limit
  kOutOfMemory,    // the OOM killer struck at the memory limit
  kResourceLimit,  // a fork failed at the process limit
  kInterrupted,    // stopped by Ctrl-C, by a runner that died, or requeued by Slurm
  kStartFailed,    // never started (no working copy, no executable, sbatch refused)
  kSetupFailed,    // its setup failed, so it was not started
  // Ended on Slurm without a record from the job side; the name says what Slurm reported.
  kFailedNoResult,  // COMPLETED, yet no record: success is the record's to say
  kCancelled,
  kNodeFailed,
  kPreempted,
  kBootFailed,
  kDeadline,
  kLost,  // Slurm no longer knows the job
};

std::string_view Name(AttemptStatus status);
std::optional<AttemptStatus> ParseAttemptStatus(std::string_view name);

// Why a value is not an ordinary finite number. Stored beside the value, never hidden.
enum class ValueFlag { kOk, kNonFinite, kUnparseable, kMissing };

std::string_view Name(ValueFlag flag);
std::optional<ValueFlag> ParseValueFlag(std::string_view name);

// How an attempt or step ended, worded once for every message and report: "failed (exit 3)",
// "interrupted (signal 15)", "completed". The exit code is shown unless it completed (where it
// says nothing), the signal whenever there is one.
std::string Describe(AttemptStatus status, std::optional<int> exit_code, std::optional<int> signal);

}  // namespace repro
