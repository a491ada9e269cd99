#include "harness/cli/commands.h"

#include <unistd.h>

#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "harness/exec/executor.h"
#include "harness/manifest/parser.h"
#include "harness/manifest/plan.h"
#include "harness/report/evaluation.h"
#include "harness/report/render.h"
#include "harness/runner/runner.h"
#include "harness/source/source.h"
#include "harness/store/store.h"
#include "harness/util/atomic_file.h"
#include "harness/util/terminal.h"

namespace repro::cli {
namespace {

void PrintError(const std::string& message) { std::cerr << "repro: " << message << "\n"; }

// Loads and validates; on errors prints each with its source line and returns nullopt.
std::optional<Manifest> LoadOrReport(const std::string& path) {
  ManifestLoad load = LoadManifest(path);
  if (load.ok()) return std::move(load.manifest);
  for (const Diagnostic& error : load.errors) std::cerr << RenderDiagnostic(error, load.manifest.text) << "\n";
  std::cerr << fmt::format("{}: {} error{}\n", path, load.errors.size(), load.errors.size() == 1 ? "" : "s");
  return std::nullopt;
}

struct Loaded {
  Manifest manifest;
  std::vector<RunSpec> runs;
  std::string source_identity;
};

// Manifest, plan and source identity, or the exit code explaining why not.
std::variant<Loaded, int> LoadAndPlan(const std::string& path) {
  std::optional<Manifest> manifest = LoadOrReport(path);
  if (!manifest) return kExitBadInput;
  Loaded loaded{std::move(*manifest), {}, {}};
  Result<std::string> identity = SourceIdentity(loaded.manifest.source);
  if (!identity) {
    PrintError(identity.error());
    return kExitHarnessError;
  }
  loaded.source_identity = *identity;
  Result<std::vector<RunSpec>> runs = PlanRuns(loaded.manifest, *identity);
  if (!runs) {
    PrintError(runs.error());
    return kExitBadInput;
  }
  loaded.runs = std::move(runs).value();
  return loaded;
}

std::string DescribeSource(const Manifest& manifest, const std::string& identity) {
  if (manifest.source.is_git()) return fmt::format("{} @ {}", manifest.source.git, manifest.source.commit);
  return fmt::format("{} (tree sha256 {})", manifest.source.path.string(), identity.substr(5, 12));
}

std::variant<std::unique_ptr<Store>, int> OpenStore(const CommonOptions& common) {
  std::filesystem::path db = common.DbPath();
  std::error_code ec;
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path(), ec);
  if (ec) {
    PrintError(fmt::format("cannot create {}: {}", db.parent_path().string(), ec.message()));
    return kExitHarnessError;
  }
  Result<std::unique_ptr<Store>> store = Store::Open(db);
  if (!store) {
    PrintError(store.error());
    return kExitHarnessError;
  }
  return std::move(store).value();
}

// Judges every claim from the Store, saves the verdicts, and prints the table.
int JudgeAndPrint(const Loaded& loaded, Store& store, bool json) {
  Result<Evaluation> evaluation = Evaluate(loaded.manifest, loaded.runs, DescribeSource(loaded.manifest, loaded.source_identity), store);
  if (!evaluation) {
    PrintError(evaluation.error());
    return kExitHarnessError;
  }
  if (Status saved = store.SaveVerdicts(loaded.manifest.sha256, ToVerdictRecords(*evaluation)); !saved) {
    PrintError(saved.error());
    return kExitHarnessError;
  }
  std::cout << (json ? RenderJson(*evaluation) : RenderTerminal(*evaluation, ShouldUseColor(STDOUT_FILENO)));
  return evaluation->AllSucceeded() ? kExitAllReproduced : kExitNotReproduced;
}

}  // namespace

int Validate(const std::vector<std::string>& manifests) {
  int exit_code = kExitAllReproduced;
  for (const std::string& path : manifests) {
    std::variant<Loaded, int> loaded = LoadAndPlan(path);
    if (std::holds_alternative<int>(loaded)) {
      exit_code = std::max(exit_code, std::get<int>(loaded));
      continue;
    }
    const Loaded& l = std::get<Loaded>(loaded);
    std::cout << fmt::format("{}: ok ({} experiment{}, {} run{}, {} claim{})\n", path, l.manifest.experiments.size(),
                             l.manifest.experiments.size() == 1 ? "" : "s", l.runs.size(), l.runs.size() == 1 ? "" : "s",
                             l.manifest.claims.size(), l.manifest.claims.size() == 1 ? "" : "s");
  }
  return exit_code;
}

