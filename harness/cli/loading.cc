#include "harness/cli/loading.h"

#include <fmt/format.h>

#include "harness/manifest/parser.h"
#include "harness/manifest/selection.h"
#include "harness/source/inputs.h"
#include "harness/source/source.h"
#include "harness/util/text.h"

namespace repro::cli {
namespace {

// Why --source cannot stand for the manifest's code: an experiment pins a commit of its own,
// which a checkout cannot be. A usage error, not repro's.
std::optional<std::string> SourceFlagConflict(const Manifest& manifest) {
  for (const Experiment& experiment : manifest.experiments) {
    if (experiment.source && !experiment.source->commit.empty()) {
      return fmt::format(
          "experiment '{}' pins its own commit {}; --source replaces only the manifest's code: run without "
          "--source, or remove the experiment's 'commit'",
          experiment.id, experiment.source->commit);
    }
  }
  return std::nullopt;
}

// Names the code the runs use: a --source checkout replaces the manifest's source (keeping
// its files and patches); a ref is resolved, fetching first when "update" (repro run).
Status BindSource(const Console& console, Loaded& loaded, const CommonOptions& common, bool update) {
  Source& source = loaded.manifest.source;
  source.outputs = ReproOutputs(common);
  // A manifest kept inside its code describes the code; editing a claim must not make new runs.
  source.outputs.push_back(loaded.manifest.dir / loaded.manifest.path.filename());
  if (common.source) {
    std::string pinned = source.commit;
    source.path = std::filesystem::absolute(*common.source).lexically_normal();
    source.git.clear();
    source.commit.clear();
    source.ref.clear();
    loaded.checkout_deviations = CheckoutDeviations(source.path, pinned);
    return Status::Ok();
  }
  std::filesystem::path cache = common.cache ? *common.cache : DefaultCacheDir();
  if (!source.ref.empty()) {
    Result<std::string> commit = ResolveRef(source, cache, update);
    if (!commit && !update) return Status::Ok();  // never run: its runs show as not run yet
    if (!commit) return Error{commit.error()};
    source.commit = *commit;
    if (update) {
      console.notes() << fmt::format(
          "repro: warning: source commit '{}' resolved to {}; a branch, tag or short hash can move: pin "
          "'commit: {}' to run exactly this code again\n",
          source.ref, *commit, *commit);
    }
  }
  // Compare and report judge the checkout the runs used; run checks it once it is prepared.
  if (!update) loaded.checkout_deviations = CachedCheckoutDeviations(source, cache);
  return Status::Ok();
}

// The manifest's code identity, and each experiment's own where it overrides the source.
Result<CodeIdentities> IdentitiesOf(const Manifest& manifest) {
  CodeIdentities code;
  Result<std::string> base = SourceIdentity(manifest);
  if (!base) return Error{base.error()};
  code.base = *base;
  for (const Experiment& experiment : manifest.experiments) {
    if (!experiment.source) continue;
    Result<std::string> own = SourceIdentity(manifest, manifest.SourceOf(experiment));
    if (!own) return Error{own.error()};
    code.own[experiment.id] = *own;
  }
  return code;
}

// Keeps the part of the manifest --experiment, --claim and --where name.
Status Select(Loaded& loaded, const CommonOptions& common) {
  Selection selection{common.experiments, common.claims, {}};
  for (const std::string& text : common.where) {
    Result<std::pair<std::string, std::string>> pair = ParseWhere(text);
    if (!pair) return Error{pair.error()};
    selection.where.push_back(*pair);
  }
  return ApplySelection(selection, loaded.manifest, loaded.runs);
}

// A local input ('from:') that is neither there nor already in the cache would stop the run
// later: it is a mistake in the manifest, said at once with its line. Empty when none is.
std::string MissingInputs(const std::string& path, const Manifest& manifest, const CommonOptions* common) {
  std::filesystem::path cache = common != nullptr && common->cache ? *common->cache : DefaultCacheDir();
  std::string missing;
  for (const Input& input : manifest.inputs) {
    std::error_code ec;
    if (input.from.empty() || std::filesystem::exists(input.from, ec)) continue;
    if (std::filesystem::exists(cache / "inputs" / input.sha256 / std::filesystem::path(input.path).filename(), ec))
      continue;
    missing += fmt::format("{}:{}: input '{}': 'from: {}' does not exist ({}); put the file there or change 'from'\n",
                           path, input.line, VisibleText(input.path), VisibleText(input.from_written),
                           VisibleText(input.from.string()));
  }
  return missing;
}

// Where a manifest's code is and which runs it has: the identities, then the plan.
CliResult<Loaded> PlanLoaded(Loaded loaded, const CommonOptions* common, int64_t max_runs) {
  Result<CodeIdentities> identities = IdentitiesOf(loaded.manifest);
  if (!identities) return CliError::Harness(identities.error());
  loaded.source_identity = identities->base;
  loaded.code = *identities;
  Result<std::vector<RunSpec>> runs =
      PlanRuns(loaded.manifest, *identities, common != nullptr ? common->max_runs : max_runs);
  if (!runs) return CliError::BadInput(runs.error());
  loaded.runs = std::move(runs).value();
  if (common != nullptr) {
    if (Status selected = Select(loaded, *common); !selected) return CliError::BadInput(selected.error());
  }
  return loaded;
}

}  // namespace

CliResult<Manifest> LoadValidManifest(const std::string& path) {
  ManifestLoad load = LoadManifest(path);
  if (load.ok()) return std::move(load.manifest);
  std::string text;
  for (const Diagnostic& error : load.errors) text += RenderDiagnostic(error, load.manifest.text) + "\n";
  text += fmt::format("{}: {} error{}\n", path, load.errors.size(), load.errors.size() == 1 ? "" : "s");
  return CliError{kExitBadInput, text};
}

void PrintWarnings(const Console& console, const std::string& path, const Manifest& manifest) {
  for (const Diagnostic& warning : manifest.warnings) {
    console.notes() << fmt::format("{}:{}:{}: warning: {}\n", path, warning.line, warning.column,
                                   VisibleText(warning.message));
  }
}

CliResult<Loaded> LoadAndPlan(const Console& console, const std::string& path, const CommonOptions* common, bool update,
                              int64_t max_runs) {
  CliResult<Manifest> manifest = LoadValidManifest(path);
  if (!manifest) return manifest.error();
  if (std::string missing = MissingInputs(path, *manifest, common); !missing.empty())
    return CliError{kExitBadInput, missing};
  Loaded loaded{std::move(*manifest), {}, {}, {}, {}};
  if (common != nullptr) {
    if (common->source) {
      if (std::optional<std::string> conflict = SourceFlagConflict(loaded.manifest))
        return CliError::BadInput(*conflict);
    }
    if (Status bound = BindSource(console, loaded, *common, update); !bound) return CliError::Harness(bound.error());
  } else {
    loaded.manifest.source.outputs = ReproOutputs(CommonOptions{});  // validate: the default places
    loaded.manifest.source.outputs.push_back(loaded.manifest.dir / loaded.manifest.path.filename());
  }
  return PlanLoaded(std::move(loaded), common, max_runs);
}

CliResult<std::unique_ptr<Store>> OpenStore(const CommonOptions& common, StoreAccess access) {
  std::filesystem::path db = common.DbPath();
  if (access == StoreAccess::kReadOnly) {
    Result<std::unique_ptr<Store>> store = Store::OpenReadOnly(db);
    if (!store) return CliError::Say(std::filesystem::exists(db) ? kExitHarnessError : kExitBadInput, store.error());
    return std::move(store).value();
  }
  std::error_code ec;
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path(), ec);
  if (ec) return CliError::Harness(fmt::format("cannot create {}: {}", db.parent_path().string(), ec.message()));
  Result<std::unique_ptr<Store>> store = Store::Open(db);
  if (!store) return CliError::Harness(store.error());
  return std::move(store).value();
}

