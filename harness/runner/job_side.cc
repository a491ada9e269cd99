#include "harness/runner/job_side.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>

#include "harness/fingerprint/fingerprint.h"
#include "harness/manifest/parser.h"
#include "harness/runner/runner.h"
#include "harness/util/atomic_file.h"
#include "harness/util/process_identity.h"
#include "harness/util/read_file.h"
#include "harness/util/time.h"

namespace repro {
namespace {

using Json = nlohmann::ordered_json;

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

std::string SlurmTask() {
  const char* job = std::getenv("SLURM_ARRAY_JOB_ID");
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (job != nullptr && task != nullptr) return fmt::format("{}_{}", job, task);
  const char* plain = std::getenv("SLURM_JOB_ID");
  return plain != nullptr ? plain : "";
}

// Streams series points to series.tsv as they are extracted, as the local runner streams
// them to the database.
class SeriesFile {
 public:
  explicit SeriesFile(const std::filesystem::path& path) : file_(std::fopen(path.c_str(), "w")) {}
  ~SeriesFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  void Add(const std::string& metric, const Observation& o) {
    if (file_ == nullptr) return;
    std::string line = SeriesLine(metric, next_seq_[metric]++, o);
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) failed_ = true;
    ++points_;
  }
  // Flushed and on disk before the record that counts its points.
  Status Close(const std::filesystem::path& path) {
    if (file_ == nullptr) return Error{fmt::format("cannot write {}", path.string())};
    bool ok = std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0 && !failed_;
    std::fclose(file_);
    file_ = nullptr;
    return ok ? Status::Ok() : Status(Error{fmt::format("cannot write {} (disk full?)", path.string())});
  }
  int64_t points() const { return points_; }

 private:
  std::FILE* file_;
  std::map<std::string, int64_t> next_seq_;
  int64_t points_ = 0;
  bool failed_ = false;
};

// Where a task finds its run: the manifest as submitted, planned again.
Result<RunSpec> FindRun(const ArrayTasks& tasks, const std::string& run_key, Manifest& manifest) {
  ManifestLoad load = ParseManifest(tasks.manifest_text, tasks.manifest_path, tasks.manifest_path.parent_path());
  if (!load.ok())
    return Error{fmt::format("{}: the submitted manifest no longer parses: {}", tasks.manifest_path.string(),
                             load.errors.front().message)};
  manifest = std::move(load.manifest);
  // The submitter already held the plan to its --max-runs; a task only finds its run in it.
  Result<std::vector<RunSpec>> runs = PlanRuns(manifest, tasks.source_identity, std::numeric_limits<int64_t>::max());
  if (!runs) return Error{runs.error()};
  for (RunSpec& run : *runs) {
    if (run.key == run_key) return run;
  }
  return Error{fmt::format("run {} is not in the submitted manifest's plan", run_key.substr(0, 12))};
}

}  // namespace

Status WriteArrayTasks(const std::filesystem::path& path, const ArrayTasks& tasks) {
  Json json;
  json["schema"] = 1;
  json["manifest_path"] = tasks.manifest_path.string();
  json["manifest_text"] = tasks.manifest_text;
  json["source_identity"] = tasks.source_identity;
  json["source_dir"] = tasks.settings.source_dir.string();
  json["sandbox"] = tasks.settings.sandbox;
  json["kill_grace_seconds"] = tasks.settings.kill_grace_seconds;
  json["log_cap_bytes"] = tasks.settings.log_cap_bytes;
  json["tasks"] = Json::array();
  for (const ArrayTasks::Task& task : tasks.tasks) {
    json["tasks"].push_back(
        {{"run_key", task.run_key}, {"run_dir", task.run_dir.string()}, {"first_attempt", task.first_attempt}});
  }
  if (!tasks.packs.empty()) json["packs"] = tasks.packs;
  return WriteFileAtomically(path, json.dump(1) + "\n");
}

Result<ArrayTasks> ReadArrayTasks(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return Error{text.error()};
  try {
    Json json = Json::parse(*text);
    if (json.at("schema").get<int>() != 1)
      return Error{fmt::format("{}: written by another repro version", path.string())};
    ArrayTasks tasks;
    tasks.manifest_path = json.at("manifest_path").get<std::string>();
    tasks.manifest_text = json.at("manifest_text").get<std::string>();
    tasks.source_identity = json.at("source_identity").get<std::string>();
    tasks.settings.source_dir = json.at("source_dir").get<std::string>();
    tasks.settings.sandbox = json.at("sandbox").get<bool>();
    tasks.settings.kill_grace_seconds = json.at("kill_grace_seconds").get<double>();
    tasks.settings.log_cap_bytes = json.at("log_cap_bytes").get<int64_t>();
    for (const Json& task : json.at("tasks")) {
      tasks.tasks.push_back({task.at("run_key").get<std::string>(), task.at("run_dir").get<std::string>(),
                             task.at("first_attempt").get<int>()});
    }
    if (json.contains("packs")) tasks.packs = json.at("packs").get<std::vector<std::vector<int>>>();
    for (const std::vector<int>& pack : tasks.packs) {
      for (int entry : pack) {
        if (entry < 0 || entry >= static_cast<int>(tasks.tasks.size()))
          return Error{fmt::format("{}: a pack names task {} of {}", path.string(), entry, tasks.tasks.size())};
      }
    }
    return tasks;
  } catch (const Json::exception& e) {
    return Error{fmt::format("{} is not a task file repro can read: {}", path.string(), e.what())};
  }
}

