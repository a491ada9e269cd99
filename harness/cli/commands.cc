#include "harness/cli/commands.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "harness/bundle/bundle.h"
#include "harness/cli/loading.h"
#include "harness/cli/progress.h"
#include "harness/exec/executor.h"
#include "harness/fingerprint/fingerprint.h"
#include "harness/manifest/parser.h"
#include "harness/manifest/plan.h"
#include "harness/manifest/selection.h"
#include "harness/report/diff.h"
#include "harness/report/evaluation.h"
#include "harness/report/pdf.h"
#include "harness/report/render.h"
#include "harness/runner/attempt.h"
#include "harness/runner/runner.h"
#include "harness/source/inputs.h"
#include "harness/source/source.h"
#include "harness/store/store.h"
#include "harness/util/atomic_file.h"
#include "harness/util/terminal.h"
#include "harness/util/text.h"
#include "harness/util/units.h"

namespace repro::cli {

// Messages quote manifests, stores and logs: shown, never sent to the terminal as controls.
void PrintError(const std::string& message) { std::cerr << "repro: " << VisibleText(message, Layout::kLines) << "\n"; }

namespace {

// What a manifest may mean but probably does not (seeds that never reach the code, ...).
void PrintWarnings(const std::string& path, const Manifest& manifest) {
  for (const Diagnostic& warning : manifest.warnings) {
    std::cerr << fmt::format("{}:{}:{}: warning: {}\n", path, warning.line, warning.column, VisibleText(warning.message));
  }
}

// Loads and validates; on errors prints each with its source line and returns nullopt.
std::optional<Manifest> LoadOrReport(const std::string& path) {
  ManifestLoad load = LoadManifest(path);
  if (load.ok()) return std::move(load.manifest);
  for (const Diagnostic& error : load.errors) std::cerr << RenderDiagnostic(error, load.manifest.text) << "\n";
  std::cerr << fmt::format("{}: {} error{}\n", path, load.errors.size(), load.errors.size() == 1 ? "" : "s");
  return std::nullopt;
}

// Names the code the runs use: a --source checkout replaces the manifest's source (keeping
// its files and patches); a ref is resolved, fetching first when "update" (repro run).
Status BindSource(Loaded& loaded, const CommonOptions& common, bool update) {
  Source& source = loaded.manifest.source;
  source.outputs = ReproOutputs(common);
  // A manifest kept inside its code describes the code; editing a claim must not make new runs.
  source.outputs.push_back(loaded.manifest.dir / loaded.manifest.path.filename());
  if (common.source) {
    for (const Experiment& experiment : loaded.manifest.experiments) {
      if (experiment.source && !experiment.source->commit.empty()) {
        return Error{fmt::format("experiment '{}' pins its own commit {}; --source replaces only the manifest's code: run "
                                 "without --source, or remove the experiment's 'commit'", experiment.id, experiment.source->commit)};
      }
    }
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
      std::cerr << fmt::format("repro: warning: source commit '{}' resolved to {}; a branch, tag or short hash can move: pin "
                               "'commit: {}' to run exactly this code again\n", source.ref, *commit, *commit);
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

}  // namespace

namespace {

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

}  // namespace

// A local input ('from:') that is neither there nor already in the cache would stop the run
// later: it is a mistake in the manifest, said at once with its line.
static bool ReportMissingInputs(const std::string& path, const Manifest& manifest, const CommonOptions* common) {
  std::filesystem::path cache = common != nullptr && common->cache ? *common->cache : DefaultCacheDir();
  bool missing = false;
  for (const Input& input : manifest.inputs) {
    std::error_code ec;
    if (input.from.empty() || std::filesystem::exists(input.from, ec)) continue;
    if (std::filesystem::exists(cache / "inputs" / input.sha256 / std::filesystem::path(input.path).filename(), ec)) continue;
    std::cerr << fmt::format("{}:{}: input '{}': 'from: {}' does not exist ({}); put the file there or change 'from'\n", path,
                             input.line, VisibleText(input.path), VisibleText(input.from_written), VisibleText(input.from.string()));
    missing = true;
  }
  return missing;
}

std::variant<Loaded, int> LoadAndPlan(const std::string& path, const CommonOptions* common, bool update, int64_t max_runs) {
  std::optional<Manifest> manifest = LoadOrReport(path);
  if (!manifest) return kExitBadInput;
  if (ReportMissingInputs(path, *manifest, common)) return kExitBadInput;
  Loaded loaded{std::move(*manifest), {}, {}, {}, {}};
  if (common != nullptr) {
    if (Status bound = BindSource(loaded, *common, update); !bound) {
      PrintError(bound.error());
      return kExitHarnessError;
    }
  } else {
    loaded.manifest.source.outputs = ReproOutputs(CommonOptions{});  // validate: the default places
    loaded.manifest.source.outputs.push_back(loaded.manifest.dir / loaded.manifest.path.filename());
  }
  Result<CodeIdentities> identities = IdentitiesOf(loaded.manifest);
  if (!identities) {
    PrintError(identities.error());
    return kExitHarnessError;
  }
  loaded.source_identity = identities->base;
  loaded.code = *identities;
  Result<std::vector<RunSpec>> runs = PlanRuns(loaded.manifest, *identities, common != nullptr ? common->max_runs : max_runs);
  if (!runs) {
    PrintError(runs.error());
    return kExitBadInput;
  }
  loaded.runs = std::move(runs).value();
  if (common != nullptr) {
    if (Status selected = Select(loaded, *common); !selected) {
      PrintError(selected.error());
      return kExitBadInput;
    }
  }
  return loaded;
}

namespace {

std::string DescribeSource(const Manifest& manifest, const std::string& identity) {
  const Source& source = manifest.source;
  if (source.is_git() && !source.ref.empty()) return fmt::format("{} @ {} (resolved to {})", source.git, source.ref, source.commit);
  if (source.is_git()) return fmt::format("{} @ {}", source.git, source.commit);
  return fmt::format("{} (tree sha256 {})", manifest.source.path.string(), identity.substr(5, 12));
}

Result<Evaluation> EvaluateLoaded(const Loaded& loaded, Store& store, Detail detail = Detail::kVerdicts) {
  Result<Evaluation> evaluation = Evaluate(loaded.manifest, loaded.runs, DescribeSource(loaded.manifest, loaded.source_identity),
                                          store, detail, SetupIdentity(loaded.manifest, loaded.source_identity));
  if (evaluation) {
    // Before the files beside the manifest that Evaluate found: the checkout first.
    std::vector<std::string> deviations = loaded.checkout_deviations;
    for (std::string& deviation : Deviations(loaded.manifest)) deviations.push_back(std::move(deviation));
    evaluation->deviations.insert(evaluation->deviations.begin(), deviations.begin(), deviations.end());
  }
  return evaluation;
}

}  // namespace

std::variant<std::unique_ptr<Store>, int> OpenStore(const CommonOptions& common, StoreAccess access) {
  std::filesystem::path db = common.DbPath();
  if (access == StoreAccess::kReadOnly) {
    Result<std::unique_ptr<Store>> store = Store::OpenReadOnly(db);
    if (!store) {
      PrintError(store.error());
      return std::filesystem::exists(db) ? kExitHarnessError : kExitBadInput;
    }
    return std::move(store).value();
  }
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

namespace {

// A manifest judged against a store: what report, bundle and diff start from. On the heap,
// because the evaluation points into the manifest.
struct Evaluated {
  Loaded loaded;
  std::unique_ptr<Store> store;
  Evaluation evaluation;
};

std::variant<std::unique_ptr<Evaluated>, int> LoadAndEvaluate(const std::string& manifest_path, const CommonOptions& common) {
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path, &common);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  auto opened = OpenStore(common, StoreAccess::kReadOnly);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  auto evaluated = std::make_unique<Evaluated>();
  evaluated->loaded = std::move(std::get<Loaded>(loaded));
  evaluated->store = std::move(std::get<std::unique_ptr<Store>>(opened));
  Result<Evaluation> evaluation = EvaluateLoaded(evaluated->loaded, *evaluated->store, Detail::kReport);
  if (!evaluation) {
    PrintError(evaluation.error());
    return kExitHarnessError;
  }
  evaluated->evaluation = std::move(evaluation).value();
  return evaluated;
}

}  // namespace

int JudgeAndPrint(const Loaded& loaded, Store& store, bool json, bool save, bool quiet) {
  Result<Evaluation> evaluation = EvaluateLoaded(loaded, store);
  if (!evaluation) {
    PrintError(evaluation.error());
    return kExitHarnessError;
  }
  if (Status saved = save ? store.SaveVerdicts(loaded.manifest.sha256, ToVerdictRecords(*evaluation)) : Status::Ok(); !saved) {
    PrintError(saved.error());
    return kExitHarnessError;
  }
  if (std::optional<std::string> change = ExplainOtherCode(loaded, store, kDefaultMaxRuns)) {
    std::cerr << "repro: the code changed since the runs: " << VisibleText(*change) << "\n";
  }
  std::string text = json ? RenderJson(*evaluation) : RenderTerminal(*evaluation, ShouldUseColor(STDOUT_FILENO));
  if (quiet && !json) {  // the last line: "2 of 3 claims reproduced"
    while (!text.empty() && text.back() == '\n') text.pop_back();
    text = text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1) + "\n";
  }
  std::cout << text;
  return evaluation->AllSucceeded() ? kExitAllReproduced : kExitNotReproduced;
}

namespace {

// The attempt a "run key prefix" and attempt number name, or an exit code after saying why.
std::variant<AttemptRecord, int> FindAttempt(Store& store, const std::string& prefix, int number, RunRecord* run_out) {
  Result<std::vector<RunRecord>> runs = store.FindRuns(prefix);
  if (!runs) {
    PrintError(runs.error());
    return kExitBadInput;
  }
  if (runs->empty()) {
    PrintError(fmt::format("no run key starts with '{}' (repro plan MANIFEST lists them)", prefix));
    return kExitBadInput;
  }
  if (runs->size() > 1) {
    std::string list;
    for (const RunRecord& run : *runs) list += fmt::format("\n  {}  {}", run.key.substr(0, 12), run.label);
    PrintError(fmt::format("'{}' matches {} runs; give more characters:{}", prefix, runs->size(), list));
    return kExitBadInput;
  }
  Result<std::vector<AttemptRecord>> attempts = store.Attempts(runs->front().key);
  if (!attempts) {
    PrintError(attempts.error());
    return kExitHarnessError;
  }
  if (attempts->empty()) {
    PrintError(fmt::format("run {} ({}) has no attempts yet", runs->front().key.substr(0, 12), runs->front().label));
    return kExitBadInput;
  }
  if (number > static_cast<int>(attempts->size())) {
    PrintError(fmt::format("run {} has {} attempt(s), not {}", runs->front().key.substr(0, 12), attempts->size(), number));
    return kExitBadInput;
  }
  if (run_out != nullptr) *run_out = runs->front();
  return number > 0 ? (*attempts)[number - 1] : attempts->back();
}

std::string DescribeMetric(const MetricRecord& metric) {
  std::string value = metric.value ? FormatNumber(*metric.value) : metric.flag;
  if (metric.std) value += " ± " + FormatNumber(*metric.std);
  if (!metric.unit.empty() && metric.value) value += " " + metric.unit;
  std::string line = fmt::format("  {:<20} {:<24} {} point{}", metric.name, value, metric.points, metric.points == 1 ? "" : "s");
  if (!metric.message.empty()) line += "  (" + metric.message + ")";
  return VisibleText(line);
}

}  // namespace

int Show(const std::string& run_prefix, const CommonOptions& common, int number, const std::string& series) {
  auto opened = OpenStore(common, StoreAccess::kReadOnly);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  Store& store = *std::get<std::unique_ptr<Store>>(opened);
  RunRecord run;
  std::variant<AttemptRecord, int> found = FindAttempt(store, run_prefix, number, &run);
  if (std::holds_alternative<int>(found)) return std::get<int>(found);
  const AttemptRecord& a = std::get<AttemptRecord>(found);
  if (!series.empty()) {
    Result<std::vector<SeriesPoint>> points = store.Series(a.id, series);
    if (!points) {
      PrintError(points.error());
      return kExitHarnessError;
    }
    if (points->empty()) {
      PrintError(fmt::format("attempt {} of {} has no series '{}'", a.number, run.label, series));
      return kExitBadInput;
    }
    std::cout << "step\tvalue\tstd\tflag\n";
    for (const SeriesPoint& p : *points) {
      std::cout << fmt::format("{}\t{}\t{}\t{}\n", p.step ? std::to_string(*p.step) : "", p.value ? fmt::format("{}", *p.value) : "",
                               p.std ? fmt::format("{}", *p.std) : "", p.flag);
    }
    return kExitAllReproduced;
  }
  std::string ended = a.status;
  if (a.exit_code) ended += fmt::format(", exit code {}", *a.exit_code);
  if (a.signal) ended += fmt::format(", signal {}", *a.signal);
  std::cout << fmt::format("run      {}  {}\nattempt  {} of run; {} in {}\nstarted  {}\nfolder   {}\n", run.key, VisibleText(run.label),
                           a.number, ended, FormatDuration(a.wall_seconds), VisibleText(a.started_at), VisibleText(a.dir));
  std::cout << fmt::format("compute  {} CPU, peak memory {:.1f} MiB\n", FormatDuration(a.cpu_seconds), a.peak_rss_kib / 1024.0);
  if (!a.message.empty()) std::cout << "note     " << VisibleText(a.message) << "\n";
  std::cout << "metrics\n";
  for (const MetricRecord& metric : a.metrics) std::cout << DescribeMetric(metric) << "\n";
  if (a.metrics.empty()) std::cout << "  (none recorded)\n";
  return kExitAllReproduced;
}

int Logs(const std::string& run_prefix, const CommonOptions& common, int number, bool stderr_log) {
  auto opened = OpenStore(common, StoreAccess::kReadOnly);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  std::variant<AttemptRecord, int> found = FindAttempt(*std::get<std::unique_ptr<Store>>(opened), run_prefix, number, nullptr);
  if (std::holds_alternative<int>(found)) return std::get<int>(found);
  std::filesystem::path log = std::filesystem::path(std::get<AttemptRecord>(found).dir) / (stderr_log ? "stderr.log" : "stdout.log");
  std::ifstream in(log, std::ios::binary);
  if (!in) {
    PrintError(fmt::format("cannot read {}", log.string()));
    return kExitHarnessError;
  }
  std::cout << in.rdbuf();
  return kExitAllReproduced;
}

int Validate(const std::vector<std::string>& manifests, int64_t max_runs) {
  int exit_code = kExitAllReproduced;
  for (const std::string& path : manifests) {
    std::variant<Loaded, int> loaded = LoadAndPlan(path, nullptr, false, max_runs);
    if (std::holds_alternative<int>(loaded)) {
      exit_code = std::max(exit_code, std::get<int>(loaded));
      continue;
    }
    const Loaded& l = std::get<Loaded>(loaded);
    std::cout << fmt::format("{}: ok ({} experiment{}, {} run{}, {} claim{})\n", path, l.manifest.experiments.size(),
                             l.manifest.experiments.size() == 1 ? "" : "s", l.runs.size(), l.runs.size() == 1 ? "" : "s",
                             l.manifest.claims.size(), l.manifest.claims.size() == 1 ? "" : "s");
    PrintWarnings(path, l.manifest);
    if (!l.manifest.source.ref.empty()) {
      std::cerr << fmt::format("{}: warning: source commit '{}' is a branch, tag or short hash; repro run resolves it and the "
                               "code can move between runs: pin the full 40-hex hash\n", path, l.manifest.source.ref);
    }
  }
  return exit_code;
}

namespace {

// What a run would start, after the store says what is done: "plan", and "run --dry-run"
// (which also shows each command, with {out} left as the attempt's folder to be made).
int PrintPlan(const Loaded& l, const CommonOptions& common, bool commands, bool force) {
  std::unique_ptr<Store> store;
  if (std::filesystem::exists(common.DbPath())) {
    auto opened = OpenStore(common, StoreAccess::kReadOnly);
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
    bool runs = force || state != "done";
    to_run += runs ? 1 : 0;
    std::cout << fmt::format("{:<12} {}  {}\n", VisibleText(state), run.key.substr(0, 12), VisibleText(run.label));
    Result<std::vector<std::string>> argv = ExpandCommand(run, "<attempt>/out");
    if (commands && runs && argv) std::cout << "             " << VisibleText(ShellCommandLine(*argv)) << "\n";
  }
  std::cout << fmt::format("\n{} runs planned, {} to run; code: {}\n", l.runs.size(), to_run,
                           DescribeSource(l.manifest, l.source_identity));
  if (commands && to_run > 0 && !l.manifest.setup.empty()) {
    std::cout << fmt::format("setup: {} step(s) run first, unless this code's setup completed\n", l.manifest.setup.size());
  }
  return kExitAllReproduced;
}

}  // namespace

int Plan(const std::string& manifest_path, const CommonOptions& common) {
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path, &common);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  return PrintPlan(std::get<Loaded>(loaded), common, /*commands=*/false, /*force=*/false);
}

namespace {

// The files of a local folder's code, kept so that compare can later say what changed.
Status RecordLocalTree(const Manifest& manifest, const PreparedSource& source, Store& store) {
  if (manifest.source.is_git()) return Status::Ok();
  return store.RecordSourceTree({source.identity, manifest.source.path.string(), source.tree_files, ""});
}

// A folder's files that are not its code are named once, so a stale output of the user's own
// runs is seen to be left out rather than silently read or silently missing.
void PrintLeftOut(const Manifest& manifest, const PreparedSource& source) {
  const std::vector<std::string>& left = source.left_out;
  if (manifest.source.is_git() || left.empty()) return;
  std::string names = fmt::format("{}", fmt::join(left.begin(), left.begin() + std::min<size_t>(left.size(), 8), ", "));
  std::cerr << fmt::format("  code: {} path(s) of {} left out (ignored by {}): {}{}\n", left.size(),
                           VisibleText(manifest.source.path.string()), source.from_git ? "git or .reproignore" : ".reproignore",
                           VisibleText(names), left.size() > 8 ? ", ..." : "");
}


// Runs that use the same code: the manifest's source, or an experiment's own.
struct CodeGroup {
  Source source;
  std::vector<RunSpec> runs;
  std::string experiments;  // " of experiment 'old'", for an experiment's own code
};

std::vector<CodeGroup> GroupByCode(const Loaded& l) {
  std::vector<CodeGroup> groups;
  std::map<std::string, size_t> index;  // code identity -> group
  for (const RunSpec& run : l.runs) {
    const std::string& identity = l.code.Of(*run.experiment);
    auto [it, fresh] = index.emplace(identity, groups.size());
    if (fresh) {
      bool own = identity != l.code.base;
      groups.push_back({own ? l.manifest.SourceOf(*run.experiment) : l.manifest.source, {}, ""});
      if (own) groups.back().experiments = fmt::format(" of experiment '{}'", run.experiment->id);
    }
    groups[it->second].runs.push_back(run);
  }
  // The manifest's own code first, as before experiments could have their own.
  std::stable_partition(groups.begin(), groups.end(), [](const CodeGroup& group) { return group.experiments.empty(); });
  return groups;
}

RunSummary Add(RunSummary a, const RunSummary& b) {
  a.planned += b.planned;
  a.cached += b.cached;
  a.started += b.started;
  a.completed += b.completed;
  a.unfinished += b.unfinished;
  a.elsewhere += b.elsewhere;
  a.submitted += b.submitted;
  a.attached += b.attached;
  a.left_running += b.left_running;
  a.setup_failed = a.setup_failed || b.setup_failed;
  a.interrupted = a.interrupted || b.interrupted;
  return a;
}

}  // namespace

int Run(const std::string& manifest_path, const CommonOptions& common, const RunFlags& flags) {
  if (flags.dry_run) {  // nothing is fetched, prepared, written or started
    std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path, &common);
    if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
    return PrintPlan(std::get<Loaded>(loaded), common, /*commands=*/true, flags.force);
  }
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path, &common, /*update=*/true);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  Loaded& l = std::get<Loaded>(loaded);
  PrintWarnings(manifest_path, l.manifest);
  std::optional<SlurmProfile> profile;
  if (flags.executor == "slurm") {
    std::variant<SlurmProfile, int> read = ReadSlurmProfile(flags.slurm_profile);
    if (std::holds_alternative<int>(read)) return std::get<int>(read);
    profile = std::get<SlurmProfile>(read);
  }
  auto opened = OpenStore(common);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  Store& store = *std::get<std::unique_ptr<Store>>(opened);
  InstallInterruptHandlers();
  int jobs = flags.jobs > 0 ? flags.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  RunOptions options;
  // Stored attempt folders must make sense from wherever a report is made later.
  options.results_dir = std::filesystem::absolute(common.results_dir);
  options.cache_dir = std::filesystem::absolute(common.cache ? *common.cache : DefaultCacheDir());
  options.force = flags.force;
  options.keep_work = flags.keep_work;
  if (!flags.isolation.empty()) options.sandbox = flags.isolation == "sandbox";
  options.kill_grace_seconds = flags.kill_grace_seconds;
  std::optional<int64_t> log_cap = flags.log_cap == "0" ? std::optional<int64_t>(0) : ParseBytes(flags.log_cap);
  if (!log_cap) {
    PrintError(fmt::format("--log-cap must be a size such as 100M or 1G (0: no cap), got '{}'", flags.log_cap));
    return kExitBadInput;
  }
  options.log_cap_bytes = *log_cap;
  options.jobs = jobs;
  ProgressPrinter printer(stderr, IsSmartTerminal(STDERR_FILENO), flags.verbosity);
  options.progress = [&printer](const ProgressEvent& event) { printer(event); };
  options.interrupted = [] { return InterruptCount() > 0; };
  RunSummary summary;
  // Experiments with their own commit or patches run their code after the manifest's.
  std::vector<CodeGroup> groups = GroupByCode(l);
  for (const CodeGroup& group : groups) {
    Result<PreparedSource> source = PrepareSource(l.manifest, group.source, common.cache ? *common.cache : DefaultCacheDir());
    if (!source) {
      PrintError(source.error());
      return InterruptCount() > 0 ? kExitInterrupted : kExitHarnessError;
    }
    for (const std::string& deviation : source->deviations) l.checkout_deviations.push_back(deviation);
    if (Status kept = RecordLocalTree(l.manifest, *source, store); !kept) {
      PrintError(kept.error());
      return kExitHarnessError;
    }
    if (flags.verbosity != Verbosity::kQuiet) {
      std::cerr << fmt::format("{}: {} runs{}, code {}\n", manifest_path, group.runs.size(), group.experiments,
                               VisibleText(source->description));
      if (&group == &groups.front()) {
        for (const std::string& deviation : l.checkout_deviations) std::cerr << "  deviation: " << VisibleText(deviation) << "\n";
        for (const std::string& deviation : Deviations(l.manifest)) std::cerr << "  deviation: " << VisibleText(deviation) << "\n";
      }
    }
    for (const std::string& warning : source->warnings) std::cerr << "repro: warning: " << VisibleText(warning) << "\n";
    if (flags.verbosity != Verbosity::kQuiet) PrintLeftOut(l.manifest, *source);
    Result<RunSummary> part = Error{""};
    if (profile) {
      part = RunOnSlurm(l, group.runs, *source, store, options, *profile);
    } else {
      LocalExecutor executor(jobs, DetectCapacity());
      part = RunManifest(l.manifest, group.runs, *source, store, executor, options);
    }
    if (!part) {
      PrintError(part.error());
      return kExitHarnessError;
    }
    summary = Add(summary, *part);
    if (part->interrupted || part->left_running > 0 || InterruptCount() > 0) break;
  }
  if (summary.left_running > 0) {
    std::cerr << fmt::format("repro: stopped following; {} attempt(s) stay queued or running on Slurm. Run the same command "
                             "again to follow them (nothing is submitted twice), or: repro cancel {}\n",
                             summary.left_running, manifest_path);
    return kExitInterrupted;
  }
  if (summary.interrupted || InterruptCount() > 0) {
    std::cerr << "repro: interrupted; completed runs are kept, run the same command again to continue\n";
    return kExitInterrupted;
  }
  std::cerr << "\n";
  return JudgeAndPrint(l, store, /*json=*/false, /*save=*/true);
}

