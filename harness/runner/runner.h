// Runs a manifest's planned runs: skips runs whose identity already completed, runs the
// setup steps once per setup identity, starts attempts through an Executor as capacity
// allows, and records each attempt's end and metrics in the Store in one transaction.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "harness/exec/executor.h"
#include "harness/manifest/manifest.h"
#include "harness/manifest/plan.h"
#include "harness/source/source.h"
#include "harness/store/store.h"

namespace repro {

inline constexpr int64_t kDefaultLogCapBytes = int64_t{100} << 20;

struct RunOptions {
  std::filesystem::path results_dir = "results";
  bool force = false;              // run again even when a completed attempt exists
  double kill_grace_seconds = 5;
  int64_t log_cap_bytes = kDefaultLogCapBytes;       // per stream and attempt; 0: no cap
  std::function<void(const std::string&)> progress;  // one line per event, for people
  std::function<bool()> interrupted;                 // stop starting new attempts when true
};

struct RunSummary {
  int planned = 0;
  int cached = 0;      // already completed earlier; not run again
  int started = 0;
  int completed = 0;
  int unfinished = 0;  // failed, killed, timed out, interrupted, could not start
  int elsewhere = 0;   // claimed by another runner on the same database
  bool setup_failed = false;
  bool interrupted = false;
};

// The folder holding a run's attempts: <results>/<manifest stem>/<experiment>/<params>_seed-N_<key8>.
std::filesystem::path RunDirectory(const std::filesystem::path& results_dir, const Manifest& manifest, const RunSpec& run);

// The status an attempt is recorded with, from how its process ended.
const char* AttemptStatus(const ProcessResult& result);

Result<RunSummary> RunManifest(const Manifest& manifest, const std::vector<RunSpec>& runs, const PreparedSource& source,
                               Store& store, Executor& executor, const RunOptions& options);

}  // namespace repro
