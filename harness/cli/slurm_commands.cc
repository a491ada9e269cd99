// The Slurm side of the CLI: `run --executor slurm`, the job-side `attempt`, `status` and
// `cancel`.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/fingerprint/fingerprint.h"
#include "harness/runner/job_side.h"
#include "harness/slurm/client.h"
#include "harness/util/read_file.h"

namespace repro::cli {
namespace {

std::filesystem::path SlurmLogDir(const std::filesystem::path& results_dir, const Manifest& manifest) {
  return std::filesystem::absolute(results_dir) / ManifestFolderName(manifest) / "slurm";
}

// This repro, as a task must start it: the nodes are expected to see the same path.
std::filesystem::path ThisBinary() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("repro") : self;
}

struct JobAttempt {
  const RunSpec* run;
  AttemptRecord attempt;
};

// The manifest's attempts that are on Slurm now (running, with a job id).
CliResult<std::vector<JobAttempt>> AttemptsOnSlurm(const Loaded& loaded, Store& store) {
  std::vector<JobAttempt> on_slurm;
  for (const RunSpec& run : loaded.runs) {
    Result<std::optional<AttemptRecord>> latest = store.LatestAttempt(run.key);
    if (!latest) return CliError::Harness(latest.error());
    if (*latest && (*latest)->status == AttemptStatus::kRunning && !(*latest)->job.empty())
      on_slurm.push_back({&run, **latest});
  }
  return on_slurm;
}

// A "submitting:" job column is not a job id yet; only real ids are asked about.
std::vector<std::string> TaskIds(const std::vector<JobAttempt>& attempts) {
  std::vector<std::string> tasks;
  for (const JobAttempt& a : attempts) {
    if (!ParseSubmittingJob(a.attempt.job)) tasks.push_back(a.attempt.job);
  }
  return tasks;
}

std::map<std::string, slurm::State> StatesOf(slurm::Client& client, const std::vector<std::string>& tasks,
                                             std::string* error) {
  std::map<std::string, slurm::State> states;
  if (tasks.empty()) return states;
  Result<std::vector<slurm::JobRow>> rows = client.Query(tasks);
  if (!rows) {
    *error = rows.error();
    return states;
  }
  for (const slurm::JobRow& row : *rows) {
    if (row.task) states[fmt::format("{}_{}", row.job_id, *row.task)] = row.state;
  }
  return states;
}

// A manifest's plan, its store, and which of its attempts are on Slurm now.
struct OnSlurm {
  Loaded loaded;
  std::unique_ptr<Store> store;
  std::vector<JobAttempt> attempts;
};

CliResult<std::unique_ptr<OnSlurm>> LoadOnSlurm(const Console& console, const std::string& manifest_path,
                                                const CommonOptions& common) {
  CliResult<Loaded> loaded = LoadAndPlan(console, manifest_path, &common);
  if (!loaded) return loaded.error();
  CliResult<std::unique_ptr<Store>> store = OpenStore(common);
  if (!store) return store.error();
  // On the heap: the attempts point into the plan.
  auto found = std::make_unique<OnSlurm>(OnSlurm{std::move(*loaded), std::move(*store), {}});
  CliResult<std::vector<JobAttempt>> attempts = AttemptsOnSlurm(found->loaded, *found->store);
  if (!attempts) return attempts.error();
  found->attempts = std::move(*attempts);
  return found;
}

// What Slurm says of an attempt that is on it: "queued", "running" or "ended, not ingested".
std::string SlurmStateOf(const std::map<std::string, slurm::State>& states, const AttemptRecord& a,
                         std::string& where) {
  auto known = states.find(a.job);
  slurm::State s = known == states.end() ? slurm::State::kUnknown : known->second;
  if (s != slurm::State::kUnknown) where += fmt::format(" ({})", slurm::StateName(s));
  return s == slurm::State::kPending || s == slurm::State::kRequeued || s == slurm::State::kConfiguring ? "queued"
         : s == slurm::State::kUnknown ? "running"  // not asked, or not known yet
         : slurm::IsFinal(s)           ? "ended, not ingested"
                                       : "running";
}

// The task index --task gives, else Slurm's SLURM_ARRAY_TASK_ID.
CliResult<int> TaskIndex(int given) {
  if (given >= 0) return given;
  const char* index = std::getenv("SLURM_ARRAY_TASK_ID");
  if (index == nullptr) {
    return CliError{kExitBadInput,
                    "repro attempt: give --task N (outside a Slurm array task there is no SLURM_ARRAY_TASK_ID)\n"};
  }
  return std::atoi(index);
}

}  // namespace

CliResult<SlurmProfile> ReadSlurmProfile(const std::string& name_or_path) {
  std::filesystem::path path =
      name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".yaml")
          ? std::filesystem::path(name_or_path)
          : ConfigDir() / "slurm" / ((name_or_path.empty() ? "default" : name_or_path) + ".yaml");
  SlurmProfileLoad load = LoadSlurmProfile(path);
  if (load.errors.empty()) return load.profile;
  std::string text = ReadFile(path).value_or("");
  std::string errors;
  for (const Diagnostic& error : load.errors) errors += RenderDiagnostic(error, text) + "\n";
  return CliError{kExitBadInput, errors};
}

Result<RunSummary> RunOnSlurm(const Console& console, const Loaded& loaded, const std::vector<RunSpec>& runs,
                              const PreparedSource& source, Store& store, const RunOptions& options,
                              const SlurmProfile& profile) {
  slurm::Client client(SlurmLogDir(options.results_dir, loaded.manifest));
  SlurmSettings settings;
  static_cast<SlurmProfile&>(settings) = profile;
  settings.client = &client;
  settings.repro_binary = ThisBinary();
  Result<RunSummary> summary = RunManifestOnSlurm(loaded.manifest, runs, source, store, settings, options);
  const slurm::CallCounts& calls = client.counts();
  console.notes() << fmt::format("slurm: {} sbatch, {} squeue, {} sacct call(s)\n", calls.sbatch, calls.squeue,
                                 calls.sacct);
  return summary;
}