int Plan(const std::string& manifest_path, const CommonOptions& common) {
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  const Loaded& l = std::get<Loaded>(loaded);
  std::unique_ptr<Store> store;
  if (std::filesystem::exists(common.DbPath())) {
    auto opened = OpenStore(common);
    if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
    store = std::move(std::get<std::unique_ptr<Store>>(opened));
  }
  int to_run = 0;
  for (const RunSpec& run : l.runs) {
    std::string state = "new";
    if (store) {
      Result<std::optional<AttemptRecord>> latest = store->LatestAttempt(run.key);
      if (latest && *latest) state = (*latest)->status == kStatusCompleted ? "done" : "retry (" + (*latest)->status + ")";
    }
    to_run += state == "done" ? 0 : 1;
    std::cout << fmt::format("{:<12} {}  {}\n", state, run.key.substr(0, 12), run.label);
  }
  std::cout << fmt::format("\n{} runs planned, {} to run; code: {}\n", l.runs.size(), to_run,
                           DescribeSource(l.manifest, l.source_identity));
  return kExitAllReproduced;
}

int Run(const std::string& manifest_path, const CommonOptions& common, const RunFlags& flags) {
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  Loaded& l = std::get<Loaded>(loaded);
  auto opened = OpenStore(common);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  Store& store = *std::get<std::unique_ptr<Store>>(opened);
  InstallInterruptHandlers();
  Result<PreparedSource> source = PrepareSource(l.manifest.source, common.cache ? *common.cache : DefaultCacheDir());
  if (!source) {
    PrintError(source.error());
    return InterruptCount() > 0 ? kExitInterrupted : kExitHarnessError;
  }
  int jobs = flags.jobs > 0 ? flags.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  LocalExecutor executor(jobs);
  RunOptions options;
  // Stored attempt folders must make sense from wherever a report is made later.
  options.results_dir = std::filesystem::absolute(common.results_dir);
  options.force = flags.force;
  options.kill_grace_seconds = flags.kill_grace_seconds;
  options.progress = [](const std::string& line) { std::cerr << line << "\n"; };
  options.interrupted = [] { return InterruptCount() > 0; };
  std::cerr << fmt::format("{}: {} runs, code {}\n", manifest_path, l.runs.size(), source->description);
  Result<RunSummary> summary = RunManifest(l.manifest, l.runs, *source, store, executor, options);
  if (!summary) {
    PrintError(summary.error());
    return kExitHarnessError;
  }
  if (summary->interrupted || InterruptCount() > 0) {
    std::cerr << "repro: interrupted; completed runs are kept, run the same command again to continue\n";
    return kExitInterrupted;
  }
  std::cerr << "\n";
  return JudgeAndPrint(l, store, /*json=*/false);
}

int Compare(const std::string& manifest_path, const CommonOptions& common, bool json) {
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  auto opened = OpenStore(common);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  return JudgeAndPrint(std::get<Loaded>(loaded), *std::get<std::unique_ptr<Store>>(opened), json);
}

int Report(const std::string& manifest_path, const CommonOptions& common, const std::string& format,
           const std::optional<std::filesystem::path>& output) {
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  const Loaded& l = std::get<Loaded>(loaded);
  auto opened = OpenStore(common);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  Store& store = *std::get<std::unique_ptr<Store>>(opened);
  Result<Evaluation> evaluation = Evaluate(l.manifest, l.runs, DescribeSource(l.manifest, l.source_identity), store);
  if (!evaluation) {
    PrintError(evaluation.error());
    return kExitHarnessError;
  }
  std::string text = format == "json" ? RenderJson(*evaluation) : RenderMarkdown(*evaluation);
  if (!output || output->string() == "-") {
    std::cout << text;
    return kExitAllReproduced;
  }
  if (Status written = WriteFileAtomically(*output, text); !written) {
    PrintError(written.error());
    return kExitHarnessError;
  }
  std::cerr << fmt::format("report written to {}\n", output->string());
  return kExitAllReproduced;
}

}  // namespace repro::cli
