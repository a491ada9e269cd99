#include "harness/runner/runner.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <set>

#include "harness/exec/environment.h"
#include "harness/exec/sandbox.h"
#include "harness/exec/tree_guard.h"
#include "harness/fingerprint/fingerprint.h"
#include "harness/runner/local_backend.h"
#include "harness/runner/manifest_run.h"
#include "harness/runner/setup_folder.h"
#include "harness/runner/slurm_backend.h"
#include "harness/source/source.h"
#include "harness/util/hash.h"
#include "harness/util/process_identity.h"
#include "harness/util/regular_file.h"
#include "harness/util/time.h"
#include "harness/util/units.h"

namespace repro {

// Processes of attempts whose runner died can outlive it (when its guard was killed too, or
// never started): whatever carries the dead runner's tree tokens or sits in its cgroups ends
// now. A pid that lives again belongs to another process, whose trees are not touched.
void ManifestRun::EndLeftovers(const std::vector<std::string>& dead_runners) {
  std::set<long> pids;
  for (const std::string& runner : dead_runners) pids.insert(LocalProcessId(runner));
  int ended = 0;
  for (long pid : pids) {
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      ended += KillLeftoversOf(static_cast<pid_t>(pid));
  }
  if (ended > 0) Say(fmt::format("ended {} process(es) left running by the attempts of a runner that stopped", ended));
}

Result<ManifestRun::Pending> ManifestRun::Plan(const std::vector<RunSpec>& runs) {
  if (Status s = store_.RecordManifest(manifest_.sha256, manifest_.path.string(), manifest_.text); !s)
    return Error{s.error()};
  std::vector<std::string> dead_runners;
  Result<int> recovered = store_.RecoverAbandonedAttempts(&dead_runners);
  if (!recovered) return Error{recovered.error()};
  if (*recovered > 0)
    Say(fmt::format("{} attempt(s) of an earlier runner that stopped were marked interrupted", *recovered));
  EndLeftovers(dead_runners);
  std::vector<RunRecord> records;
  for (const RunSpec& run : runs)
    records.push_back({run.key, run.experiment->id, run.label, ParamsJson(run), run.seed});
  if (Status s = store_.RecordRuns(records); !s) return Error{s.error()};
  Pending pending;
  Status read = store_.ReadTogether([&]() -> Status {
    Result<std::vector<std::optional<AttemptRecord>>> newest = store_.LatestAttempts(RunKeys(runs));
    if (!newest) return Error{newest.error()};
    for (size_t i = 0; i < runs.size(); ++i) {
      const RunSpec& run = runs[i];
      const std::optional<AttemptRecord>& latest = (*newest)[i];
      ++summary_.planned;
      if (!options_.force && latest && latest->status == AttemptStatus::kCompleted) {
        ++summary_.cached;
        continue;
      }
      if (latest && latest->status == AttemptStatus::kRunning && !latest->job.empty()) {
        pending.earlier.emplace_back(&run, *latest);
        continue;
      }
      if (latest && latest->status == AttemptStatus::kCompleted) {
        pending.last_seconds[&run] = latest->wall_seconds;
      } else if (run.experiment->typical_seconds > 0) {
        pending.last_seconds[&run] = run.experiment->typical_seconds;  // the author's word until a run says
      }
      pending.queue.push_back(&run);
    }
    return Status::Ok();
  });
  if (!read) return Error{read.error()};
  if (summary_.cached > 0)
    Say(fmt::format("{} of {} runs already completed; not running them again (use --force to)", summary_.cached,
                    summary_.planned));
  return pending;
}

void ManifestRun::OrderLongestFirst(std::deque<const RunSpec*>& queue,
                                    const std::map<const RunSpec*, double>& last_seconds) {
  auto seconds = [&](const RunSpec* run) {
    auto known = last_seconds.find(run);
    return known == last_seconds.end() ? std::numeric_limits<double>::infinity() : known->second;
  };
  std::stable_sort(queue.begin(), queue.end(),
                   [&](const RunSpec* a, const RunSpec* b) { return seconds(a) > seconds(b); });
}

void ManifestRun::Say(const std::string& line) {
  if (options_.progress) options_.progress(ProgressEvent::Note(line));
}

void ManifestRun::Started(const RunSpec& run, const std::string& detail) {
  Report(ProgressEvent::Started(run.label, detail));
}

void ManifestRun::Report(ProgressEvent event) {
  if (!options_.progress) return;
  event.done = finished_;
  event.total = total_;
  event.running = backend_ ? backend_->RunningNow() : 0;
  event.eta_seconds = Eta();
  options_.progress(event);
}

// Mean duration of a run of "experiment": from this run's completed attempts, else from
// earlier ones in the store.
std::optional<double> ManifestRun::ExpectedSeconds(const std::string& experiment) {
  auto& [sum, count] = durations_[experiment];
  if (count > 0) return sum / count;
  auto prior = prior_.find(experiment);
  if (prior == prior_.end())
    prior = prior_.emplace(experiment, store_.MeanCompletedSeconds(experiment).value_or(std::nullopt)).first;
  return prior->second;
}

std::optional<double> ManifestRun::Eta() {
  if (backend_ == nullptr || !backend_->PredictsEta()) return std::nullopt;
  double work = 0;
  for (const RunSpec* run : waiting_) {
    std::optional<double> expected = ExpectedSeconds(run->experiment->id);
    if (!expected) return std::nullopt;
    work += *expected;
  }
  for (const RunSpec* run : in_flight_) {
    std::optional<double> expected = ExpectedSeconds(run->experiment->id);
    if (!expected) return std::nullopt;
    work += *expected / 2;  // on average half done
  }
  return work / std::max(1, options_.jobs);
}

// Reports find the setup's steps by the same identity (source/SetupIdentity).
std::string ManifestRun::SetupKey() const { return SetupIdentity(manifest_, source_.identity); }

AttemptSettings ManifestRun::Settings() const {
  return AttemptSettings{code_dir_, Sandboxed(), options_.kill_grace_seconds, options_.log_cap_bytes};
}

namespace {

// Each step is stored as it ends, so a report shows what setup cost even when a later step
// fails or the runner is interrupted.
Status RecordSetupStep(Store& store, const std::string& key, int execution, int step, const ProcessSpec& spec,
                       const ProcessResult& result) {
  SetupStepRecord record;
  record.setup_key = key;
  record.execution = execution;
  record.step = step;
  record.argv = spec.argv;
  static_cast<ProcessEndRecord&>(record) = EndOfProcess(result);
  record.stdout_path = spec.stdout_path.string();
  record.stderr_path = spec.stderr_path.string();
  return store.RecordSetupStep(record);
}

}  // namespace

Status ManifestRun::RunSetup() {
  if (manifest_.setup.empty()) return Status::Ok();
  std::string key = SetupKey();
  Result<SetupFolder> folder =
      SetupFolder::Lock(options_.cache_dir.empty() ? DefaultCacheDir() : options_.cache_dir, key);
  if (!folder) return Error{folder.error()};
  code_dir_ = folder->dir();
  // Completion lives with the copy, so another database or results folder does not run it again.
  if (folder->Completed()) return Status::Ok();
  std::filesystem::path log_dir = options_.results_dir / ManifestFolderName(manifest_) / "setup" / key.substr(0, 12);
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", log_dir.string(), ec.message())};
  if (Status fresh = folder->Fresh(source_.dir); !fresh) return fresh;
  Result<int> execution = store_.NextSetupExecution(key);
  if (!execution) return Error{execution.error()};
  for (size_t i = 0; i < manifest_.setup.size(); ++i) {
    if (Status step = RunSetupStep(i, key, *execution, folder->dir(), log_dir); !step) {
      folder->Discard();  // nothing half-made is left for the next run or a patched variant
      return step;
    }
  }
  if (Status marked = folder->MarkCompleted(); !marked) return marked;
  return store_.RecordSetup(key, AttemptStatus::kCompleted, log_dir.string());
}

Status ManifestRun::RunSetupStep(size_t i, const std::string& key, int execution, const std::filesystem::path& cwd,
                                 const std::filesystem::path& log_dir) {
  Say(fmt::format("setup step {}/{}: {}", i + 1, manifest_.setup.size(), fmt::join(manifest_.setup[i], " ")));
  ProcessSpec spec;
  spec.argv = manifest_.setup[i];
  spec.cwd = cwd;
  spec.env = BuildSetupEnvironment(manifest_.env);  // git and pip behind the user's proxy, as repro's own git
  spec.stdout_path = log_dir / fmt::format("step-{}.stdout.log", i + 1);
  spec.stderr_path = log_dir / fmt::format("step-{}.stderr.log", i + 1);
  spec.timeout_seconds = kDefaultSetupTimeoutSeconds;
  spec.kill_grace_seconds = options_.kill_grace_seconds;
  ProcessResult result = RunProcess(spec);
  if (Status recorded = RecordSetupStep(store_, key, execution, static_cast<int>(i + 1), spec, result); !recorded)
    return recorded;
  if (result.end == ProcessEnd::kInterrupted || Interrupted()) {
    summary_.interrupted = true;
    return Error{"interrupted during setup"};
  }
  if (result.end == ProcessEnd::kExited && result.exit_code == 0) return Status::Ok();
  (void)store_.RecordSetup(key, AttemptStatus::kFailed, log_dir.string());
  // Its last words, not only where its log is: the reason is usually in them.
  std::string tail;
  std::filesystem::path log = spec.stderr_path;
  std::vector<std::string> lines = LastLinesOfRegularFile(log, 10);
  if (lines.empty()) lines = LastLinesOfRegularFile(log = spec.stdout_path, 10);
  for (const std::string& line : lines) tail += "\n    | " + line;
  return Error{fmt::format("setup step {} ({}) {}{}{}; log: {}{}", i + 1, fmt::join(spec.argv, " "),
                           ProcessEndName(result.end),
                           result.exit_code ? fmt::format(" with exit code {}", *result.exit_code) : "",
                           result.message.empty() ? "" : " (" + result.message + ")", log.string(),
                           tail.empty() ? "" : "; last lines:" + tail)};
}

Result<RunSummary> ManifestRun::RecordSetupFailure(const std::deque<const RunSpec*>& queue, const std::string& why) {
  // Setup failed for every run this runner would have started.
  Say(why);
  for (const RunSpec* run : queue) {
    Result<std::optional<AttemptRecord>> attempt = Claim(*run);
    if (!attempt) return Error{attempt.error()};
    if (!*attempt) continue;
    AttemptRecord& record = **attempt;
    record.status = AttemptStatus::kSetupFailed;
    record.message = why;
    record.environment = environment_;
    if (Status s = store_.FinishAttempt(record); !s) return Error{s.error()};
    ++summary_.unfinished;
  }
  return summary_;
}

Result<std::optional<AttemptRecord>> ManifestRun::Claim(const RunSpec& run) {
  Result<std::optional<AttemptRecord>> claimed =
      store_.ClaimAttempt(run.key, RunDirectory(options_.results_dir, manifest_, run).string(), options_.force);
  if (!claimed || *claimed) return claimed;
  // Another runner on this database has it, or finished it since this one planned.
  ++summary_.elsewhere;
  Result<std::optional<AttemptRecord>> latest = store_.LatestAttempt(run.key);
  if (latest && *latest && !(*latest)->job.empty() && (*latest)->status == AttemptStatus::kRunning) {
    Say(fmt::format(
        "{}: queued or running on Slurm as job {}; skipped (follow it with --executor slurm, or repro cancel)",
        run.label, (*latest)->job));
  } else {
    Say(fmt::format("{}: being run or already finished by another runner; skipped", run.label));
  }
  return claimed;
}

Status ManifestRun::Record(AttemptRecord& attempt, const RunSpec& run, const std::vector<std::string>& argv) {
  if (attempt.finished_at.empty()) attempt.finished_at = NowUtcIso8601();  // one time, in the database and attempt.json
  if (Status s = store_.FinishAttempt(attempt); !s) return s;
  WriteAttemptRecord(attempt, run, argv, Sandboxed());
  bool completed = attempt.status == AttemptStatus::kCompleted;
  if (completed && !options_.keep_work) {
    // Its metrics are read and stored; what it wrote for keeps belongs in {out}.
    std::error_code ignored;
    std::filesystem::remove_all(std::filesystem::absolute(attempt.dir) / "work", ignored);
  }
  completed ? ++summary_.completed : ++summary_.unfinished;
  if (completed) {
    auto& [sum, count] = durations_[run.experiment->id];
    sum += attempt.wall_seconds;
    ++count;
  }
  ++finished_;
  std::string values = DescribeMetrics(attempt.metrics);
  std::string line = fmt::format("[{}/{}] {}: {} in {}{}", finished_, total_, run.label,
                                 Describe(attempt.status, attempt.exit_code, attempt.signal),
                                 FormatDuration(attempt.wall_seconds), values.empty() ? "" : " (" + values + ")");
  Report(ProgressEvent::Finished(line, run.label, !completed, completed ? "" : DescribeFailure(attempt, argv)));
  return Status::Ok();
}

Result<RunSummary> ManifestRun::Run(const std::vector<RunSpec>& runs, Backend& backend) {
  backend_ = &backend;
  Result<Pending> pending = Plan(runs);
  if (!pending) return Error{pending.error()};
  std::deque<const RunSpec*>& queue = pending->queue;
  OrderLongestFirst(queue, pending->last_seconds);
  backend.ExpectDurations(pending->last_seconds);
  Result<Backend::Adopted> adopted = backend.Adopt(std::move(pending->earlier), queue);
  if (!adopted) return Error{adopted.error()};
  summary_.attached = adopted->followed;
  summary_.elsewhere += adopted->skipped;
  if (!queue.empty()) {
    if (Status prepared = backend.Prepare(); !prepared) return Error{prepared.error()};
    Status setup = RunSetup();
    if (!setup && summary_.interrupted) return summary_;  // not the setup's fault: nothing to record
    // After setup, on the copy attempts start from: packages a step installed are recorded.
    // A failed setup left no copy, so its runs name the environment of the plain code.
    Result<std::string> environment = backend.RecordEnvironment(setup ? code_dir_ : source_.dir);
    if (!environment) return Error{environment.error()};
    environment_ = *environment;
    if (!setup) {
      summary_.setup_failed = true;
      return RecordSetupFailure(queue, setup.error());
    }
  }
  total_ = static_cast<int>(queue.size()) + backend.Outstanding();
  waiting_.insert(queue.begin(), queue.end());
  while (true) {
    if (Interrupted() && !summary_.interrupted) {
      summary_.interrupted = true;
      summary_.left_running = backend.Interrupt();
      if (summary_.left_running > 0) return summary_;  // for the next run to adopt
    }
    while (!summary_.interrupted && !queue.empty() && backend.CanStart(*queue.front())) {
      if (Status s = StartAttempt(*queue.front(), backend); !s) return Error{s.error()};
      queue.pop_front();
    }
    Result<int> submitted = backend.Submit();
    if (!submitted) return Error{submitted.error()};
    summary_.submitted += *submitted;
    if (backend.Outstanding() == 0) break;
    Result<std::vector<EndedAttempt>> ended = backend.WaitForEnds();
    if (!ended) return Error{ended.error()};
    for (EndedAttempt& one : *ended) {
      if (Status s = Finish(one); !s) return Error{s.error()};
    }
  }
  return summary_;
}

Status ManifestRun::StartAttempt(const RunSpec& run, Backend& backend) {
  waiting_.erase(&run);
  Result<std::optional<AttemptRecord>> claimed = Claim(run);
  if (!claimed) return Error{claimed.error()};
  if (!*claimed) return Status::Ok();
  AttemptRecord attempt = std::move(claimed).value().value();
  auto flight = in_flight_.insert(&run);  // before Start, whose progress event counts it
  if (Status started = backend.Start(run, attempt, Settings()); !started) {
    in_flight_.erase(flight);
    attempt.status = AttemptStatus::kStartFailed;
    attempt.message = started.error();
    attempt.environment = environment_;
    ++summary_.unfinished;
    if (Status s = store_.FinishAttempt(attempt); !s) return s;
    return started;
  }
  ++summary_.started;
  return Status::Ok();
}

Status ManifestRun::Finish(EndedAttempt& ended) {
  if (ended.continues) {
    ++total_;  // the run goes on as its next attempt
  } else if (auto it = in_flight_.find(ended.run); it != in_flight_.end()) {
    in_flight_.erase(it);
  }
  return Record(ended.attempt, *ended.run, ended.argv);
}

std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) slug += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '-';
  return slug;
}

