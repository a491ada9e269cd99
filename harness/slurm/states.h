// Slurm's view of a job, as repro reads it from squeue, sacct and scontrol, and what it
// means for an attempt. Pure parsing and mapping, no commands run here: the executor that
// submits job arrays and follows them (issue #7) builds on these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace repro::slurm {

// The job states of squeue(1) "JOB STATE CODES", in the order a job can move through them.
enum class State {
  kUnknown,
  kPending,
  kConfiguring,
  kRequeued,  // REQUEUED, REQUEUE_HOLD, REQUEUE_FED: will run again
  kRunning,
  kSuspended,   // SUSPENDED, STOPPED
  kCompleting,  // not final: the job is ending, its processes may still be alive
  kCompleted,
  kFailed,
  kTimeout,
  kOutOfMemory,
  kCancelled,
  kNodeFail,
  kPreempted,
  kBootFail,
  kDeadline,
};

// "RUNNING", "CANCELLED by 0", "OUT_OF_MEMORY", "CD" (squeue's short codes too).
State ParseState(std::string_view text);
const char* StateName(State state);
bool IsFinal(State state);

// What is known after seeing "observed" when "known" was known before: a state never moves
// backwards (a late squeue line saying RUNNING after sacct said COMPLETED changes nothing),
// except that a requeue starts the job over: REQUEUED, or PENDING after an end.
State Advance(State known, State observed);

// One line of sacct or squeue: a job or one task of an array.
struct JobRow {
  std::string job_id;       // "4242" (the array's id for a task)
  std::optional<int> task;  // the array index, when a task
  State state = State::kUnknown;
  std::string raw_state;         // as printed, for messages
  std::optional<int> exit_code;  // sacct's "2:0" -> 2
  std::optional<int> signal;     // sacct's "0:9" -> 9
};

// `sacct --parsable2 --noheader -o JobID,State,ExitCode`: job steps (".batch", ".extern",
// ".0") are skipped; "4242_[3-5]" (tasks not started yet) expands to one row per task.
std::vector<JobRow> ParseSacct(std::string_view text);

// `squeue --noheader -o "%i|%T"`: the same JobID forms.
std::vector<JobRow> ParseSqueue(std::string_view text);

}  // namespace repro::slurm