namespace {

bool IsSqliteFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof(header));
  return in.gcount() == 16 && std::string(header, 15) == "SQLite format 3";
}

}  // namespace

int Diff(const std::string& a, const std::string& b, const std::optional<std::string>& manifest, const CommonOptions& common,
         const std::string& format, const std::optional<std::filesystem::path>& output) {
  bool databases = IsSqliteFile(a) && IsSqliteFile(b);
  if (databases && !manifest) {
    PrintError("two databases are compared on the claims of one manifest: add --manifest MANIFEST");
    return kExitBadInput;
  }
  auto side = [&](const std::string& path) {
    CommonOptions options = common;
    if (databases) options.db = path;
    return LoadAndEvaluate(databases ? *manifest : path, options);
  };
  auto left = side(a);
  if (std::holds_alternative<int>(left)) return std::get<int>(left);
  auto right = side(b);
  if (std::holds_alternative<int>(right)) return std::get<int>(right);
  const Evaluation& evaluation_a = std::get<0>(left)->evaluation;
  const Evaluation& evaluation_b = std::get<0>(right)->evaluation;
  std::string text = RenderDiff(evaluation_a, a, evaluation_b, b, format);
  if (!output) {
    std::cout << text;
    return kExitAllReproduced;
  }
  if (Status written = WriteFileAtomically(*output, text); !written) {
    PrintError(written.error());
    return kExitHarnessError;
  }
  std::cout << "diff written to " << output->string() << "\n";
  return kExitAllReproduced;
}

