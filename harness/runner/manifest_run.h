// Internal to the runner: one run of a manifest, in one loop whatever executes the attempts:
// plan what is left, adopt attempts an earlier runner left running, run the setup, then
// claim each run and start it through the Backend (backend.h) as it has room, take the ends
// it reports, record each one (database, attempt.json) and tell the user, until none is
// left. Ctrl-C stops starting; the backend either ends its attempts or leaves them running.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/runner/attempt.h"
#include "harness/runner/backend.h"
#include "harness/runner/runner.h"

namespace repro {

class ManifestRun : public RunEvents {
 public:
  ManifestRun(const Manifest& manifest, const PreparedSource& source, Store& store, const RunOptions& options)
      : manifest_(manifest), source_(source), store_(store), options_(options), code_dir_(source.dir) {}

  Result<RunSummary> Run(const std::vector<RunSpec>& runs, Backend& backend);

  void Say(const std::string& line) override;
  void Started(const RunSpec& run, const std::string& detail) override;
  bool Sandboxed() const { return options_.sandbox.value_or(manifest_.sandbox); }
  bool Interrupted() const { return options_.interrupted && options_.interrupted(); }

 private:
  struct Pending {
    std::deque<const RunSpec*> queue;  // to start
    EarlierAttempts earlier;           // running as Slurm jobs already
    // How long each run's last completed attempt took, else its experiment's typical_duration.
    std::map<const RunSpec*, double> last_seconds;
  };
  // Longest first, so that the last attempts to start are short and the machine is not left
  // waiting on one long straggler: runs whose duration is unknown (never completed) first,
  // as they may be the longest, then by their last completed attempt's time, longest first.
  // Equal or unknown durations keep the manifest's order.
  static void OrderLongestFirst(std::deque<const RunSpec*>& queue,
                                const std::map<const RunSpec*, double>& last_seconds);
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
  Status StartAttempt(const RunSpec& run, Backend& backend);
  // Records an attempt's end: the database, its attempt.json, progress.
  Status Finish(EndedAttempt& ended);
  // Stores how an attempt ended, writes its attempt.json and tells the user.
  Status Record(AttemptRecord& attempt, const RunSpec& run, const std::vector<std::string>& argv);

  void Report(ProgressEvent event);
  std::optional<double> ExpectedSeconds(const std::string& experiment);
  std::optional<double> Eta();
  std::string SetupKey() const;
  AttemptSettings Settings() const;

  static constexpr double kDefaultSetupTimeoutSeconds = 6 * 3600;

  const Manifest& manifest_;
  const PreparedSource& source_;
  std::string environment_;  // sha256 of this run's environment fingerprint, when the backend takes one
  Store& store_;
  const RunOptions& options_;
  std::filesystem::path code_dir_;  // what attempts copy: the prepared code, or its setup copy
  Backend* backend_ = nullptr;      // during Run
  RunSummary summary_;
  std::multiset<const RunSpec*> in_flight_;  // started, not ended
  std::set<const RunSpec*> waiting_;
  std::map<std::string, std::pair<double, int>> durations_;  // experiment -> (sum, count) this run
  std::map<std::string, std::optional<double>> prior_;       // experiment -> mean from the store
  int finished_ = 0;
  int total_ = 0;
};

}  // namespace repro