ExitCode Attempt(const Console& console, const std::filesystem::path& task_file, int task) {
  CliResult<int> index = TaskIndex(task);
  if (!index) return index.error();
  // Into the task's Slurm log: a node whose repro lacks its data records no package versions.
  if (std::optional<std::string> missing = MissingProbes(nullptr))
    console.notes() << "repro: warning: " << *missing << "\n";
  Result<std::vector<JobResult>> written = RunJobSideTask(task_file, *index);
  // Without a record the submitting repro goes by Slurm's state, which this exit code sets.
  if (!written) return CliError{kExitHarnessError, "repro attempt: " + written.error() + "\n"};
  bool all_completed = std::all_of(written->begin(), written->end(), [](const JobResult& result) {
    return result.attempt.status == AttemptStatus::kCompleted;
  });
  return all_completed ? kExitAllReproduced : kExitNotReproduced;
}

ExitCode ShowStatus(const Console& console, const std::string& manifest_path, const CommonOptions& common) {
  CliResult<std::unique_ptr<OnSlurm>> found = LoadOnSlurm(console, manifest_path, common);
  if (!found) return found.error();
  const Loaded& l = (*found)->loaded;
  Store& store = *(*found)->store;
  slurm::Client client(SlurmLogDir(common.results_dir, l.manifest));
  std::string error;
  std::map<std::string, slurm::State> states = StatesOf(client, TaskIds((*found)->attempts), &error);
  if (!error.empty()) console.err << "repro: warning: cannot ask Slurm: " << error << "\n";
  std::map<std::string, int> counts;
  for (const RunSpec& run : l.runs) {
    Result<std::optional<AttemptRecord>> latest = store.LatestAttempt(run.key);
    std::string state = "not run", where;
    if (latest && *latest) {
      const AttemptRecord& a = **latest;
      state = Name(a.status);
      if (!a.job.empty()) where = "job " + a.job;
      if (a.status == AttemptStatus::kRunning && !a.job.empty()) state = SlurmStateOf(states, a, where);
    }
    ++counts[state];
    console.out << fmt::format("{:<20} {}  {}{}\n", state, run.key.substr(0, 12), run.label,
                               where.empty() ? "" : "  " + where);
  }
  std::string summary;
  for (const auto& [state, count] : counts)
    summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", count, state);
  console.out << fmt::format("\n{} runs: {}\n", l.runs.size(), summary);
  if (counts.count("ended, not ingested") > 0) {
    console.out << fmt::format("run `repro run {} --executor slurm` to ingest the results of ended jobs\n",
                               manifest_path);
  }
  return kExitAllReproduced;
}

ExitCode CancelJobs(const Console& console, const std::string& manifest_path, const CommonOptions& common) {
  CliResult<std::unique_ptr<OnSlurm>> found = LoadOnSlurm(console, manifest_path, common);
  if (!found) return found.error();
  const Loaded& l = (*found)->loaded;
  Store& store = *(*found)->store;
  std::vector<JobAttempt>& on_slurm = (*found)->attempts;
  if (on_slurm.empty()) {
    console.out << "no jobs of " << manifest_path << " are queued or running\n";
    return kExitAllReproduced;
  }
  slurm::Client client(SlurmLogDir(common.results_dir, l.manifest));
  std::vector<std::string> ids = TaskIds(on_slurm);
  for (const JobAttempt& a : on_slurm) {
    // Submitted by a repro that stopped before it stored the id: found by the job's name.
    std::optional<SubmittingJob> submitting = ParseSubmittingJob(a.attempt.job);
    if (!submitting) continue;
    Result<std::vector<slurm::JobRow>> held = client.FindByName(submitting->name);
    if (held && !held->empty()) ids.push_back(held->front().job_id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (Status cancelled = client.Cancel(ids); !cancelled) return CliError::Harness(cancelled.error());
  for (JobAttempt& a : on_slurm) {
    a.attempt.status = AttemptStatus::kCancelled;
    a.attempt.message = fmt::format("cancelled by repro cancel (Slurm job {})", a.attempt.job);
    if (Status s = store.FinishAttempt(a.attempt); !s) return CliError::Harness(s.error());
  }
  console.out << fmt::format("cancelled {} attempt(s) of {}\n", on_slurm.size(), manifest_path);
  return kExitAllReproduced;
}

namespace {

void AddAttemptCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::filesystem::path task_file;
    int task = -1;  // -1: $SLURM_ARRAY_TASK_ID
  };
  auto options = std::make_shared<Options>();
  CLI::App* attempt = app.add_subcommand(
      "attempt", "Job-side: run one task of a Slurm job array (repro run --executor slurm submits it)");
  attempt->add_option("tasks", options->task_file, "The array's tasks.json")->required();
  attempt->add_option("--task", options->task, "The task index (default: $SLURM_ARRAY_TASK_ID)")->check(AtLeast(0));
  attempt->callback(
      [&invocation, options] { invocation.end = Attempt(invocation.console, options->task_file, options->task); });
}

}  // namespace

void AddSlurmCommands(CLI::App& app, Invocation& invocation) {
  AddAttemptCommand(app, invocation);
  AddManifestCommand(app, invocation, "status", "Queued, running and finished work of a manifest, with its Slurm jobs",
                     ShowStatus);
  AddManifestCommand(app, invocation, "cancel", "Cancel a manifest's queued and running Slurm jobs", CancelJobs);
}

}  // namespace repro::cli