int Bundle(const std::string& manifest_path, const CommonOptions& common, const std::filesystem::path& output,
           const BundleOptions& options) {
  auto evaluated = LoadAndEvaluate(manifest_path, common);
  if (std::holds_alternative<int>(evaluated)) return std::get<int>(evaluated);
  const Evaluated& e = *std::get<0>(evaluated);
  const Loaded& l = e.loaded;
  Result<BundleWritten> written = WriteBundle(e.evaluation, l.runs, *e.store, output, options);
  if (!written) {
    PrintError(written.error());
    return kExitHarnessError;
  }
  for (const std::string& refused : written->refused) PrintError("warning: not bundled: " + refused);
  std::cout << fmt::format("{}: manifest, reports, logs and database of {} runs{}\n", output.string(), l.runs.size(),
                           written->is_signed ? ", SHA256SUMS signed (SHA256SUMS.sig)" : "");
  // The one value to publish with the review: it names SHA256SUMS, which names every file.
  std::cout << fmt::format("root digest: {}\n", written->root_digest);
  std::cout << fmt::format("check it with: repro verify {} --digest {}\n", output.string(), written->root_digest);
  return kExitAllReproduced;
}

int Verify(const std::filesystem::path& archive, const VerifyOptions& options) {
  Result<VerifyResult> result = VerifyBundle(archive, options);
  if (!result) {
    PrintError(result.error());
    return kExitBadInput;
  }
  // Member names come from whoever made the archive: shown, never sent as controls.
  for (const std::string& problem : result->problems) std::cout << VisibleText(problem) << "\n";
  std::cout << fmt::format("{}: {} of {} files as bundled{}\n", archive.string(), result->intact, result->files,
                           result->ok() ? "" : "; this bundle was changed after it was made");
  std::cout << fmt::format("report.json: {} file hash(es) it lists match the bundled files\n", result->report_hashes);
  std::cout << fmt::format("root digest: {}{}\n", result->root_digest,
                           options.digest.empty() ? " (compare it with the one published with the review, or give --digest)"
                           : result->digest_matched ? " (matches --digest)" : " (NOT the one given)");
  if (!result->signature.empty()) {
    std::cout << "signature: " << VisibleText(result->signature) << "\n";
  } else if (options.allowed_signers.empty()) {
    std::cout << (result->has_signature ? "signature: SHA256SUMS.sig present, not checked (give --allowed-signers FILE --identity ID)\n"
                                        : "signature: none\n");
  }
  return result->ok() ? kExitAllReproduced : kExitNotReproduced;
}

