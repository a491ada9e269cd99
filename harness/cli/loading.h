// Internal to the CLI: loading a manifest with its plan, opening the store, judging.
// Shared by commands.cc and slurm_commands.cc.
#pragma once

#include <memory>
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
  std::string source_identity;
  std::vector<std::string> checkout_deviations;  // of a --source checkout
};

// Manifest, plan and source identity, or the exit code explaining why not. Without
// "common" (validate), a ref stays unresolved and nothing is fetched.
std::variant<Loaded, int> LoadAndPlan(const std::string& path, const CommonOptions* common = nullptr, bool update = false);

std::variant<std::unique_ptr<Store>, int> OpenStore(const CommonOptions& common);

// The Slurm profile "name_or_path" (configs/slurm/NAME.yaml, or a file; empty: default),
// or an exit code after printing its errors with their lines.
std::variant<SlurmProfile, int> ReadSlurmProfile(const std::string& name_or_path);
// The manifest's runs on Slurm (slurm_commands.cc).
Result<RunSummary> RunOnSlurm(const Loaded& loaded, const PreparedSource& source, Store& store, const RunOptions& options,
                              const SlurmProfile& profile);

// Judges every claim from the Store, saves the verdicts, and prints the table.
int JudgeAndPrint(const Loaded& loaded, Store& store, bool json);

}  // namespace repro::cli
