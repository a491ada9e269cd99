// Internal to the CLI: what several commands share: loading a manifest with its plan,
// opening the store, evaluating and judging claims, and printing a plan.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/cli_error.h"
#include "harness/cli/commands.h"
#include "harness/cli/console.h"
#include "harness/manifest/manifest.h"
#include "harness/manifest/plan.h"
#include "harness/manifest/slurm_profile.h"
#include "harness/report/evaluation.h"
#include "harness/runner/runner.h"
#include "harness/store/store.h"

namespace repro::cli {

struct Loaded {
  Manifest manifest;
  std::vector<RunSpec> runs;
  std::string source_identity;                   // of the manifest's own source
  CodeIdentities code;                           // and of each experiment with its own
  std::vector<std::string> checkout_deviations;  // of a --source checkout
};

// The manifest at "path", validated; else a bad-input error whose text is every error with
// its source line.
CliResult<Manifest> LoadValidManifest(const std::string& path);

// What a manifest may mean but probably does not (seeds that never reach the code, ...).
void PrintWarnings(const Console& console, const std::string& path, const Manifest& manifest);

// Manifest, plan and source identity, or why not. Without "common" (validate), a ref stays
// unresolved and nothing is fetched, and the plan may have "max_runs" runs (with it,
// common->max_runs). With "update" (run), a ref is resolved after fetching, with a warning.
CliResult<Loaded> LoadAndPlan(const Console& console, const std::string& path, const CommonOptions* common = nullptr,
                              bool update = false, int64_t max_runs = kDefaultMaxRuns);

// The store of --db/--results. kReadOnly (compare, report, show, ...) never creates or
// changes a database, and says so when none is there.
enum class StoreAccess { kReadWrite, kReadOnly };
CliResult<std::unique_ptr<Store>> OpenStore(const CommonOptions& common, StoreAccess access = StoreAccess::kReadWrite);

// "repo @ commit", or a local folder with its tree digest: the code the runs use.
std::string DescribeSource(const Manifest& manifest, const std::string& identity);

// The manifest's claims judged from the store, with the checkout's deviations first.
Result<Evaluation> EvaluateLoaded(const Loaded& loaded, Store& store, Detail detail = Detail::kVerdicts);

// A manifest judged against a store, with the "detail" a report needs: what report, bundle
// and diff start from. On the heap, because the evaluation points into the manifest.
struct Evaluated {
  Loaded loaded;
  std::unique_ptr<Store> store;
  Evaluation evaluation;
};
CliResult<std::unique_ptr<Evaluated>> LoadAndEvaluate(const Console& console, const std::string& manifest_path,
                                                      const CommonOptions& common, Detail detail = Detail::kReport);

// Judges every claim from the Store and prints the table; with "save" (after a run) the
// verdicts are stored too, while compare only reads; "quiet": only the table's last line
// (compare_command.cc).
ExitCode JudgeAndPrint(const Console& console, const Loaded& loaded, Store& store, bool json, bool save,
                       bool quiet = false);

// What a run would start, after the store says what is done: "plan", and "run --dry-run"
// (which also shows each command, "commands") (plan_command.cc).
ExitCode PrintPlan(const Console& console, const Loaded& loaded, const CommonOptions& common, bool commands,
                   bool force);

// The Slurm profile "name_or_path" (configs/slurm/NAME.yaml, or a file; empty: default),
// or a bad-input error whose text is its errors with their lines (slurm_commands.cc).
CliResult<SlurmProfile> ReadSlurmProfile(const std::string& name_or_path);
// The manifest's runs on Slurm (slurm_commands.cc).
Result<RunSummary> RunOnSlurm(const Console& console, const Loaded& loaded, const std::vector<RunSpec>& runs,
                              const PreparedSource& source, Store& store, const RunOptions& options,
                              const SlurmProfile& profile);

// What repro itself writes (results folder, database and its journals, cache, and the regular
// files its stdout and stderr are redirected to), absolute: never part of a local folder's
// code (code_change.cc).
std::vector<std::filesystem::path> ReproOutputs(const CommonOptions& common);

// When runs of this manifest's code never ran ("evaluation" of them says) but runs of the
// same folder's code as it was earlier are stored: which files differ since, for a note
// beside the pending claims.
std::optional<std::string> ExplainOtherCode(const Loaded& loaded, const Evaluation& evaluation, Store& store,
                                            int64_t max_runs);
// That note on the console, when there is one (compare, report); whether there was.
bool SayIfCodeChanged(const Console& console, const Loaded& loaded, const Evaluation& evaluation, Store& store,
                      int64_t max_runs);
// After that note: each pending claim none of whose runs is running says that its runs are
// stored for other code, rather than "not finished yet".
void PointPendingAtOtherCode(Evaluation& evaluation);

}  // namespace repro::cli
