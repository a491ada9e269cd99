// Internal to the CLI: loading a manifest with its plan, opening the store, judging.
// Shared by commands.cc and slurm_commands.cc.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/manifest/manifest.h"
#include "harness/manifest/plan.h"
#include "harness/manifest/slurm_profile.h"
#include "harness/runner/runner.h"
#include "harness/store/store.h"

namespace repro::cli {

void PrintError(const std::string& message);

struct Loaded {
  Manifest manifest;
  std::vector<RunSpec> runs;
  std::string source_identity;                    // of the manifest's own source
  CodeIdentities code;                            // and of each experiment with its own
  std::vector<std::string> checkout_deviations;  // of a --source checkout
};

// Manifest, plan and source identity, or the exit code explaining why not. Without
// "common" (validate), a ref stays unresolved and nothing is fetched, and the plan may have
// "max_runs" runs (with it, common->max_runs).
std::variant<Loaded, int> LoadAndPlan(const std::string& path, const CommonOptions* common = nullptr, bool update = false,
                                      int64_t max_runs = kDefaultMaxRuns);

// The store of --db/--results, or the exit code after saying why not. kReadOnly (compare,
// report, show, ...) never creates or changes a database, and says so when none is there.
enum class StoreAccess { kReadWrite, kReadOnly };
std::variant<std::unique_ptr<Store>, int> OpenStore(const CommonOptions& common, StoreAccess access = StoreAccess::kReadWrite);

// The Slurm profile "name_or_path" (configs/slurm/NAME.yaml, or a file; empty: default),
// or an exit code after printing its errors with their lines.
std::variant<SlurmProfile, int> ReadSlurmProfile(const std::string& name_or_path);
// The manifest's runs on Slurm (slurm_commands.cc).
Result<RunSummary> RunOnSlurm(const Loaded& loaded, const std::vector<RunSpec>& runs, const PreparedSource& source, Store& store,
                              const RunOptions& options, const SlurmProfile& profile);

// What repro itself writes (results folder, database and its journals, cache), absolute:
// never part of a local folder's code.
std::vector<std::filesystem::path> ReproOutputs(const CommonOptions& common);

// When runs of this manifest's code never ran but runs of the same folder's code as it was
// earlier are stored: which files differ since, for a note beside the pending claims.
std::optional<std::string> ExplainOtherCode(const Loaded& loaded, Store& store, int64_t max_runs);

// Judges every claim from the Store and prints the table; with "save" (after a run) the
// verdicts are stored too, while compare only reads.
int JudgeAndPrint(const Loaded& loaded, Store& store, bool json, bool save, bool quiet = false);

}  // namespace repro::cli
