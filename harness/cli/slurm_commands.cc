// The Slurm side of the CLI: `run --executor slurm`, the job-side `attempt`, `status` and
// `cancel`.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "harness/cli/loading.h"
#include "harness/fingerprint/fingerprint.h"
#include "harness/runner/job_side.h"
#include "harness/slurm/client.h"
#include "harness/util/atomic_file.h"

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
std::variant<std::vector<JobAttempt>, int> AttemptsOnSlurm(const Loaded& loaded, Store& store) {
  std::vector<JobAttempt> on_slurm;
  for (const RunSpec& run : loaded.runs) {
    Result<std::optional<AttemptRecord>> latest = store.LatestAttempt(run.key);
    if (!latest) {
      PrintError(latest.error());
      return kExitHarnessError;
    }
    if (*latest && (*latest)->status == kStatusRunning && !(*latest)->job.empty()) on_slurm.push_back({&run, **latest});
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

std::map<std::string, slurm::State> StatesOf(slurm::Client& client, const std::vector<std::string>& tasks, std::string* error) {
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

std::variant<std::unique_ptr<OnSlurm>, int> LoadOnSlurm(const std::string& manifest_path, const CommonOptions& common) {
  std::variant<Loaded, int> loaded = LoadAndPlan(manifest_path, &common);
  if (std::holds_alternative<int>(loaded)) return std::get<int>(loaded);
  auto opened = OpenStore(common);
  if (std::holds_alternative<int>(opened)) return std::get<int>(opened);
  // On the heap: the attempts point into the plan.
  auto found = std::make_unique<OnSlurm>(OnSlurm{std::move(std::get<Loaded>(loaded)), std::move(std::get<std::unique_ptr<Store>>(opened)), {}});
  auto attempts = AttemptsOnSlurm(found->loaded, *found->store);
  if (std::holds_alternative<int>(attempts)) return std::get<int>(attempts);
  found->attempts = std::move(std::get<std::vector<JobAttempt>>(attempts));
  return found;
}

}  // namespace

std::variant<SlurmProfile, int> ReadSlurmProfile(const std::string& name_or_path) {
  std::filesystem::path path = name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".yaml")
                                   ? std::filesystem::path(name_or_path)
                                   : ConfigDir() / "slurm" / ((name_or_path.empty() ? "default" : name_or_path) + ".yaml");
  SlurmProfileLoad load = LoadSlurmProfile(path);
  if (load.errors.empty()) return load.profile;
  std::string text = ReadFile(path).value_or("");
  for (const Diagnostic& error : load.errors) std::cerr << RenderDiagnostic(error, text) << "\n";
  return kExitBadInput;
}

Result<RunSummary> RunOnSlurm(const Loaded& loaded, const std::vector<RunSpec>& runs, const PreparedSource& source, Store& store,
                              const RunOptions& options, const SlurmProfile& profile) {
  slurm::Client client(SlurmLogDir(options.results_dir, loaded.manifest));
  SlurmSettings settings;
  static_cast<SlurmProfile&>(settings) = profile;
  settings.client = &client;
  settings.repro_binary = ThisBinary();
  Result<RunSummary> summary = RunManifestOnSlurm(loaded.manifest, runs, source, store, settings, options);
  const slurm::CallCounts& calls = client.counts();
  std::cerr << fmt::format("slurm: {} sbatch, {} squeue, {} sacct call(s)\n", calls.sbatch, calls.squeue, calls.sacct);
  return summary;
}

int Attempt(const std::filesystem::path& task_file, int task) {
  Result<JobResult> written = RunJobSideAttempt(task_file, task);
  if (!written) {
    // Without a record the submitting repro goes by Slurm's state, which this exit code sets.
    std::cerr << "repro attempt: " << written.error() << "\n";
    return kExitHarnessError;
  }
  return written->attempt.status == kStatusCompleted ? kExitAllReproduced : kExitNotReproduced;
}

int ShowStatus(const std::string& manifest_path, const CommonOptions& common) {
  auto found = LoadOnSlurm(manifest_path, common);
  if (std::holds_alternative<int>(found)) return std::get<int>(found);
  const Loaded& l = std::get<0>(found)->loaded;
  Store& store = *std::get<0>(found)->store;
  slurm::Client client(SlurmLogDir(common.results_dir, l.manifest));
  std::string error;
  std::map<std::string, slurm::State> states = StatesOf(client, TaskIds(std::get<0>(found)->attempts), &error);
  if (!error.empty()) std::cerr << "repro: warning: cannot ask Slurm: " << error << "\n";
  std::map<std::string, int> counts;
  for (const RunSpec& run : l.runs) {
    Result<std::optional<AttemptRecord>> latest = store.LatestAttempt(run.key);
    std::string state = "not run", where;
    if (latest && *latest) {
      const AttemptRecord& a = **latest;
      state = a.status;
      if (!a.job.empty()) where = "job " + a.job;
      if (a.status == kStatusRunning && !a.job.empty()) {
        auto known = states.find(a.job);
        slurm::State s = known == states.end() ? slurm::State::kUnknown : known->second;
        state = s == slurm::State::kPending || s == slurm::State::kRequeued || s == slurm::State::kConfiguring ? "queued"
                : s == slurm::State::kUnknown ? "running"  // not asked, or not known yet
                : slurm::IsFinal(s) ? "ended, not ingested" : "running";
        if (s != slurm::State::kUnknown) where += fmt::format(" ({})", slurm::StateName(s));
      }
    }
    ++counts[state];
    std::cout << fmt::format("{:<20} {}  {}{}\n", state, run.key.substr(0, 12), run.label, where.empty() ? "" : "  " + where);
  }
  std::string summary;
  for (const auto& [state, count] : counts) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", count, state);
  std::cout << fmt::format("\n{} runs: {}\n", l.runs.size(), summary);
  if (counts.count("ended, not ingested") > 0) {
    std::cout << fmt::format("run `repro run {} --executor slurm` to ingest the results of ended jobs\n", manifest_path);
  }
  return kExitAllReproduced;
}

int CancelJobs(const std::string& manifest_path, const CommonOptions& common) {
  auto found = LoadOnSlurm(manifest_path, common);
  if (std::holds_alternative<int>(found)) return std::get<int>(found);
  const Loaded& l = std::get<0>(found)->loaded;
  Store& store = *std::get<0>(found)->store;
  std::vector<JobAttempt>& on_slurm = std::get<0>(found)->attempts;
  if (on_slurm.empty()) {
    std::cout << "no jobs of " << manifest_path << " are queued or running\n";
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
  if (Status cancelled = client.Cancel(ids); !cancelled) {
    PrintError(cancelled.error());
    return kExitHarnessError;
  }
  for (JobAttempt& a : on_slurm) {
    a.attempt.status = "cancelled";
    a.attempt.message = fmt::format("cancelled by repro cancel (Slurm job {})", a.attempt.job);
    if (Status s = store.FinishAttempt(a.attempt); !s) {
      PrintError(s.error());
      return kExitHarnessError;
    }
  }
  std::cout << fmt::format("cancelled {} attempt(s) of {}\n", on_slurm.size(), manifest_path);
  return kExitAllReproduced;
}

}  // namespace repro::cli
