// Internal to the runner: attempts as supervised processes on this machine, through an
// Executor (exec/executor.h), as many at once as it has room for.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "harness/exec/executor.h"
#include "harness/runner/attempt.h"
#include "harness/runner/backend.h"

namespace repro {

class LocalBackend : public Backend {
 public:
  LocalBackend(const Manifest& manifest, Store& store, Executor& executor, RunEvents& events, bool sandboxed)
      : manifest_(manifest), store_(store), executor_(executor), events_(events), sandboxed_(sandboxed) {}

  // Slurm jobs are followed only by `repro run --executor slurm`: here they are skipped.
  Result<Adopted> Adopt(EarlierAttempts earlier, std::deque<const RunSpec*>& queue) override;
  // Checks the sandbox when attempts use it.
  Status Prepare() override;
  // Fingerprints this machine once per run, with the packages the code in "code_dir" imports
  // (after setup installed them).
  Result<std::string> RecordEnvironment(const std::filesystem::path& code_dir) override;
  bool CanStart(const RunSpec& run) const override;
  // Makes the attempt's folder and working copy and starts its process.
  Status Start(const RunSpec& run, AttemptRecord attempt, const AttemptSettings& settings) override;
  Result<int> Submit() override { return 0; }
  int Outstanding() const override { return static_cast<int>(in_flight_.size() + ended_.size()); }
  int RunningNow() const override { return static_cast<int>(in_flight_.size()); }
  Result<std::vector<EndedAttempt>> WaitForEnds() override;
  int Interrupt() override;
  bool PredictsEta() const override { return true; }

 private:
  struct InFlight {
    const RunSpec* run;
    AttemptRecord attempt;
    std::vector<std::string> argv;
    std::shared_ptr<SeriesBuffer> series;
  };
  const Manifest& manifest_;
  Store& store_;
  Executor& executor_;
  RunEvents& events_;
  bool sandboxed_;
  std::string environment_;
  std::map<int64_t, InFlight> in_flight_;  // by attempt id
  std::vector<EndedAttempt> ended_;        // ended before their process started
};

}  // namespace repro
