// repro run: runs what is not yet run, then judges every claim. The plan is grouped by code
// (the manifest's source, or an experiment's own commit or patches), and each group is
// prepared and run in turn, on this machine or on Slurm.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>
#include <memory>
#include <thread>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/exec/executor.h"
#include "harness/fingerprint/fingerprint.h"
#include "harness/source/source.h"
#include "harness/source/tree.h"
#include "harness/util/text.h"
#include "harness/util/units.h"

namespace repro::cli {
namespace {

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

// The files of a local folder's code, kept so that compare can later say what changed.
Status RecordLocalTree(const Manifest& manifest, const PreparedSource& source, Store& store) {
  if (manifest.source.is_git()) return Status::Ok();
  return store.RecordSourceTree({source.identity, manifest.source.path.string(), source.tree_files, ""});
}

// A folder's files that are not its code are named once, so a stale output of the user's own
// runs is seen to be left out rather than silently read or silently missing.
void PrintLeftOut(const Console& console, const Manifest& manifest, const PreparedSource& source) {
  const std::vector<std::string>& left = source.left_out;
  if (manifest.source.is_git() || left.empty()) return;
  std::string names = fmt::format("{}", fmt::join(left.begin(), left.begin() + std::min<size_t>(left.size(), 8), ", "));
  console.err << fmt::format("  code: {} path(s) of {} left out (ignored by {}): {}{}\n", left.size(),
                             VisibleText(manifest.source.path.string()),
                             source.from_git ? "git or .reproignore" : ".reproignore", VisibleText(names),
                             left.size() > 8 ? ", ..." : "");
}

// The runner's options from the flags; a --log-cap that is no size is bad input.
CliResult<RunOptions> OptionsFor(const CommonOptions& common, const RunFlags& flags) {
  std::optional<int64_t> log_cap = flags.log_cap == "0" ? std::optional<int64_t>(0) : ParseBytes(flags.log_cap);
  if (!log_cap)
    return CliError::BadInput(
        fmt::format("--log-cap must be a size such as 100M or 1G (0: no cap), got '{}'", flags.log_cap));
  RunOptions options;
  // Stored attempt folders must make sense from wherever a report is made later.
  options.results_dir = std::filesystem::absolute(common.results_dir);
  options.cache_dir = std::filesystem::absolute(common.cache ? *common.cache : DefaultCacheDir());
  options.force = flags.force;
  options.keep_work = flags.keep_work;
  if (!flags.isolation.empty()) options.sandbox = flags.isolation == "sandbox";
  options.kill_grace_seconds = flags.kill_grace_seconds;
  options.log_cap_bytes = *log_cap;
  options.jobs = flags.jobs > 0 ? flags.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return options;
}

// What every code group of one `repro run` runs with.
struct RunContext {
  const Console& console;
  const std::string& manifest_path;
  const RunFlags& flags;
  std::filesystem::path cache;          // where prepared code is kept
  std::optional<SlurmProfile> profile;  // set: the attempts run on Slurm
  RunOptions options;
};

// Which code a group runs; before the first group, how that code deviates from the manifest's.
void PrintCodeOf(const RunContext& run, const Loaded& l, const CodeGroup& group, const PreparedSource& source,
                 bool first) {
  const Console& console = run.console;
  bool quiet = run.flags.verbosity == Verbosity::kQuiet;
  if (!quiet) {
    console.err << fmt::format("{}: {} runs{}, code {}\n", run.manifest_path, group.runs.size(), group.experiments,
                               VisibleText(source.description));
    if (first) {
      for (const std::string& deviation : l.checkout_deviations)
        console.err << "  deviation: " << VisibleText(deviation) << "\n";
      for (const std::string& deviation : Deviations(l.manifest))
        console.err << "  deviation: " << VisibleText(deviation) << "\n";
    }
  }
  for (const std::string& warning : source.warnings)
    console.notes() << "repro: warning: " << VisibleText(warning) << "\n";
  if (!quiet) PrintLeftOut(console, l.manifest, source);
}

// Prepares a group's code and runs its runs.
CliResult<RunSummary> RunCodeGroup(const RunContext& run, Loaded& l, Store& store, const CodeGroup& group, bool first) {
  Result<PreparedSource> source = PrepareSource(l.manifest, group.source, run.cache);
  if (!source) return CliError::Say(InterruptCount() > 0 ? kExitInterrupted : kExitHarnessError, source.error());
  for (const std::string& deviation : source->deviations) l.checkout_deviations.push_back(deviation);
  if (Status kept = RecordLocalTree(l.manifest, *source, store); !kept) return CliError::Harness(kept.error());
  PrintCodeOf(run, l, group, *source, first);
  Result<RunSummary> part = Error{""};
  if (run.profile) {
    part = RunOnSlurm(run.console, l, group.runs, *source, store, run.options, *run.profile);
  } else {
    LocalExecutor executor(run.options.jobs, DetectCapacity());
    part = RunManifest(l.manifest, group.runs, *source, store, executor, run.options);
  }
  if (!part) return CliError::Harness(part.error());
  return *part;
}

// Experiments with their own commit or patches run their code after the manifest's; an
// interruption, or jobs left on Slurm, stop before the next group.
CliResult<RunSummary> RunEachCodeGroup(const RunContext& run, Loaded& l, Store& store) {
  RunSummary summary;
  std::vector<CodeGroup> groups = GroupByCode(l);
  for (const CodeGroup& group : groups) {
    CliResult<RunSummary> part = RunCodeGroup(run, l, store, group, &group == &groups.front());
    if (!part) return part.error();
    summary = Add(summary, *part);
    if (part->interrupted || part->left_running > 0 || InterruptCount() > 0) break;
  }
  return summary;
}

// The verdicts, unless the run stopped before every attempt ended.
ExitCode JudgeUnlessStopped(const RunContext& run, const Loaded& l, Store& store, const RunSummary& summary) {
  if (summary.left_running > 0) {
    return CliError{
        kExitInterrupted,
        fmt::format("repro: stopped following; {} attempt(s) stay queued or running on Slurm. Run the same command "
                    "again to follow them (nothing is submitted twice), or: repro cancel {}\n",
                    summary.left_running, run.manifest_path)};
  }
  if (summary.interrupted || InterruptCount() > 0) {
    return CliError{kExitInterrupted,
                    "repro: interrupted; completed runs are kept, run the same command again to continue\n"};
  }
  run.console.notes() << "\n";
  return JudgeAndPrint(run.console, l, store, /*json=*/false, /*save=*/true);
}

// Nothing is fetched, prepared, written or started.
ExitCode DryRun(const Console& console, const std::string& manifest_path, const CommonOptions& common,
                const RunFlags& flags) {
  CliResult<Loaded> loaded = LoadAndPlan(console, manifest_path, &common);
  if (!loaded) return loaded.error();
  return PrintPlan(console, *loaded, common, /*commands=*/true, flags.force);
}

}  // namespace

ExitCode Run(const Console& console, const std::string& manifest_path, const CommonOptions& common,
             const RunFlags& flags) {
  if (flags.dry_run) return DryRun(console, manifest_path, common, flags);
  CliResult<Loaded> loaded = LoadAndPlan(console, manifest_path, &common, /*update=*/true);
  if (!loaded) return loaded.error();
  PrintWarnings(console, manifest_path, loaded->manifest);
  // Once, before any group's environment is taken: a repro copied without its data.
  if (std::optional<std::string> missing = MissingProbes(&loaded->manifest))
    console.notes() << "repro: warning: " << *missing << "\n";
  RunContext run{console, manifest_path, flags, common.cache ? *common.cache : DefaultCacheDir(), std::nullopt, {}};
  if (flags.executor == "slurm") {
    CliResult<SlurmProfile> profile = ReadSlurmProfile(flags.slurm_profile);
    if (!profile) return profile.error();
    run.profile = std::move(*profile);
  }
  CliResult<std::unique_ptr<Store>> store = OpenStore(common);
  if (!store) return store.error();
  // A results folder inside a manifest's code, of this or another --results, is never code.
  if (Status marked = MarkResultsFolder(common.results_dir); !marked) return CliError::Harness(marked.error());
  InstallInterruptHandlers();
  CliResult<RunOptions> options = OptionsFor(common, flags);
  if (!options) return options.error();
  run.options = std::move(*options);
  ProgressPrinter printer(console.err, console.err_is_smart, flags.verbosity, console.err_terminal_fd);
  run.options.progress = [&printer](const ProgressEvent& event) { printer(event); };
  run.options.interrupted = [] { return InterruptCount() > 0; };
  CliResult<RunSummary> summary = RunEachCodeGroup(run, *loaded, **store);
  if (!summary) return summary.error();
  return JudgeUnlessStopped(run, *loaded, **store, *summary);
}

namespace {

// The run-only flags, in the order --help lists them.
void AddRunFlags(CLI::App& run, RunFlags& flags) {
  run.add_option("-j,--jobs", flags.jobs, "Attempts at once (default: one per CPU)")->check(AtLeast(0));
  run.add_flag("--force", flags.force, "Run again even runs that already completed");
  run.add_flag("--dry-run", flags.dry_run, "Print the runs that would start and their commands; run nothing");
  run.add_option("--isolation", flags.isolation,
                 "sandbox: run each attempt under bubblewrap (own PID namespace, no network, only its folder "
                 "writable); none: as a plain process. Overrides the manifest's 'isolation'")
      ->check(CLI::IsMember({"none", "sandbox"}));
  run.add_flag("--keep-work", flags.keep_work,
               "Keep each completed attempt's working copy of the source (a failed attempt's is always kept)");
  run.add_option("--kill-grace", flags.kill_grace_seconds, "Seconds between SIGTERM and SIGKILL")
      ->capture_default_str()
      ->check(AtLeast(0, /*fraction=*/true));
  run.add_option("--log-cap", flags.log_cap, "Largest log kept per stream and attempt (head and tail; 0: no cap)")
      ->capture_default_str();
  run.add_option("--executor", flags.executor,
                 "local: attempts run on this machine; slurm: one job array per experiment, followed until every "
                 "attempt ended (an interrupted repro leaves the jobs running; running it again follows them)")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->capture_default_str();
  run.add_option("--slurm-profile", flags.slurm_profile,
                 "Partition, account, qos and sbatch options: configs/slurm/NAME.yaml or a file (default: default)");
}

}  // namespace

void AddRunCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::string manifest;
    CommonOptions common;
    RunFlags flags;
    bool quiet = false, verbose = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* run = app.add_subcommand("run", "Run what is not yet run, then judge every claim");
  run->add_option("manifest", options->manifest, "Manifest file")->required();
  AddRunFlags(*run, options->flags);
  AddQuiet(*run, options->quiet, "failed attempts and the verdicts");
  run->add_flag("-v,--verbose", options->verbose, "Also show each command as it starts");
  AddCommonOptions(*run, options->common);
  AddSelection(*run, options->common);
  run->callback([&invocation, options] {
    Options& o = *options;
    o.flags.verbosity = o.quiet ? Verbosity::kQuiet : o.verbose ? Verbosity::kVerbose : Verbosity::kNormal;
    invocation.end = Run(Quieted(invocation.console, o.quiet), o.manifest, o.common, o.flags);
  });
}

}  // namespace repro::cli
