// Runs a manifest's planned runs: skips runs whose identity already completed, runs the
// setup steps once per setup identity, starts attempts through an Executor as capacity
// allows, and records each attempt's end and metrics in the Store in one transaction.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/exec/executor.h"
#include "harness/manifest/manifest.h"
#include "harness/manifest/plan.h"
#include "harness/manifest/slurm_profile.h"
#include "harness/source/source.h"
#include "harness/store/store.h"

namespace repro {
namespace slurm {
class Client;
}

inline constexpr int64_t kDefaultLogCapBytes = int64_t{100} << 20;

// What the runner reports as it goes; the CLI decides how to show it.
struct ProgressEvent {
  enum class Kind { kNote, kStarted, kFinished } kind = Kind::kNote;
  std::string text;     // kNote: the message; kFinished: "[3/9] mlp seed=1: completed in 4.2s (acc=0.97)"
  std::string label;    // the run, for kStarted and kFinished
  std::string detail;   // kStarted: the command; kFinished and failed: command, stderr tail, logs
  bool failed = false;  // kFinished: the attempt did not complete
  int done = 0, total = 0, running = 0;
  std::optional<double> eta_seconds;  // from durations of earlier attempts, in the store and in this run

  static ProgressEvent Note(std::string text) {
    ProgressEvent event;
    event.text = std::move(text);
    return event;
  }
  static ProgressEvent Started(std::string label, std::string command) {
    ProgressEvent event;
    event.kind = Kind::kStarted;
    event.label = std::move(label);
    event.detail = std::move(command);
    return event;
  }
  static ProgressEvent Finished(std::string text, std::string label, bool failed, std::string detail) {
    ProgressEvent event;
    event.kind = Kind::kFinished;
    event.text = std::move(text);
    event.label = std::move(label);
    event.failed = failed;
    event.detail = std::move(detail);
    return event;
  }
};

struct RunOptions {
  std::filesystem::path results_dir = "results";
  std::filesystem::path cache_dir;  // where setup copies live (setup_folder.h); empty: DefaultCacheDir()
  bool force = false;               // run again even when a completed attempt exists
  bool keep_work = false;           // keep a completed attempt's working copy (a failed one's is always kept)
  std::optional<bool> sandbox;      // overrides the manifest's isolation when set
  double kill_grace_seconds = 5;
  int64_t log_cap_bytes = kDefaultLogCapBytes;  // per stream and attempt; 0: no cap
  int jobs = 1;                                 // attempts at once, for the ETA
  std::function<void(const ProgressEvent&)> progress;
  std::function<bool()> interrupted;  // stop starting new attempts when true
};

struct RunSummary {
  int planned = 0;
  int cached = 0;  // already completed earlier; not run again
  int started = 0;
  int completed = 0;
  int unfinished = 0;    // failed, killed, timed out, interrupted, could not start
  int elsewhere = 0;     // claimed by another runner on the same database
  int submitted = 0;     // Slurm: tasks submitted by this run
  int attached = 0;      // Slurm: tasks of an earlier run followed again
  int left_running = 0;  // Slurm: tasks still queued or running when this run stopped following
  bool setup_failed = false;
  bool interrupted = false;
};

// "text" with every character but letters, digits, '.' and '-' made '-': a safe folder name.
std::string Slug(std::string_view text);

// The folder of a manifest's attempts, setup logs and Slurm files under the results folder:
// its file name without extension, or, for the conventional name "repro.yaml", the name of
// the folder holding it (every repository's repro.yaml would otherwise share results/repro/).
std::string ManifestFolderName(const Manifest& manifest);

// The folder holding a run's attempts: <results>/<ManifestFolderName>/<experiment>/<params>_seed-N_<key8>.
std::filesystem::path RunDirectory(const std::filesystem::path& results_dir, const Manifest& manifest,
                                   const RunSpec& run);

// The status an attempt is recorded with, from how its process ended.
AttemptStatus StatusOfProcess(const ProcessResult& result);
// Its status and what it cost, from how its process ended; finished_at is left to the caller.
ProcessEndRecord EndOfProcess(const ProcessResult& result);

// How attempts go to Slurm: a profile (configs/slurm/), the client and what tasks run.
struct SlurmSettings : SlurmProfile {
  slurm::Client* client = nullptr;
  std::filesystem::path repro_binary;  // what each task runs: this repro, as the nodes see it
};

// An attempt's job column while its array is being submitted: "submitting:NAME#INDEX",
// so that a repro stopped before it stored the job id finds the held job by its name.
struct SubmittingJob {
  std::string name;
  int index = 0;
};
std::optional<SubmittingJob> ParseSubmittingJob(const std::string& job);

Result<RunSummary> RunManifest(const Manifest& manifest, const std::vector<RunSpec>& runs, const PreparedSource& source,
                               Store& store, Executor& executor, const RunOptions& options);

// The same on Slurm: one job array per experiment and resource shape, followed with one
// batched squeue/sacct call per poll. Jobs of an earlier, interrupted `repro run` are
// re-attached, never submitted again; an interrupted repro leaves the jobs running.
Result<RunSummary> RunManifestOnSlurm(const Manifest& manifest, const std::vector<RunSpec>& runs,
                                      const PreparedSource& source, Store& store, const SlurmSettings& slurm,
                                      const RunOptions& options);

}  // namespace repro
