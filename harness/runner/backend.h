// Internal to the runner: what differs between running attempts on this machine and on a
// Slurm cluster. ManifestRun (manifest_run.h) plans, claims, starts, follows and records
// every attempt in one loop, whatever runs it; a Backend only executes the attempts it is
// handed and tells how each ended. LocalBackend (local_backend.h) runs them as supervised
// processes through an Executor; SlurmBackend (slurm_backend.h) submits them as job arrays
// and follows the cluster.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/manifest/plan.h"
#include "harness/runner/attempt.h"
#include "harness/store/store.h"
#include "harness/util/result.h"

namespace repro {

// An attempt whose end a backend has seen; the runner records it.
struct EndedAttempt {
  const RunSpec* run = nullptr;
  AttemptRecord attempt;          // with its end filled in: status, exit, timings, message, metrics
  std::vector<std::string> argv;  // as it ran, for attempt.json and the failure message
  bool continues = false;         // Slurm requeued it: the run goes on as a next attempt
};

// What a backend tells the person running repro; the runner shows it.
class RunEvents {
 public:
  virtual ~RunEvents() = default;
  virtual void Say(const std::string& line) = 0;
  virtual void Started(const RunSpec& run, const std::string& detail) = 0;
};

// Attempts an earlier runner left running that this runner found in the store.
using EarlierAttempts = std::vector<std::pair<const RunSpec*, AttemptRecord>>;

class Backend {
 public:
  virtual ~Backend() = default;

  struct Adopted {
    int followed = 0;  // followed again to their end, as if this runner had started them
    int skipped = 0;   // left to whoever runs them
  };
  // Takes over "earlier" attempts (Slurm jobs of an interrupted run) it can follow; one that
  // never reached its executor goes back on "queue" to start afresh.
  virtual Result<Adopted> Adopt(EarlierAttempts earlier, std::deque<const RunSpec*>& queue) = 0;
  // Before setup: what must hold for any attempt to start (the sandbox), so that a long setup
  // is not run for nothing.
  virtual Status Prepare() = 0;
  // After setup and before the first start, with the code attempts copy ("code_dir": the
  // set-up copy, or the prepared code when setup failed or there is none), so that what setup
  // installed is seen; returns the digest of the environment attempts run in, when it is
  // known here ("" when each attempt records its own).
  virtual Result<std::string> RecordEnvironment(const std::filesystem::path& code_dir) = 0;
  // Whether "run" may start now.
  virtual bool CanStart(const RunSpec& run) const = 0;
  // Starts a claimed attempt in a copy of settings.source_dir (the code, after setup), or
  // holds it for Submit. An error stops the whole run.
  virtual Status Start(const RunSpec& run, AttemptRecord attempt, const AttemptSettings& settings) = 0;
  // Hands what Start held to the executor; returns how many attempts it submitted.
  virtual Result<int> Submit() = 0;
  // Attempts started (or adopted) whose end the runner has not been given yet.
  virtual int Outstanding() const = 0;
  // Attempts running right now, as far as the backend knows.
  virtual int RunningNow() const = 0;
  // Blocks until at least one attempt ended (or, for a backend that polls, an interrupt
  // came); returns those that ended.
  virtual Result<std::vector<EndedAttempt>> WaitForEnds() = 0;
  // Ctrl-C: either ends every attempt (they come back from WaitForEnds, interrupted) and
  // returns 0, or leaves them running for the next run to adopt and returns how many.
  virtual int Interrupt() = 0;
  // Whether durations of earlier attempts predict when this one finishes (not on a cluster,
  // whose throughput is not known here).
  virtual bool PredictsEta() const = 0;
  // How long each run's last completed attempt took, before the first Start: a backend may
  // group the short ones (Slurm packs them into shared array tasks).
  virtual void ExpectDurations(const std::map<const RunSpec*, double>& last_seconds) {}
};

}  // namespace repro