std::filesystem::path RunDirectory(const std::filesystem::path& results_dir, const Manifest& manifest,
                                   const RunSpec& run) {
  std::string name;
  for (const auto& [param, value] : run.params) name += Slug(param) + "-" + Slug(value) + "_";
  name += fmt::format("seed-{}_{}", run.seed, run.key.substr(0, 8));
  return results_dir / ManifestFolderName(manifest) / Slug(run.experiment->id) / name;
}

std::string ManifestFolderName(const Manifest& manifest) {
  std::string stem = manifest.path.stem().string();
  std::string folder = manifest.dir.filename().string();
  return Slug(stem == "repro" && !folder.empty() ? folder : stem);
}

ProcessEndRecord EndOfProcess(const ProcessResult& result) {
  ProcessEndRecord end;
  end.status = StatusOfProcess(result);
  end.exit_code = result.exit_code;
  end.signal = result.signal;
  end.wall_seconds = result.wall_seconds;
  end.cpu_seconds = result.cpu_seconds;
  end.peak_rss_kib = result.peak_rss_kib;
  return end;
}

AttemptStatus StatusOfProcess(const ProcessResult& result) {
  switch (result.end) {
    case ProcessEnd::kExited:
      return result.exit_code == 0 ? AttemptStatus::kCompleted : AttemptStatus::kFailed;
    case ProcessEnd::kSignaled:
      return AttemptStatus::kKilled;
    case ProcessEnd::kTimedOut:
      return AttemptStatus::kTimeout;
    case ProcessEnd::kInterrupted:
      return AttemptStatus::kInterrupted;
    case ProcessEnd::kStartFailed:
      return AttemptStatus::kStartFailed;
    case ProcessEnd::kOutOfMemory:
      return AttemptStatus::kOutOfMemory;
    case ProcessEnd::kProcessLimit:
      return AttemptStatus::kResourceLimit;
  }
  return AttemptStatus::kFailed;
}

Result<RunSummary> RunManifest(const Manifest& manifest, const std::vector<RunSpec>& runs, const PreparedSource& source,
                               Store& store, Executor& executor, const RunOptions& options) {
  ManifestRun run(manifest, source, store, options);
  LocalBackend backend(manifest, store, executor, run, run.Sandboxed());
  return run.Run(runs, backend);
}

Result<RunSummary> RunManifestOnSlurm(const Manifest& manifest, const std::vector<RunSpec>& runs,
                                      const PreparedSource& source, Store& store, const SlurmSettings& slurm,
                                      const RunOptions& options) {
  ManifestRun run(manifest, source, store, options);
  SlurmBackend backend(manifest, source, store, slurm, options.results_dir, run, options.interrupted);
  return run.Run(runs, backend);
}

}  // namespace repro
