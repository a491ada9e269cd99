// Internal to the runner: one run of a manifest. The steps both executors share (planning
// what is left, setup, recording an attempt's end, progress) are here; the local loop is
// in runner.cc and the Slurm loop, which submits job arrays and follows them, in
// slurm_run.cc.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/runner/attempt.h"
#include "harness/runner/runner.h"

namespace repro {

class ManifestRun {
 public:
  ManifestRun(const Manifest& manifest, const PreparedSource& source, Store& store, const RunOptions& options)
      : manifest_(manifest), source_(source), store_(store), options_(options), code_dir_(source.dir) {}

  Result<RunSummary> RunLocally(const std::vector<RunSpec>& runs, Executor& executor);
  Result<RunSummary> RunOnSlurm(const std::vector<RunSpec>& runs, const SlurmSettings& slurm);

 private:
  struct Pending {
    std::deque<const RunSpec*> queue;                          // to start
    std::vector<std::pair<const RunSpec*, AttemptRecord>> on_slurm;  // running as Slurm jobs already
  };
  // Records the manifest and runs; sorts out which runs are done, to run, or already on Slurm.
  Result<Pending> Plan(const std::vector<RunSpec>& runs);
  void EndLeftovers(const std::vector<std::string>& dead_runners);
  // The setup steps, once per setup identity, in a copy of the code (setup_folder.h) that
  // attempts then copy from; an error stops every run.
  Status RunSetup();
  // One step of it, in "cwd"; the error names the step and ends with its log's last lines.
  Status RunSetupStep(size_t index, const std::string& key, int execution, const std::filesystem::path& cwd,
                      const std::filesystem::path& log_dir);
  Result<RunSummary> RecordSetupFailure(const std::deque<const RunSpec*>& queue, const std::string& why);
  // Claims the run for a new attempt; nullopt (after saying why) when another runner has it.
  Result<std::optional<AttemptRecord>> Claim(const RunSpec& run);
  // Stores how an attempt ended, writes its attempt.json and tells the user.
  Status Record(AttemptRecord& attempt, const RunSpec& run, const std::vector<std::string>& argv);

  // The Slurm loop (slurm_run.cc).
  struct Tracked;
  Status Reattach(Pending& pending, const SlurmSettings& slurm, std::vector<Tracked>& tracked);
  Status SubmitArray(const std::vector<const RunSpec*>& runs, const SlurmSettings& slurm, std::vector<Tracked>& tracked);
  Status Follow(std::vector<Tracked>& tracked, const SlurmSettings& slurm);
  // Moves to the attempt a requeued task continues as; true when it did.
  Result<bool> FollowRequeue(Tracked& task);
  Status Ingest(Tracked& task, bool lost, const SlurmSettings& slurm);
  void SleepUnlessInterrupted(double seconds) const;

  // The local loop.
  Result<RunSummary> RunQueue(std::deque<const RunSpec*> queue, Executor& executor);
  Status StartAttempt(const RunSpec& run, Executor& executor);
  Status Finish(const AttemptOutcome& outcome);

  void Say(const std::string& line);
  void Report(ProgressEvent event);
  std::optional<double> ExpectedSeconds(const std::string& experiment);
  std::optional<double> Eta();
  bool Sandboxed() const { return options_.sandbox.value_or(manifest_.sandbox); }
  bool Interrupted() const { return options_.interrupted && options_.interrupted(); }
  std::string SetupKey() const;
  AttemptSettings Settings() const;

  static constexpr double kDefaultSetupTimeoutSeconds = 6 * 3600;

  struct InFlight {
    const RunSpec* run;
    AttemptRecord attempt;
    std::vector<std::string> argv;
    std::shared_ptr<SeriesBuffer> series;
  };
  const Manifest& manifest_;
  const PreparedSource& source_;
  std::string environment_;  // sha256 of this run's environment fingerprint (local runs)
  Store& store_;
  const RunOptions& options_;
  std::filesystem::path code_dir_;  // what attempts copy: the prepared code, or its setup copy
  RunSummary summary_;
  std::map<int64_t, InFlight> in_flight_;
  std::set<const RunSpec*> waiting_;
  std::map<std::string, std::pair<double, int>> durations_;  // experiment -> (sum, count) this run
  std::map<std::string, std::optional<double>> prior_;       // experiment -> mean from the store
  int finished_ = 0;
  int total_ = 0;
  bool on_slurm_ = false;     // no ETA: the cluster's throughput is not known here
  int running_on_slurm_ = 0;  // tasks Slurm said were running at the last poll
};

}  // namespace repro