std::string DescribeSource(const Manifest& manifest, const std::string& identity) {
  const Source& source = manifest.source;
  if (source.is_git() && !source.ref.empty())
    return fmt::format("{} @ {} (resolved to {})", source.git, source.ref, source.commit);
  if (source.is_git()) return fmt::format("{} @ {}", source.git, source.commit);
  return fmt::format("{} (tree sha256 {})", manifest.source.path.string(), identity.substr(5, 12));
}

Result<Evaluation> EvaluateLoaded(const Loaded& loaded, Store& store, Detail detail) {
  Result<Evaluation> evaluation =
      Evaluate(loaded.manifest, loaded.runs, DescribeSource(loaded.manifest, loaded.source_identity), store, detail,
               SetupIdentity(loaded.manifest, loaded.source_identity));
  if (evaluation) {
    // Before the files beside the manifest that Evaluate found: the checkout first.
    std::vector<std::string> deviations = loaded.checkout_deviations;
    for (std::string& deviation : Deviations(loaded.manifest)) deviations.push_back(std::move(deviation));
    evaluation->deviations.insert(evaluation->deviations.begin(), deviations.begin(), deviations.end());
  }
  return evaluation;
}

CliResult<std::unique_ptr<Evaluated>> LoadAndEvaluate(const Console& console, const std::string& manifest_path,
                                                      const CommonOptions& common, Detail detail) {
  CliResult<Loaded> loaded = LoadAndPlan(console, manifest_path, &common);
  if (!loaded) return loaded.error();
  CliResult<std::unique_ptr<Store>> store = OpenStore(common, StoreAccess::kReadOnly);
  if (!store) return store.error();
  auto evaluated = std::make_unique<Evaluated>();
  evaluated->loaded = std::move(*loaded);
  evaluated->store = std::move(*store);
  Result<Evaluation> evaluation = EvaluateLoaded(evaluated->loaded, *evaluated->store, detail);
  if (!evaluation) return CliError::Harness(evaluation.error());
  evaluated->evaluation = std::move(evaluation).value();
  return evaluated;
}

}  // namespace repro::cli
