// The repro commands. Each returns the process exit code; they are the only code that
// prints for people.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/bundle/bundle.h"
#include "harness/cli/progress.h"
#include "harness/manifest/plan.h"

namespace repro::cli {

// Exit codes, as documented in README.md.
inline constexpr int kExitAllReproduced = 0;
inline constexpr int kExitNotReproduced = 1;  // some claim not reproduced, failed, missing or pending
inline constexpr int kExitBadInput = 2;       // bad manifest or usage
inline constexpr int kExitHarnessError = 3;   // repro itself could not work (database, disk, clone)
inline constexpr int kExitInterrupted = 130;

struct CommonOptions {
  std::filesystem::path results_dir = "results";
  std::optional<std::filesystem::path> db;      // default: <results>/repro.db
  std::optional<std::filesystem::path> cache;   // default: DefaultCacheDir()
  std::optional<std::filesystem::path> source;  // an existing checkout instead of the manifest's source
  int64_t max_runs = kDefaultMaxRuns;           // --max-runs: the most runs a plan may have
  // --experiment, --claim, --where NAME=VALUE (plan, run, compare, report): a part of the
  // manifest (manifest/selection.h).
  std::vector<std::string> experiments, claims, where;
  std::filesystem::path DbPath() const { return db ? *db : results_dir / "repro.db"; }
};

int Validate(const std::vector<std::string>& manifests, int64_t max_runs);
int Plan(const std::string& manifest, const CommonOptions& common);
struct RunFlags {
  int jobs = 0;  // 0: one per CPU
  bool force = false;
  bool keep_work = false;
  std::string isolation;  // "", "none" or "sandbox"

  double kill_grace_seconds = 5;
  std::string executor = "local";  // or "slurm"
  std::string slurm_profile;       // configs/slurm/NAME.yaml or a path; empty: default
  std::string log_cap = "100M";  // per stream and attempt; "0": no cap
  Verbosity verbosity = Verbosity::kNormal;
  bool dry_run = false;  // say what would run, run nothing
};
int Run(const std::string& manifest, const CommonOptions& common, const RunFlags& flags);
// "quiet": only the table's last line (how many claims reproduced).
int Compare(const std::string& manifest, const CommonOptions& common, bool json, bool quiet = false);
// Prints this machine's environment fingerprint (with the interpreters of a manifest's commands).
int PrintFingerprint(const std::optional<std::string>& manifest);
// Two reproductions side by side: two databases of one manifest, or two manifests in one database.
int Diff(const std::string& a, const std::string& b, const std::optional<std::string>& manifest, const CommonOptions& common,
         const std::string& format, const std::optional<std::filesystem::path>& output);
// Packs a manifest's reproduction into one .tar.gz; checks such a file.
int Bundle(const std::string& manifest, const CommonOptions& common, const std::filesystem::path& output,
           const BundleOptions& options = {});
int Verify(const std::filesystem::path& archive, const VerifyOptions& options = {});
// Copies or downloads a manifest's inputs into the cache and verifies their hashes.
int Fetch(const std::string& manifest, const CommonOptions& common);
// repro import latex: a manifest draft from the tables of a paper's LaTeX source.
int ImportLatex(const std::filesystem::path& source, const std::filesystem::path& within, const std::vector<std::string>& tables,
                const std::optional<std::filesystem::path>& output);
int Report(const std::string& manifest, const CommonOptions& common, const std::string& format,
           const std::optional<std::filesystem::path>& output);

// Job-side: supervises task "task" of a Slurm job array and writes its result record.
int Attempt(const std::filesystem::path& task_file, int task);
// Queued, running and finished work of a manifest, with what Slurm says of its jobs.
int ShowStatus(const std::string& manifest, const CommonOptions& common);
// Cancels the manifest's queued and running Slurm jobs and records their attempts as cancelled.
int CancelJobs(const std::string& manifest, const CommonOptions& common);

// An attempt of the run whose key starts with "run" (its newest, or "attempt"): how it
// ended and its metrics; with "series", every point of that metric.
int Show(const std::string& run, const CommonOptions& common, int attempt, const std::string& series);
// The attempt's stdout log (or stderr) on standard output.
int Logs(const std::string& run, const CommonOptions& common, int attempt, bool stderr_log);

}  // namespace repro::cli