int PrintFingerprint(const std::optional<std::string>& manifest_path) {
  std::optional<Manifest> manifest;
  if (manifest_path) {
    manifest = LoadOrReport(*manifest_path);
    if (!manifest) return kExitBadInput;
  }
  // A local folder's code is scanned for the packages it imports, as repro run does.
  Fingerprint fingerprint = TakeFingerprint(manifest ? &*manifest : nullptr,
                                            manifest && !manifest->source.is_git() ? manifest->source.path : std::filesystem::path());
  nlohmann::ordered_json out = {{"sha256", fingerprint.sha256}, {"environment", nlohmann::json::parse(fingerprint.json)}};
  std::cout << out.dump(2) << "\n";
  return kExitAllReproduced;
}

int Fetch(const std::string& manifest_path, const CommonOptions& common) {
  std::optional<Manifest> manifest = LoadOrReport(manifest_path);
  if (!manifest) return kExitBadInput;
  std::filesystem::path cache = common.cache ? *common.cache : DefaultCacheDir();
  int failed = 0;
  for (const Input& input : manifest->inputs) {
    Result<std::filesystem::path> cached = FetchInput(input, cache);
    if (cached) {
      std::cout << fmt::format("{}: ok (sha256 {}) {}\n", input.path, input.sha256.substr(0, 12), cached->string());
    } else {
      PrintError(cached.error());
      ++failed;
    }
  }
  if (manifest->inputs.empty()) std::cout << manifest_path << ": no inputs to fetch\n";
  return failed > 0 ? kExitHarnessError : kExitAllReproduced;
}

