// The Slurm loop of a manifest run: claim, submit one held job array per experiment,
// record the job ids, release; then follow every task with one batched squeue (and, for
// tasks squeue has forgotten, sacct) call per poll, backing off while nothing changes, and
// ingest each task's result record when its job has ended.
#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "harness/runner/job_side.h"
#include "harness/runner/manifest_run.h"
#include "harness/slurm/batch.h"
#include "harness/slurm/client.h"
#include "harness/util/atomic_file.h"
#include "harness/util/time.h"

namespace repro {
namespace {

constexpr const char* kSubmitting = "submitting:";

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string RandomToken() {
  std::random_device random;
  return fmt::format("{:08x}", std::uniform_int_distribution<uint32_t>()(random));
}

// Slurm ended the job from outside: the record says "interrupted" or "killed", Slurm says why.
bool EndedBySlurm(slurm::State state) {
  switch (state) {
    case slurm::State::kCancelled:
    case slurm::State::kPreempted:
    case slurm::State::kNodeFail:
    case slurm::State::kTimeout:
    case slurm::State::kDeadline:
    case slurm::State::kOutOfMemory:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<SubmittingJob> ParseSubmittingJob(const std::string& job) {
  size_t hash = job.rfind('#');
  if (job.rfind(kSubmitting, 0) != 0 || hash == std::string::npos) return std::nullopt;
  size_t start = std::string_view(kSubmitting).size();
  return SubmittingJob{job.substr(start, hash - start), std::atoi(job.c_str() + hash + 1)};
}

struct ManifestRun::Tracked {
  const RunSpec* run = nullptr;
  AttemptRecord attempt;
  std::string task;  // "4242_3"
  std::filesystem::path slurm_log;  // Slurm's own output of the task, when known
  slurm::State state = slurm::State::kUnknown;
  double last_known = 0;   // when a command last knew the task
  double final_since = 0;  // when its job was first seen ended; 0: not yet
  bool started = false;
  bool done = false;
};

Result<RunSummary> ManifestRun::RunOnSlurm(const std::vector<RunSpec>& runs, const SlurmSettings& slurm) {
  on_slurm_ = true;
  Result<Pending> pending = Plan(runs);
  if (!pending) return Error{pending.error()};
  if (pending->queue.empty() && pending->on_slurm.empty()) return summary_;
  std::vector<Tracked> tracked;
  if (Status s = Reattach(*pending, slurm, tracked); !s) return Error{s.error()};
  if (!pending->queue.empty()) {
    if (Status setup = RunSetup(); !setup) {
      if (summary_.interrupted) return summary_;
      summary_.setup_failed = true;
      return RecordSetupFailure(pending->queue, setup.error());
    }
    // One array per experiment: its runs share resources, timeout and command shape.
    std::map<std::string, std::vector<const RunSpec*>> arrays;
    for (const RunSpec* run : pending->queue) arrays[run->experiment->id].push_back(run);
    for (const auto& [experiment, members] : arrays) {
      if (Status s = SubmitArray(members, slurm, tracked); !s) return Error{s.error()};
    }
  }
  total_ = static_cast<int>(tracked.size());
  if (Status s = Follow(tracked, slurm); !s) return Error{s.error()};
  return summary_;
}

Status ManifestRun::Reattach(Pending& pending, const SlurmSettings& slurm, std::vector<Tracked>& tracked) {
  std::vector<std::string> release;
  for (auto& [run, attempt] : pending.on_slurm) {
    Tracked task;
    task.run = run;
    task.attempt = attempt;
    task.task = attempt.job;
    task.last_known = Now();
    if (std::optional<SubmittingJob> submitting = ParseSubmittingJob(attempt.job)) {
      // The earlier repro stopped between sbatch and recording the job id: the job, if it
      // exists, is still held under its name.
      Result<std::vector<slurm::JobRow>> found = slurm.client->FindByName(submitting->name);
      if (!found) return Error{found.error()};
      if (found->empty()) {
        attempt.status = kStatusInterrupted;
        attempt.message = "repro stopped while submitting this attempt, before Slurm took it; submitted again";
        if (Status s = store_.FinishAttempt(attempt); !s) return s;
        pending.queue.push_back(run);
        continue;
      }
      task.task = fmt::format("{}_{}", found->front().job_id, submitting->index);
      task.attempt.job = task.task;
      if (Status s = store_.SetAttemptJobs({{attempt.id, task.task}}); !s) return s;
      release.push_back(found->front().job_id);
    }
    ++summary_.attached;
    tracked.push_back(std::move(task));
  }
  std::sort(release.begin(), release.end());
  release.erase(std::unique(release.begin(), release.end()), release.end());
  if (Status s = slurm.client->Release(release); !s) return s;
  if (summary_.attached > 0) {
    Say(fmt::format("{} attempt(s) of an earlier run are on Slurm; following them again (nothing is submitted twice)", summary_.attached));
  }
  return Status::Ok();
}

Status ManifestRun::SubmitArray(const std::vector<const RunSpec*>& runs, const SlurmSettings& slurm, std::vector<Tracked>& tracked) {
  const Experiment& experiment = *runs.front()->experiment;
  std::string token = RandomToken();
  std::string name = fmt::format("repro-{}-{}-{}", ManifestFolderName(manifest_), Slug(experiment.id), token);
  std::filesystem::path dir = options_.results_dir / ManifestFolderName(manifest_) / "slurm" / (Slug(experiment.id) + "-" + token);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", dir.string(), ec.message())};

  ArrayTasks tasks;
  tasks.manifest_path = std::filesystem::absolute(manifest_.path);
  tasks.manifest_text = manifest_.text;
  tasks.source_identity = source_.identity;
  tasks.settings = Settings();
  std::vector<Tracked> members;
  std::vector<std::pair<int64_t, std::string>> submitting;
  for (const RunSpec* run : runs) {
    Result<std::optional<AttemptRecord>> claimed = Claim(*run);
    if (!claimed) return Error{claimed.error()};
    if (!*claimed) continue;
    AttemptRecord attempt = std::move(claimed).value().value();
    attempt.dir = std::filesystem::absolute(attempt.dir).string();
    submitting.emplace_back(attempt.id, fmt::format("{}{}#{}", kSubmitting, name, tasks.tasks.size()));
    tasks.tasks.push_back({run->key, std::filesystem::path(attempt.dir).parent_path(), attempt.number});
    Tracked member;
    member.run = run;
    member.attempt = attempt;
    members.push_back(std::move(member));
  }
  if (members.empty()) return Status::Ok();
  std::filesystem::path task_file = dir / kTaskFile;
  if (Status s = WriteArrayTasks(task_file, tasks); !s) return s;

  slurm::ArrayJob job;
  job.name = name;
  job.tasks = static_cast<int>(members.size());
  job.max_running = slurm.max_running;
  job.cpus = experiment.resources.cpus;
  job.memory_bytes = experiment.resources.memory_bytes;
  job.gpus = experiment.resources.gpus;
  job.timeout_seconds = experiment.timeout_seconds;
  job.warning_seconds = slurm.warning_seconds;
  job.partition = slurm.partition;
  job.account = slurm.account;
  job.qos = slurm.qos;
  job.extra = slurm.extra;
  job.log_dir = dir;
  job.command = {slurm.repro_binary.string(), "attempt", task_file.string(), "--task", "${SLURM_ARRAY_TASK_ID}"};
  std::filesystem::path script = dir / "job.sh";
  if (Status s = WriteFileAtomically(script, slurm::RenderBatchScript(job)); !s) return s;

  // Named before sbatch and submitted held: if this repro dies before the ids are stored,
  // the next one finds the job by name and releases it, instead of submitting it again.
  if (Status s = store_.SetAttemptJobs(submitting); !s) return s;
  Result<std::string> job_id = slurm.client->SubmitHeld(script);
  if (!job_id) {
    // sbatch may have failed after Slurm took the array (interrupted, timed out): a held
    // job left behind would never run, so it is cancelled.
    if (Result<std::vector<slurm::JobRow>> left = slurm.client->FindByName(name); left && !left->empty()) {
      (void)slurm.client->Cancel({left->front().job_id});
    }
    for (Tracked& member : members) {
      member.attempt.status = kStatusStartFailed;
      member.attempt.message = fmt::format("sbatch refused the job array ({}): {}", script.string(), job_id.error());
      if (Status s = store_.FinishAttempt(member.attempt); !s) return s;
      ++summary_.unfinished;
    }
    Say(members.front().attempt.message);
    return Status::Ok();
  }
  std::vector<std::pair<int64_t, std::string>> ids;
  for (size_t i = 0; i < members.size(); ++i) {
    members[i].task = fmt::format("{}_{}", *job_id, i);
    members[i].attempt.job = members[i].task;
    members[i].slurm_log = dir / fmt::format("slurm-{}_{}.out", *job_id, i);
    members[i].last_known = Now();
    ids.emplace_back(members[i].attempt.id, members[i].task);
  }
  if (Status s = store_.SetAttemptJobs(ids); !s) return s;
  if (Status s = slurm.client->Release({*job_id}); !s) return s;
  Say(fmt::format("submitted {} attempt(s) of {} as Slurm job array {} ({})", members.size(), experiment.id, *job_id, script.string()));
  summary_.submitted += static_cast<int>(members.size());
  summary_.started += static_cast<int>(members.size());
  for (Tracked& member : members) tracked.push_back(std::move(member));
  return Status::Ok();
}

void ManifestRun::SleepUnlessInterrupted(double seconds) const {
  double until = Now() + seconds;
  while (Now() < until && !Interrupted()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

Status ManifestRun::Follow(std::vector<Tracked>& tracked, const SlurmSettings& slurm) {
  double interval = slurm.poll_min_seconds;
  while (!tracked.empty()) {
    if (Interrupted()) {
      summary_.interrupted = true;
      summary_.left_running = static_cast<int>(tracked.size());
      return Status::Ok();
    }
    std::vector<std::string> tasks;
    for (const Tracked& task : tracked) tasks.push_back(task.task);
    Result<std::vector<slurm::JobRow>> rows = slurm.client->Query(tasks);
    if (!rows) Say(fmt::format("warning: {} (trying again)", rows.error()));
    std::map<std::string, const slurm::JobRow*> by_task;
    if (rows) {
      for (const slurm::JobRow& row : *rows) {
        if (row.task) by_task[fmt::format("{}_{}", row.job_id, *row.task)] = &row;
      }
    }
    bool changed = false;
    double now = Now();
    running_on_slurm_ = 0;
    for (Tracked& task : tracked) {
      auto row = by_task.find(task.task);
      if (row != by_task.end()) {
        task.last_known = now;
        slurm::State next = slurm::Advance(task.state, row->second->state);
        changed = changed || next != task.state;
        task.state = next;
      }
      if (task.state == slurm::State::kRunning) ++running_on_slurm_;
      if (task.state == slurm::State::kRunning && !task.started) {
        task.started = true;
        Report(ProgressEvent::Started(task.run->label, "Slurm task " + task.task));
      }
      Result<bool> moved = FollowRequeue(task);
      if (!moved) return Error{moved.error()};
      changed = changed || *moved;
      bool has_record = std::filesystem::exists(std::filesystem::path(task.attempt.dir) / kJobResultFile);
      if (!slurm::IsFinal(task.state)) task.final_since = 0;
      if (slurm::IsFinal(task.state)) {
        if (task.final_since == 0) task.final_since = now;
        // An end must hold a moment (a requeue may follow), and the record may reach this
        // host a little after the job ended (NFS attribute caches).
        double ended_for = now - task.final_since;
        if (ended_for >= slurm.settle_seconds && (has_record || ended_for >= slurm.record_grace_seconds)) {
          if (Status s = Ingest(task, /*lost=*/false, slurm); !s) return s;
        }
      } else if (row == by_task.end() && rows && has_record) {
        // Gone from squeue without accounting: the record tells how it ended.
        if (Status s = Ingest(task, /*lost=*/false, slurm); !s) return s;
      } else if (row == by_task.end() && rows && now - task.last_known >= slurm.lost_after_seconds) {
        // Only when Slurm answered: a controller that does not answer loses no job.
        if (Status s = Ingest(task, /*lost=*/true, slurm); !s) return s;
      }
      changed = changed || task.done;
    }
    std::erase_if(tracked, [](const Tracked& task) { return task.done; });
    if (tracked.empty()) break;
    interval = changed ? slurm.poll_min_seconds : std::min(interval * 2, slurm.poll_max_seconds);
    SleepUnlessInterrupted(interval);
  }
  return Status::Ok();
}

Result<bool> ManifestRun::FollowRequeue(Tracked& task) {
  bool moved = false;
  while (true) {
    std::filesystem::path next = std::filesystem::path(task.attempt.dir).parent_path() / fmt::format("attempt-{}", task.attempt.number + 1);
    if (!std::filesystem::exists(next)) return moved;
    // Slurm requeued the task (preemption, a node failure, scontrol requeue) and it started
    // again in its own folder: this attempt ended there, and the next one is followed.
    AttemptRecord ended = task.attempt;
    Result<JobResult> record = ReadJobResult(ended.dir);
    std::vector<std::string> argv;
    if (record) {
      TakeEnd(record->attempt, ended);
      argv = record->argv;
    } else {
      ended.status = kStatusInterrupted;
    }
    if (ended.status != std::string(kStatusCompleted)) {
      ended.status = kStatusInterrupted;
      ended.message = fmt::format("Slurm requeued job {}; the task continues as attempt {}", task.task, ended.number + 1);
    }
    Result<AttemptRecord> continued = store_.ContinueAttempt(ended, next.string());
    if (!continued) return Error{continued.error()};
    if (Status s = Record(ended, *task.run, argv); !s) return Error{s.error()};
    ++total_;
    task.attempt = *continued;
    task.final_since = 0;
    task.started = false;
    moved = true;
  }
}

Status ManifestRun::Ingest(Tracked& task, bool lost, const SlurmSettings& slurm) {
  task.done = true;
  AttemptRecord attempt = task.attempt;
  std::vector<std::string> argv;
  Result<JobResult> record = ReadJobResult(attempt.dir);
  if (record && record->attempt.number == attempt.number) {
    const AttemptRecord& r = record->attempt;
    TakeEnd(r, attempt);
    argv = record->argv;
    if (!record->environment_json.empty()) {
      if (Status s = store_.RecordEnvironment(r.environment, record->environment_json); !s) return s;
      attempt.environment = r.environment;
    }
    bool stopped = attempt.status == std::string(kStatusInterrupted) || attempt.status == std::string(kStatusKilled);
    if (stopped && EndedBySlurm(task.state)) {
      attempt.status = slurm::AttemptStatusWithoutRecord(task.state);
      attempt.message = fmt::format("Slurm ended job {}: {}", task.task, slurm::StateName(task.state));
    }
    // A series ingest cut short by a crash of the last repro is done again, from the start.
    if (Status s = store_.DiscardSeries(attempt.id); !s) return s;
    int64_t points = 0;
    Status series = ReadSeriesFile(std::filesystem::path(attempt.dir) / kJobSeriesFile, [&](std::vector<SeriesPoint>& batch) {
      points += static_cast<int64_t>(batch.size());
      return store_.AppendSeries(attempt.id, batch);
    });
    if (!series || points != record->series_points) {
      if (attempt.status == std::string(kStatusCompleted)) attempt.status = "failed-no-result";
      attempt.message = series ? fmt::format("{} holds {} points, its record says {}", kJobSeriesFile, points, record->series_points)
                               : series.error();
    }
  } else if (lost) {
    attempt.status = slurm::AttemptStatusWithoutRecord(slurm::State::kUnknown);
    attempt.message = fmt::format(
        "Slurm no longer knows job {} (not in squeue{} for {:.0f} s) and it left no result record in {}; its node may have "
        "failed or its job record expired", task.task, slurm.client->accounting() ? " nor sacct" : ", and sacct has no accounting",
        slurm.lost_after_seconds, attempt.dir);
  } else {
    attempt.status = slurm::AttemptStatusWithoutRecord(task.state);
    bool damaged = !record && std::filesystem::exists(std::filesystem::path(attempt.dir) / kJobResultFile);
    attempt.message = fmt::format("job {} ended {} {}{}", task.task, slurm::StateName(task.state),
                                  damaged ? "and its result record cannot be read: " + record.error() : "without a result record",
                                  task.slurm_log.empty() ? "" : "; Slurm's output: " + task.slurm_log.string());
  }
  attempt.finished_at = NowUtcIso8601();
  return Record(attempt, *task.run, argv);
}

}  // namespace repro
