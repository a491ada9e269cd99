#include "harness/runner/slurm_backend.h"

#include <fmt/format.h>

#include <chrono>
#include <random>
#include <thread>

#include "harness/runner/job_side.h"
#include "harness/slurm/batch.h"
#include "harness/slurm/client.h"
#include "harness/util/atomic_file.h"
#include "harness/util/time.h"

namespace repro {
namespace {

constexpr const char* kSubmitting = "submitting:";

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

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

// Whether the record in "dir" says its attempt ended by itself, not interrupted.
bool EndedOnItsOwn(const std::string& dir) {
  Result<JobResult> record = ReadJobResult(dir);
  return record && record->attempt.status != AttemptStatus::kInterrupted;
}

}  // namespace

AttemptStatus StatusWithoutRecord(slurm::State final) {
  switch (final) {
    case slurm::State::kCompleted:
      return AttemptStatus::kFailedNoResult;
    case slurm::State::kFailed:
      return AttemptStatus::kFailed;
    case slurm::State::kTimeout:
      return AttemptStatus::kTimeout;
    case slurm::State::kOutOfMemory:
      return AttemptStatus::kOutOfMemory;
    case slurm::State::kCancelled:
      return AttemptStatus::kCancelled;
    case slurm::State::kNodeFail:
      return AttemptStatus::kNodeFailed;
    case slurm::State::kPreempted:
      return AttemptStatus::kPreempted;
    case slurm::State::kBootFail:
      return AttemptStatus::kBootFailed;
    case slurm::State::kDeadline:
      return AttemptStatus::kDeadline;
    default:
      return AttemptStatus::kLost;
  }
}

std::optional<SubmittingJob> ParseSubmittingJob(const std::string& job) {
  size_t hash = job.rfind('#');
  if (job.rfind(kSubmitting, 0) != 0 || hash == std::string::npos) return std::nullopt;
  size_t start = std::string_view(kSubmitting).size();
  return SubmittingJob{job.substr(start, hash - start), std::atoi(job.c_str() + hash + 1)};
}

Result<Backend::Adopted> SlurmBackend::Adopt(EarlierAttempts earlier, std::deque<const RunSpec*>& queue) {
  Adopted adopted;
  std::vector<std::string> release;
  for (auto& [run, attempt] : earlier) {
    Tracked task;
    task.run = run;
    task.attempt = attempt;
    task.task = attempt.job;
    task.last_known = Now();
    if (std::optional<SubmittingJob> submitting = ParseSubmittingJob(attempt.job)) {
      // The earlier repro stopped between sbatch and recording the job id: the job, if it
      // exists, is still held under its name.
      Result<std::vector<slurm::JobRow>> found = slurm_.client->FindByName(submitting->name);
      if (!found) return Error{found.error()};
      if (found->empty()) {
        attempt.status = AttemptStatus::kInterrupted;
        attempt.message = "repro stopped while submitting this attempt, before Slurm took it; submitted again";
        if (Status s = store_.FinishAttempt(attempt); !s) return Error{s.error()};
        queue.push_back(run);
        continue;
      }
      task.task = fmt::format("{}_{}", found->front().job_id, submitting->index);
      task.attempt.job = task.task;
      if (Status s = store_.SetAttemptJobs({{attempt.id, task.task}}); !s) return Error{s.error()};
      release.push_back(found->front().job_id);
    }
    ++adopted.followed;
    tracked_.push_back(std::move(task));
  }
  std::sort(release.begin(), release.end());
  release.erase(std::unique(release.begin(), release.end()), release.end());
  if (Status s = slurm_.client->Release(release); !s) return Error{s.error()};
  if (adopted.followed > 0) {
    events_.Say(
        fmt::format("{} attempt(s) of an earlier run are on Slurm; following them again (nothing is submitted twice)",
                    adopted.followed));
  }
  return adopted;
}

Status SlurmBackend::Start(const RunSpec& run, AttemptRecord attempt, const AttemptSettings& settings) {
  settings_ = settings;
  attempt.dir = std::filesystem::absolute(attempt.dir).string();
  held_[run.experiment->id].push_back({&run, std::move(attempt)});
  return Status::Ok();
}

Result<int> SlurmBackend::Submit() {
  size_t before = tracked_.size();
  // One array per experiment: its runs share resources, timeout and command shape.
  for (const auto& [experiment, members] : held_) {
    if (Status s = SubmitArray(members); !s) return Error{s.error()};
  }
  held_.clear();
  return static_cast<int>(tracked_.size() - before);
}

slurm::ArrayJob SlurmBackend::ArrayJobFor(const Experiment& experiment, const std::string& name,
                                          const std::filesystem::path& dir, const std::filesystem::path& task_file,
                                          int tasks) const {
  slurm::ArrayJob job;
  job.name = name;
  job.tasks = tasks;
  job.max_running = slurm_.max_running;
  job.cpus = experiment.resources.cpus;
  job.memory_bytes = experiment.resources.memory_bytes;
  job.gpus = experiment.resources.gpus;
  job.timeout_seconds = experiment.timeout_seconds;
  job.warning_seconds = slurm_.warning_seconds;
  job.partition = slurm_.partition;
  job.account = slurm_.account;
  job.qos = slurm_.qos;
  job.extra = slurm_.extra;
  job.log_dir = dir;
  job.command = {slurm_.repro_binary.string(), "attempt", task_file.string(), "--task", "${SLURM_ARRAY_TASK_ID}"};
  return job;
}

Status SlurmBackend::SubmitArray(const std::vector<Held>& held) {
  const Experiment& experiment = *held.front().run->experiment;
  std::string token = RandomToken();
  std::string name = fmt::format("repro-{}-{}-{}", ManifestFolderName(manifest_), Slug(experiment.id), token);
  std::filesystem::path dir =
      results_dir_ / ManifestFolderName(manifest_) / "slurm" / (Slug(experiment.id) + "-" + token);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", dir.string(), ec.message())};

  ArrayTasks tasks;
  tasks.manifest_path = std::filesystem::absolute(manifest_.path);
  tasks.manifest_text = manifest_.text;
  tasks.source_identity = source_.identity;
  tasks.settings = settings_;
  tasks.packs = Packs(held, experiment);
  // The array task each attempt runs in.
  std::vector<int> array_index(held.size());
  for (size_t i = 0; i < held.size(); ++i) array_index[i] = static_cast<int>(i);
  for (size_t p = 0; p < tasks.packs.size(); ++p) {
    for (int entry : tasks.packs[p]) array_index[entry] = static_cast<int>(p);
  }
  std::vector<Tracked> members;
  std::vector<std::pair<int64_t, std::string>> submitting;
  for (size_t i = 0; i < held.size(); ++i) {
    const Held& one = held[i];
    submitting.emplace_back(one.attempt.id, fmt::format("{}{}#{}", kSubmitting, name, array_index[i]));
    tasks.tasks.push_back({one.run->key, std::filesystem::path(one.attempt.dir).parent_path(), one.attempt.number});
    Tracked member;
    member.run = one.run;
    member.attempt = one.attempt;
    member.packed = !tasks.packs.empty() && tasks.packs[array_index[i]].size() > 1;
    members.push_back(std::move(member));
  }
  if (members.empty()) return Status::Ok();
  std::filesystem::path task_file = dir / kTaskFile;
  if (Status s = WriteArrayTasks(task_file, tasks); !s) return s;

  slurm::ArrayJob job = ArrayJobFor(experiment, name, dir, task_file, tasks.ArrayTaskCount());
  std::filesystem::path script = dir / "job.sh";
  if (Status s = WriteFileAtomically(script, slurm::RenderBatchScript(job)); !s) return s;

  // Named before sbatch and submitted held: if this repro dies before the ids are stored,
  // the next one finds the job by name and releases it, instead of submitting it again.
  if (Status s = store_.SetAttemptJobs(submitting); !s) return s;
  Result<std::string> job_id = slurm_.client->SubmitHeld(script);
  if (!job_id) {
    // sbatch may have failed after Slurm took the array (interrupted, timed out): a held
    // job left behind would never run, so it is cancelled.
    if (Result<std::vector<slurm::JobRow>> left = slurm_.client->FindByName(name); left && !left->empty()) {
      (void)slurm_.client->Cancel({left->front().job_id});
    }
    std::string why = fmt::format("sbatch refused the job array ({}): {}", script.string(), job_id.error());
    for (Tracked& member : members) {
      member.attempt.status = AttemptStatus::kStartFailed;
      member.attempt.message = why;
      ended_.push_back({member.run, std::move(member.attempt), {}, false});
    }
    events_.Say(why);
    return Status::Ok();
  }
  std::vector<std::pair<int64_t, std::string>> ids;
  for (size_t i = 0; i < members.size(); ++i) {
    members[i].task = fmt::format("{}_{}", *job_id, array_index[i]);
    members[i].attempt.job = members[i].task;
    members[i].slurm_log = dir / fmt::format("slurm-{}_{}.out", *job_id, array_index[i]);
    members[i].last_known = Now();
    ids.emplace_back(members[i].attempt.id, members[i].task);
  }
  if (Status s = store_.SetAttemptJobs(ids); !s) return s;
  if (Status s = slurm_.client->Release({*job_id}); !s) return s;
  std::string packing =
      tasks.packs.empty() ? "" : fmt::format(" in {} tasks, short attempts sharing them", tasks.ArrayTaskCount());
  events_.Say(fmt::format("submitted {} attempt(s) of {} as Slurm job array {}{} ({})", members.size(), experiment.id,
                          *job_id, packing, script.string()));
  for (Tracked& member : members) tracked_.push_back(std::move(member));
  return Status::Ok();
}

std::vector<std::vector<int>> SlurmBackend::Packs(const std::vector<Held>& held, const Experiment& experiment) const {
  // A pack must end well inside the job's time limit, which is one attempt's timeout.
  double up_to = std::min(slurm_.pack_seconds, experiment.timeout_seconds / 2);
  std::vector<std::vector<int>> packs;
  std::optional<size_t> open;  // the pack short attempts are joining
  double open_seconds = 0;
  bool shared = false;
  for (size_t i = 0; i < held.size(); ++i) {
    auto known = last_seconds_.find(held[i].run);
    bool is_short = known != last_seconds_.end() && known->second < slurm_.pack_below_seconds && known->second <= up_to;
    if (!is_short) {
      packs.push_back({static_cast<int>(i)});
      continue;
    }
    if (open && open_seconds + known->second <= up_to) {
      packs[*open].push_back(static_cast<int>(i));
      open_seconds += known->second;
      shared = true;
      continue;
    }
    open = packs.size();
    open_seconds = known->second;
    packs.push_back({static_cast<int>(i)});
  }
  return shared ? packs : std::vector<std::vector<int>>{};
}

void SlurmBackend::SleepUnlessInterrupted(double seconds) const {
  double until = Now() + seconds;
  while (Now() < until && !Interrupted()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

Result<std::vector<EndedAttempt>> SlurmBackend::WaitForEnds() {
  while (ended_.empty() && !tracked_.empty()) {
    if (polled_) SleepUnlessInterrupted(interval_);
    if (Interrupted()) break;
    polled_ = true;
    if (Status s = Poll(); !s) return Error{s.error()};
  }
  std::vector<EndedAttempt> ended = std::move(ended_);
  ended_.clear();
  return ended;
}

Status SlurmBackend::Poll() {
  std::vector<std::string> tasks;
  for (const Tracked& task : tracked_) tasks.push_back(task.task);
  Result<std::vector<slurm::JobRow>> rows = slurm_.client->Query(tasks);
  if (!rows) events_.Say(fmt::format("warning: {} (trying again)", rows.error()));
  std::map<std::string, const slurm::JobRow*> by_task;
  if (rows) {
    for (const slurm::JobRow& row : *rows) {
      if (row.task) by_task[fmt::format("{}_{}", row.job_id, *row.task)] = &row;
    }
  }
  bool changed = false;
  double now = Now();
  running_ = 0;
  size_t ended_before = ended_.size();
  for (Tracked& task : tracked_) {
    auto row = by_task.find(task.task);
    if (row != by_task.end()) {
      task.last_known = now;
      slurm::State next = slurm::Advance(task.state, row->second->state);
      changed = changed || next != task.state;
      task.state = next;
    }
    // A pack's attempts run one after another: one has begun when its log exists.
    bool running = task.state == slurm::State::kRunning &&
                   (!task.packed || std::filesystem::exists(std::filesystem::path(task.attempt.dir) / "stdout.log"));
    if (running) ++running_;
    if (running && !task.started) {
      task.started = true;
      events_.Started(*task.run, "Slurm task " + task.task);
    }
    Result<bool> moved = FollowRequeue(task);
    if (!moved) return Error{moved.error()};
    changed = changed || *moved;
    bool has_record = std::filesystem::exists(std::filesystem::path(task.attempt.dir) / kJobResultFile);
    if (!slurm::IsFinal(task.state)) task.final_since = 0;
    Status ingested = Status::Ok();
    if (slurm::IsFinal(task.state)) {
      if (task.final_since == 0) task.final_since = now;
      // An end must hold a moment (a requeue may follow), and the record may reach this
      // host a little after the job ended (NFS attribute caches).
      double ended_for = now - task.final_since;
      if (ended_for >= slurm_.settle_seconds && (has_record || ended_for >= slurm_.record_grace_seconds)) {
        ingested = Ingest(task, /*lost=*/false);
      }
    } else if (row == by_task.end() && rows && has_record) {
      // Gone from squeue without accounting: the record tells how it ended.
      ingested = Ingest(task, /*lost=*/false);
    } else if (task.packed && has_record && EndedOnItsOwn(task.attempt.dir)) {
      // An attempt of a pack ends before its task does. One interrupted waits for the task's
      // end: a requeue runs it again.
      ingested = Ingest(task, /*lost=*/false);
    } else if (row == by_task.end() && rows && now - task.last_known >= slurm_.lost_after_seconds) {
      // Only when Slurm answered: a controller that does not answer loses no job.
      ingested = Ingest(task, /*lost=*/true);
    }
    if (!ingested) return ingested;
  }
  std::erase_if(tracked_, [](const Tracked& task) { return task.ingested; });
  changed = changed || ended_.size() > ended_before;
  interval_ = changed ? slurm_.poll_min_seconds : std::min(interval_ * 2, slurm_.poll_max_seconds);
  return Status::Ok();
}

Result<bool> SlurmBackend::FollowRequeue(Tracked& task) {
  bool moved = false;
  while (true) {
    std::filesystem::path next =
        std::filesystem::path(task.attempt.dir).parent_path() / fmt::format("attempt-{}", task.attempt.number + 1);
    if (!std::filesystem::exists(next)) return moved;
    // Slurm requeued the task (preemption, a node failure, scontrol requeue) and it started
    // again in its own folder: this attempt ended there, and the next one is followed.
    AttemptRecord ended = task.attempt;
    Result<JobResult> record = ReadJobResult(ended.dir);
    std::vector<std::string> argv;
    if (record) {
      ended.end() = record->attempt.end();
      argv = record->argv;
    } else {
      ended.status = AttemptStatus::kInterrupted;
    }
    if (ended.status != AttemptStatus::kCompleted) {
      ended.status = AttemptStatus::kInterrupted;
      ended.message =
          fmt::format("Slurm requeued job {}; the task continues as attempt {}", task.task, ended.number + 1);
    }
    Result<AttemptRecord> continued = store_.ContinueAttempt(ended, next.string());
    if (!continued) return Error{continued.error()};
    ended_.push_back({task.run, std::move(ended), std::move(argv), /*continues=*/true});
    task.attempt = *continued;
    task.final_since = 0;
    task.started = false;
    moved = true;
  }
}

Status SlurmBackend::Ingest(Tracked& task, bool lost) {
  AttemptRecord attempt = task.attempt;
  std::vector<std::string> argv;
  Result<JobResult> record = ReadJobResult(attempt.dir);
  if (record && record->attempt.number == attempt.number) {
    const AttemptRecord& r = record->attempt;
    attempt.end() = r.end();
    argv = record->argv;
    if (!record->environment_json.empty()) {
      if (Status s = store_.RecordEnvironment(r.environment, record->environment_json); !s) return s;
      attempt.environment = r.environment;
    }
    bool stopped = attempt.status == AttemptStatus::kInterrupted || attempt.status == AttemptStatus::kKilled;
    if (stopped && EndedBySlurm(task.state)) {
      attempt.status = StatusWithoutRecord(task.state);
      attempt.message = fmt::format("Slurm ended job {}: {}", task.task, slurm::StateName(task.state));
    }
    // A series ingest cut short by a crash of the last repro is done again, from the start.
    if (Status s = store_.DiscardSeries(attempt.id); !s) return s;
    int64_t points = 0;
    Status series =
        ReadSeriesFile(std::filesystem::path(attempt.dir) / kJobSeriesFile, [&](std::vector<SeriesPoint>& batch) {
          points += static_cast<int64_t>(batch.size());
          return store_.AppendSeries(attempt.id, batch);
        });
    if (!series || points != record->series_points) {
      if (attempt.status == AttemptStatus::kCompleted) attempt.status = AttemptStatus::kFailedNoResult;
      attempt.message =
          series ? fmt::format("{} holds {} points, its record says {}", kJobSeriesFile, points, record->series_points)
                 : series.error();
    }
  } else if (lost) {
    attempt.status = StatusWithoutRecord(slurm::State::kUnknown);
    attempt.message = fmt::format(
        "Slurm no longer knows job {} (not in squeue{} for {:.0f} s) and it left no result record in {}; its node may "
        "have failed or its job record expired",
        task.task, slurm_.client->accounting() ? " nor sacct" : ", and sacct has no accounting",
        slurm_.lost_after_seconds, attempt.dir);
  } else {
    attempt.status = StatusWithoutRecord(task.state);
    bool damaged = !record && std::filesystem::exists(std::filesystem::path(attempt.dir) / kJobResultFile);
    attempt.message =
        fmt::format("job {} ended {} {}{}", task.task, slurm::StateName(task.state),
                    damaged ? "and its result record cannot be read: " + record.error() : "without a result record",
                    task.slurm_log.empty() ? "" : "; Slurm's output: " + task.slurm_log.string());
  }
  attempt.finished_at = NowUtcIso8601();
  ended_.push_back({task.run, std::move(attempt), std::move(argv), false});
  task.ingested = true;
  return Status::Ok();
}

}  // namespace repro
