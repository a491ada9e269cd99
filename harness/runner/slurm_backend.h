// Internal to the runner: attempts as tasks of Slurm job arrays. Start holds claimed
// attempts; Submit writes one held job array per experiment (attempts that history says are
// short packed several to a task, since Slurm's start of a task costs seconds), records the
// job ids and releases it; WaitForEnds follows every task with one batched squeue (and, for tasks squeue
// has forgotten, sacct) call per poll, backing off while nothing changes, and ingests each
// task's result record when its job has ended. An interrupted repro leaves the jobs running;
// the next `repro run` adopts them.
#pragma once

#include <map>
#include <vector>

#include "harness/runner/backend.h"
#include "harness/runner/runner.h"
#include "harness/slurm/batch.h"
#include "harness/slurm/states.h"

namespace repro {

// The status an attempt is recorded with when its job ended in "final" and the job wrote
// no result record (with a record, the record's status stands, but for a Slurm kill).
// COMPLETED without a record is kFailedNoResult: success is decided by the record.
AttemptStatus StatusWithoutRecord(slurm::State final);

class SlurmBackend : public Backend {
 public:
  SlurmBackend(const Manifest& manifest, const PreparedSource& source, Store& store, const SlurmSettings& slurm,
               const std::filesystem::path& results_dir, RunEvents& events, std::function<bool()> interrupted)
      : manifest_(manifest),
        source_(source),
        store_(store),
        slurm_(slurm),
        results_dir_(results_dir),
        events_(events),
        interrupted_(std::move(interrupted)),
        interval_(slurm.poll_min_seconds) {}

  // Follows the jobs of an earlier run again; one whose submission never reached Slurm is
  // started afresh.
  Result<Adopted> Adopt(EarlierAttempts earlier, std::deque<const RunSpec*>& queue) override;
  // Each task fingerprints its own node.
  Status Prepare() override { return Status::Ok(); }
  // Each task fingerprints the node it runs on (job_side.cc), on the set-up copy.
  Result<std::string> RecordEnvironment(const std::filesystem::path&) override { return std::string(); }
  bool CanStart(const RunSpec&) const override { return true; }  // the cluster queues
  Status Start(const RunSpec& run, AttemptRecord attempt, const AttemptSettings& settings) override;
  Result<int> Submit() override;
  int Outstanding() const override { return static_cast<int>(tracked_.size() + ended_.size()); }
  int RunningNow() const override { return running_; }
  Result<std::vector<EndedAttempt>> WaitForEnds() override;
  int Interrupt() override { return static_cast<int>(tracked_.size()); }
  bool PredictsEta() const override { return false; }
  void ExpectDurations(const std::map<const RunSpec*, double>& last_seconds) override { last_seconds_ = last_seconds; }

 private:
  struct Tracked {
    const RunSpec* run = nullptr;
    AttemptRecord attempt;
    std::string task;                 // "4242_3"
    std::filesystem::path slurm_log;  // Slurm's own output of the task, when known
    slurm::State state = slurm::State::kUnknown;
    double last_known = 0;   // when a command last knew the task
    double final_since = 0;  // when its job was first seen ended; 0: not yet
    bool started = false;
    bool ingested = false;  // its end is recorded: it leaves tracked_ at the end of the poll
    bool packed = false;    // its array task runs other attempts too: its record may come before the task ends
  };
  struct Held {
    const RunSpec* run;
    AttemptRecord attempt;
  };
  slurm::ArrayJob ArrayJobFor(const Experiment& experiment, const std::string& name, const std::filesystem::path& dir,
                              const std::filesystem::path& task_file, int tasks) const;
  Status SubmitArray(const std::vector<Held>& members);
  // The array tasks for "held", each a list of indices into it: an attempt alone, or short
  // ones together up to the profile's pack size. Empty when no task would hold two.
  std::vector<std::vector<int>> Packs(const std::vector<Held>& held, const Experiment& experiment) const;
  // Asks Slurm once about every task and takes what ended.
  Status Poll();
  // Moves to the attempt a requeued task continues as; true when it did.
  Result<bool> FollowRequeue(Tracked& task);
  Status Ingest(Tracked& task, bool lost);
  void SleepUnlessInterrupted(double seconds) const;
  bool Interrupted() const { return interrupted_ && interrupted_(); }

  const Manifest& manifest_;
  const PreparedSource& source_;
  Store& store_;
  const SlurmSettings& slurm_;
  std::filesystem::path results_dir_;
  RunEvents& events_;
  std::function<bool()> interrupted_;
  AttemptSettings settings_;                       // what the held attempts run with
  std::map<std::string, std::vector<Held>> held_;  // by experiment: one array each
  std::map<const RunSpec*, double> last_seconds_;  // how long each run last took, when it completed before
  std::vector<Tracked> tracked_;
  std::vector<EndedAttempt> ended_;  // seen to end, not yet handed to the runner
  double interval_;                  // between polls: grows while nothing changes
  bool polled_ = false;
  int running_ = 0;  // tasks Slurm said were running at the last poll
};

}  // namespace repro