std::filesystem::path TaskAttemptDir(const ArrayTasks::Task& task, int restart) {
  return task.run_dir / fmt::format("attempt-{}", task.first_attempt + restart);
}

namespace {

// Whether an attempt of "task" ended on its own before restart "restart" (a record that
// does not say interrupted): it is not run again, and may have been ingested already.
bool EndedBefore(const ArrayTasks::Task& task, int restart) {
  for (int earlier = 0; earlier < restart; ++earlier) {
    Result<JobResult> record = ReadJobResult(TaskAttemptDir(task, earlier));
    if (record && record->attempt.status != AttemptStatus::kInterrupted) return true;
  }
  return false;
}

Result<JobResult> RunOneAttempt(const ArrayTasks& tasks, const ArrayTasks::Task& task, int restart) {
  JobResult result;
  result.job = SlurmTask();
  result.node = HostName();
  result.restart = restart;
  AttemptRecord& attempt = result.attempt;
  attempt.run_key = task.run_key;
  attempt.number = task.first_attempt + result.restart;
  attempt.dir = TaskAttemptDir(task, result.restart).string();
  attempt.started_at = NowUtcIso8601();
  std::filesystem::path dir = attempt.dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", dir.string(), ec.message())};
  // A record from before a requeue of this very folder is stale (it cannot be: each restart
  // has its own folder), but never ingest a half-old state: start clean.
  std::filesystem::remove(dir / kJobResultFile, ec);

  Manifest manifest;
  Result<RunSpec> run = FindRun(tasks, task.run_key, manifest);
  Fingerprint fingerprint = run ? TakeFingerprint(&manifest, tasks.settings.source_dir) : TakeFingerprint(nullptr);
  result.environment_json = fingerprint.json;
  attempt.environment = fingerprint.sha256;
  Result<AttemptRequest> request = run ? PrepareAttempt(manifest, *run, dir, attempt.number, tasks.settings)
                                       : Result<AttemptRequest>(Error{run.error()});
  SeriesFile series(dir / kJobSeriesFile);
  if (!request) {
    attempt.status = AttemptStatus::kStartFailed;
    attempt.message = request.error();
  } else {
    result.argv = request->command;
    request->series = [&series](const std::string& metric, const Observation& o) { series.Add(metric, o); };
    Capacity capacity = DetectCapacity();
    // Slurm granted the job what it asked for; the node's own count is no reason to refuse.
    capacity.cpus = std::max(capacity.cpus, request->resources.cpus);
    if (capacity.memory_bytes > 0)
      capacity.memory_bytes = std::max(capacity.memory_bytes, request->resources.memory_bytes);
    LocalExecutor executor(1, capacity);
    executor.Start(std::move(*request));
    TakeOutcome(*executor.WaitForOne(), attempt);
    if (attempt.status == AttemptStatus::kInterrupted && WarningSignalReceived()) {
      attempt.status = AttemptStatus::kTimeout;
      attempt.message = "stopped at Slurm's warning signal, before the job's time limit";
    }
  }
  if (Status closed = series.Close(dir / kJobSeriesFile); !closed && attempt.status == AttemptStatus::kCompleted) {
    attempt.status = AttemptStatus::kFailed;  // a completed attempt has its whole series
    attempt.message = closed.error();
  }
  result.series_points = series.points();
  attempt.finished_at = NowUtcIso8601();
  if (Status written = WriteJobResult(dir, result); !written) return Error{written.error()};
  return result;
}

}  // namespace

Result<std::vector<JobResult>> RunJobSideTask(const std::filesystem::path& task_file, int index) {
  InstallInterruptHandlers(/*warning_signal=*/true);
  Result<ArrayTasks> tasks = ReadArrayTasks(task_file);
  if (!tasks) return Error{tasks.error()};
  if (index < 0 || index >= tasks->ArrayTaskCount()) {
    return Error{fmt::format("{} has {} tasks, not task {}", task_file.string(), tasks->ArrayTaskCount(), index)};
  }
  std::vector<int> entries = tasks->packs.empty() ? std::vector<int>{index} : tasks->packs[index];
  int restart = EnvInt("SLURM_RESTART_COUNT", 0);
  std::vector<JobResult> results;
  for (size_t i = 0; i < entries.size(); ++i) {
    const ArrayTasks::Task& task = tasks->tasks[entries[i]];
    if (entries.size() > 1 && EndedBefore(task, restart)) continue;
    // Stopped (the time limit's warning, a cancel, a preemption): the attempts not begun get
    // no record, so they end as Slurm ends the task, or run after its requeue.
    if (WarningSignalReceived() || InterruptCount() > 0) break;
    Result<JobResult> result = RunOneAttempt(*tasks, task, restart);
    if (!result) return Error{result.error()};
    results.push_back(std::move(*result));
  }
  return results;
}

}  // namespace repro