int Compare(const std::string& manifest_path, const CommonOptions& common, bool json, bool quiet) {
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path, &common);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  auto opened = OpenStore(common, StoreAccess::kReadOnly);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  return JudgeAndPrint(std::get<Loaded>(loaded), *std::get<std::unique_ptr<Store>>(opened), json, /*save=*/false, quiet);
}

int Report(const std::string& manifest_path, const CommonOptions& common, const std::string& format,
           const std::optional<std::filesystem::path>& output) {
  auto evaluated = LoadAndEvaluate(manifest_path, common);
  if (std::holds_alternative<int>(evaluated)) return std::get<int>(evaluated);
  const Evaluation* evaluation = &std::get<0>(evaluated)->evaluation;
  if (format == "pdf" && (!output || output->string() == "-") && ::isatty(STDOUT_FILENO)) {
    PrintError("a PDF is not for a terminal: give -o FILE.pdf");
    return kExitBadInput;
  }
  if (std::optional<std::string> change = ExplainOtherCode(std::get<0>(evaluated)->loaded, *std::get<0>(evaluated)->store, common.max_runs)) {
    std::cerr << "repro: the code changed since the runs: " << VisibleText(*change) << "\n";
  }
  std::string text = format == "json"    ? RenderJson(*evaluation)
                     : format == "html"  ? RenderHtml(*evaluation)
                     : format == "pdf"   ? RenderHtml(*evaluation, /*for_print=*/true)
                     : format == "latex" ? RenderLatex(*evaluation)
                     : format == "junit" ? RenderJunit(*evaluation)
                                         : RenderMarkdown(*evaluation);
  if (format == "pdf") {
    Result<std::string> pdf = RenderPdf(text);
    if (!pdf) {
      PrintError(pdf.error());
      return kExitHarnessError;
    }
    text = std::move(*pdf);
  }
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
