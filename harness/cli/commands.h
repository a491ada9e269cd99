// The repro commands. Each is a function that writes through a Console and returns its exit
// code, or a CliError that carries one; beside it, an Add...Command that registers it with
// its flags on the CLI11 app (app.cc). One file per command, or per group (bundle and verify,
// show and logs, the Slurm commands). They are the only code that prints for people.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/bundle/bundle.h"
#include "harness/cli/cli_error.h"
#include "harness/cli/console.h"
#include "harness/cli/progress.h"
#include "harness/manifest/plan.h"

namespace CLI {
class App;
}

namespace repro::cli {

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

// One command line being run: where output goes, and how the command it chose ended. The
// Add...Command functions make the command's callback store its end here.
struct Invocation {
  const Console& console;
  ExitCode end = kExitAllReproduced;
};

ExitCode Validate(const Console& console, const std::vector<std::string>& manifests, int64_t max_runs);
void AddValidateCommand(CLI::App& app, Invocation& invocation);

ExitCode Plan(const Console& console, const std::string& manifest, const CommonOptions& common);
void AddPlanCommand(CLI::App& app, Invocation& invocation);

struct RunFlags {
  int jobs = 0;  // 0: one per CPU
  bool force = false;
  bool keep_work = false;
  std::string isolation;  // "", "none" or "sandbox"

  double kill_grace_seconds = 5;
  std::string executor = "local";  // or "slurm"
  std::string slurm_profile;       // configs/slurm/NAME.yaml or a path; empty: default
  std::string log_cap = "100M";    // per stream and attempt; "0": no cap
  Verbosity verbosity = Verbosity::kNormal;
  bool dry_run = false;  // say what would run, run nothing
};
ExitCode Run(const Console& console, const std::string& manifest, const CommonOptions& common, const RunFlags& flags);
void AddRunCommand(CLI::App& app, Invocation& invocation);

// "quiet": only the table's last line (how many claims reproduced).
ExitCode Compare(const Console& console, const std::string& manifest, const CommonOptions& common, bool json,
                 bool quiet);
void AddCompareCommand(CLI::App& app, Invocation& invocation);

ExitCode Report(const Console& console, const std::string& manifest, const CommonOptions& common,
                const std::string& format, const std::optional<std::filesystem::path>& output);
// A ledger of several manifests (report/ledger.h): Markdown to "output" or stdout, or HTML
// as a folder "output" with index.html and each manifest's report.
ExitCode ReportIndex(const Console& console, const std::vector<std::string>& manifests, const CommonOptions& common,
                     const std::string& format, const std::optional<std::filesystem::path>& output);
void AddReportCommand(CLI::App& app, Invocation& invocation);

// Prints this machine's environment fingerprint (with the interpreters of a manifest's commands).
ExitCode PrintFingerprint(const Console& console, const std::optional<std::string>& manifest);
void AddFingerprintCommand(CLI::App& app, Invocation& invocation);

// Two reproductions side by side: two databases of one manifest, or two manifests in one database.
ExitCode Diff(const Console& console, const std::string& a, const std::string& b,
              const std::optional<std::string>& manifest, const CommonOptions& common, const std::string& format,
              const std::optional<std::filesystem::path>& output);
void AddDiffCommand(CLI::App& app, Invocation& invocation);

// Packs a manifest's reproduction into one .tar.gz; checks such a file.
ExitCode Bundle(const Console& console, const std::string& manifest, const CommonOptions& common,
                const std::filesystem::path& output, const BundleOptions& options = {});
ExitCode Verify(const Console& console, const std::filesystem::path& archive, const VerifyOptions& options = {});
void AddBundleCommands(CLI::App& app, Invocation& invocation);

// Copies or downloads a manifest's inputs into the cache and verifies their hashes.
ExitCode Fetch(const Console& console, const std::string& manifest, const CommonOptions& common);
void AddFetchCommand(CLI::App& app, Invocation& invocation);

// repro import latex: a manifest draft from the tables of a paper's LaTeX source.
ExitCode ImportLatex(const Console& console, const std::filesystem::path& source, const std::filesystem::path& within,
                     const std::vector<std::string>& tables, const std::optional<std::filesystem::path>& output);
// repro import model-card: a manifest draft from the scores a model card's model-index claims.
ExitCode ImportModelCard(const Console& console, const std::filesystem::path& card,
                         const std::optional<std::filesystem::path>& output);
void AddImportCommand(CLI::App& app, Invocation& invocation);

// An attempt of the run whose key starts with "run" (its newest, or "attempt"): how it
// ended and its metrics; with "series", every point of that metric.
ExitCode Show(const Console& console, const std::string& run, const CommonOptions& common, int attempt,
              const std::string& series);
// The attempt's stdout log (or stderr) on standard output.
ExitCode Logs(const Console& console, const std::string& run, const CommonOptions& common, int attempt,
              bool stderr_log);
void AddShowCommands(CLI::App& app, Invocation& invocation);

// Job-side: supervises task "task" of a Slurm job array and writes its result record.
ExitCode Attempt(const Console& console, const std::filesystem::path& task_file, int task);
// Queued, running and finished work of a manifest, with what Slurm says of its jobs.
ExitCode ShowStatus(const Console& console, const std::string& manifest, const CommonOptions& common);
// Cancels the manifest's queued and running Slurm jobs and records their attempts as cancelled.
ExitCode CancelJobs(const Console& console, const std::string& manifest, const CommonOptions& common);
void AddSlurmCommands(CLI::App& app, Invocation& invocation);

}  // namespace repro::cli
