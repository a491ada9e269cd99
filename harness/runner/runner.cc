#include "harness/runner/runner.h"

#include <deque>
#include <set>
#include <memory>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/exec/environment.h"
#include "harness/exec/sandbox.h"
#include "harness/fingerprint/fingerprint.h"
#include "harness/util/atomic_file.h"
#include "harness/util/hash.h"
#include "harness/util/units.h"

namespace repro {
namespace {

std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) slug += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '-';
  return slug;
}

std::string ParamsJson(const RunSpec& run) {
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& [name, value] : run.params) params[name] = value;
  return params.dump();
}

std::vector<MetricRecord> ToRecords(const std::vector<MetricValue>& values) {
  std::vector<MetricRecord> records;
  for (const MetricValue& v : values) {
    records.push_back({v.name, v.value, v.std, ValueFlagName(v.flag), v.message, v.unit, v.points});
  }
  return records;
}

// Collects an attempt's series points as they are extracted and writes them to the store
// in batches, so a long log never holds its whole series in memory.
class SeriesBuffer {
 public:
  static constexpr size_t kBatch = 10000;
  SeriesBuffer(Store& store, int64_t attempt_id) : store_(store), attempt_id_(attempt_id) {}

  void Add(const std::string& metric, const Observation& o) {
    int64_t& seq = next_seq_[metric];
    pending_.push_back({metric, seq++, o.step, o.flag == ValueFlag::kOk ? std::optional<double>(o.value) : std::nullopt, o.std,
                        ValueFlagName(o.flag)});
    if (pending_.size() >= kBatch) (void)Flush();  // a failure is kept and reported when the attempt ends
  }

  // Writes what is pending; the first failure is kept and returned from then on.
  Status Flush() {
    if (!pending_.empty() && failure_.ok()) failure_ = store_.AppendSeries(attempt_id_, pending_);
    pending_.clear();
    return failure_;
  }

 private:
  Store& store_;
  int64_t attempt_id_;
  std::vector<SeriesPoint> pending_;
  std::map<std::string, int64_t> next_seq_;
  Status failure_;
};

// The last "count" lines of a log file, indented, for a failure report.
std::string LogTail(const std::filesystem::path& path, size_t count) {
  std::string tail;
  for (const std::string& line : LastLines(path, count)) tail += "    | " + line + "\n";
  return tail;
}

std::string QuoteArgument(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n'\"\\$`;&|<>()*?[]#~") == std::string::npos) return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// What a person needs when an attempt fails: the command, how it ended, its last words.
std::string DescribeFailure(const AttemptRecord& attempt, const std::vector<std::string>& argv) {
  std::vector<std::string> quoted;
  for (const std::string& arg : argv) quoted.push_back(QuoteArgument(arg));
  std::string text = fmt::format("  command: {}\n", fmt::join(quoted, " "));
  if (!attempt.message.empty()) text += fmt::format("  note: {}\n", attempt.message);
  std::string tail = LogTail(std::filesystem::path(attempt.dir) / "stderr.log", 5);
  if (!tail.empty()) text += "  last lines of stderr:\n" + tail;
  text += fmt::format("  logs: {}", attempt.dir);
  return text;
}

std::string DescribeEnd(const AttemptRecord& attempt) {
  if (attempt.status == kStatusFailed && attempt.exit_code) return fmt::format("failed (exit {})", *attempt.exit_code);
  if (attempt.signal) return fmt::format("{} (signal {})", attempt.status, *attempt.signal);
  return attempt.status;
}

// Everything about a finished attempt, beside its logs, for people and tools that do not
// read the database. Written atomically, so it is complete or absent.
void WriteAttemptRecord(const AttemptRecord& attempt, const RunSpec& run, const std::vector<std::string>& argv,
                        const std::filesystem::path& cwd, bool sandboxed) {
  nlohmann::ordered_json record;
  record["schema"] = 1;
  record["run_key"] = run.key;
  record["label"] = run.label;
  record["experiment"] = run.experiment->id;
  record["params"] = nlohmann::ordered_json::parse(ParamsJson(run));
  record["seed"] = run.seed;
  record["attempt"] = attempt.number;
  record["argv"] = argv;
  record["cwd"] = cwd.string();
  record["isolation"] = sandboxed ? "sandbox" : "none";
  record["environment"] = attempt.environment;
  record["status"] = attempt.status;
  record["exit_code"] = attempt.exit_code ? nlohmann::ordered_json(*attempt.exit_code) : nlohmann::ordered_json();
  record["signal"] = attempt.signal ? nlohmann::ordered_json(*attempt.signal) : nlohmann::ordered_json();
  record["wall_seconds"] = attempt.wall_seconds;
  record["cpu_seconds"] = attempt.cpu_seconds;
  record["peak_rss_kib"] = attempt.peak_rss_kib;
  record["started_at"] = attempt.started_at;
  record["message"] = attempt.message;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  for (const MetricRecord& metric : attempt.metrics) {
    metrics[metric.name] = {{"value", metric.value ? nlohmann::ordered_json(*metric.value) : nlohmann::ordered_json()},
                            {"std", metric.std ? nlohmann::ordered_json(*metric.std) : nlohmann::ordered_json()},
                            {"unit", metric.unit},
                            {"flag", metric.flag},
                            {"points", metric.points},
                            {"message", metric.message}};
  }
  record["metrics"] = metrics;
  // A record that cannot be written is not fatal, and it need not survive a power cut: the
  // database holds the same facts durably.
  (void)WriteFileAtomically(std::filesystem::path(attempt.dir) / "attempt.json", record.dump(2) + "\n", /*durable=*/false);
}

class ManifestRun {
 public:
  ManifestRun(const Manifest& manifest, const PreparedSource& source, Store& store, Executor& executor,
              const RunOptions& options)
      : manifest_(manifest), source_(source), store_(store), executor_(executor), options_(options) {}

  Result<RunSummary> Run(const std::vector<RunSpec>& runs) {
    if (Status s = store_.RecordManifest(manifest_.sha256, manifest_.path.string(), manifest_.text); !s) return Error{s.error()};
    Result<int> recovered = store_.RecoverAbandonedAttempts();
    if (!recovered) return Error{recovered.error()};
    if (*recovered > 0) Say(fmt::format("{} attempt(s) of an earlier runner that stopped were marked interrupted", *recovered));
    std::vector<RunRecord> records;
    for (const RunSpec& run : runs) records.push_back({run.key, run.experiment->id, run.label, ParamsJson(run), run.seed});
    if (Status s = store_.RecordRuns(records); !s) return Error{s.error()};
    std::deque<const RunSpec*> queue;
    for (const RunSpec& run : runs) {
      ++summary_.planned;
      Result<std::optional<AttemptRecord>> latest = store_.LatestAttempt(run.key);
      if (!latest) return Error{latest.error()};
      if (!options_.force && *latest && (*latest)->status == kStatusCompleted) {
        ++summary_.cached;
        continue;
      }
      queue.push_back(&run);
    }
    if (summary_.cached > 0) Say(fmt::format("{} of {} runs already completed; not running them again (use --force to)", summary_.cached, summary_.planned));
    if (queue.empty()) return summary_;
    // The environment is recorded once per run of the manifest and linked to each attempt.
    Fingerprint fingerprint = TakeFingerprint(&manifest_);
    if (Status s = store_.RecordEnvironment(fingerprint.sha256, fingerprint.json); !s) return Error{s.error()};
    environment_ = fingerprint.sha256;
    if (Sandboxed()) {
      if (Status sandbox = CheckSandbox(); !sandbox) return Error{sandbox.error()};
      Say("isolation: sandbox (bubblewrap: own PID namespace, no network, only the attempt's folder writable)");
    }
    if (Status setup = RunSetup(); !setup) {
      if (summary_.interrupted) return summary_;  // not the setup's fault: nothing to record
      summary_.setup_failed = true;
      return RecordSetupFailure(queue, setup.error());
    }
    return RunQueue(std::move(queue));
  }

 private:
  void Say(const std::string& line) {
    if (options_.progress) options_.progress(ProgressEvent::Note(line));
  }

  void Report(ProgressEvent event) {
    if (!options_.progress) return;
    event.done = finished_;
    event.total = total_;
    event.running = static_cast<int>(in_flight_.size());
    event.eta_seconds = Eta();
    options_.progress(event);
  }

  // Mean duration of a run of "experiment": from this run's completed attempts, else from
  // earlier ones in the store.
  std::optional<double> ExpectedSeconds(const std::string& experiment) {
    auto& [sum, count] = durations_[experiment];
    if (count > 0) return sum / count;
    auto prior = prior_.find(experiment);
    if (prior == prior_.end()) prior = prior_.emplace(experiment, store_.MeanCompletedSeconds(experiment).value_or(std::nullopt)).first;
    return prior->second;
  }

  std::optional<double> Eta() {
    double work = 0;
    for (const RunSpec* run : waiting_) {
      std::optional<double> expected = ExpectedSeconds(run->experiment->id);
      if (!expected) return std::nullopt;
      work += *expected;
    }
    for (const auto& [id, flight] : in_flight_) {
      std::optional<double> expected = ExpectedSeconds(flight.run->experiment->id);
      if (!expected) return std::nullopt;
      work += *expected / 2;  // on average half done
    }
    return work / std::max(1, options_.jobs);
  }

  bool Sandboxed() const { return options_.sandbox.value_or(manifest_.sandbox); }

  bool Interrupted() const { return options_.interrupted && options_.interrupted(); }

  std::string SetupKey() const {
    std::string text = source_.identity;
    for (const auto& step : manifest_.setup) {
      for (const std::string& arg : step) text += "\n" + arg;
      text += "\n--";
    }
    for (const auto& [name, value] : manifest_.env) text += "\nenv:" + name + "=" + value;
    return Sha256Hex(text);
  }

  Status RunSetup() {
    if (manifest_.setup.empty()) return Status::Ok();
    std::string key = SetupKey();
    Result<bool> done = store_.SetupCompleted(key);
    if (!done) return Error{done.error()};
    if (*done) return Status::Ok();
    std::filesystem::path log_dir = options_.results_dir / manifest_.path.stem() / "setup" / key.substr(0, 12);
    std::error_code ec;
    std::filesystem::create_directories(log_dir, ec);
    if (ec) return Error{fmt::format("cannot create {}: {}", log_dir.string(), ec.message())};
    for (size_t i = 0; i < manifest_.setup.size(); ++i) {
      Say(fmt::format("setup step {}/{}: {}", i + 1, manifest_.setup.size(), fmt::join(manifest_.setup[i], " ")));
      ProcessSpec spec;
      spec.argv = manifest_.setup[i];
      spec.cwd = source_.dir;
      spec.env = BuildChildEnvironment(manifest_.env, {});
      spec.stdout_path = log_dir / fmt::format("step-{}.stdout.log", i + 1);
      spec.stderr_path = log_dir / fmt::format("step-{}.stderr.log", i + 1);
      spec.timeout_seconds = kDefaultSetupTimeoutSeconds;
      spec.kill_grace_seconds = options_.kill_grace_seconds;
      ProcessResult result = RunProcess(spec);
      if (result.end == ProcessEnd::kInterrupted || Interrupted()) {
        summary_.interrupted = true;
        return Error{"interrupted during setup"};
      }
      if (result.end != ProcessEnd::kExited || result.exit_code != 0) {
        (void)store_.RecordSetup(key, "failed", log_dir.string());
        return Error{fmt::format("setup step {} ({}) {}{}; log: {}", i + 1, fmt::join(spec.argv, " "),
                                 ProcessEndName(result.end),
                                 result.exit_code ? fmt::format(" with exit code {}", *result.exit_code) : "",
                                 result.message.empty() ? spec.stderr_path.string() : result.message)};
      }
    }
    return store_.RecordSetup(key, "completed", log_dir.string());
  }

  Result<RunSummary> RecordSetupFailure(const std::deque<const RunSpec*>& queue, const std::string& why) {
    // Setup failed for every run this runner would have started.
    Say(why);
    for (const RunSpec* run : queue) {
      Result<std::optional<AttemptRecord>> attempt =
          store_.ClaimAttempt(run->key, RunDirectory(options_.results_dir, manifest_, *run).string(), options_.force);
      if (!attempt) return Error{attempt.error()};
      if (!*attempt) continue;  // another runner has it
      AttemptRecord& record = **attempt;
      record.status = kStatusSetupFailed;
      record.message = why;
      record.environment = environment_;
      if (Status s = store_.FinishAttempt(record); !s) return Error{s.error()};
      ++summary_.unfinished;
    }
    return summary_;
  }

  Result<RunSummary> RunQueue(std::deque<const RunSpec*> queue) {
    total_ = static_cast<int>(queue.size());
    for (const RunSpec* run : queue) waiting_.insert(run);
    while (true) {
      if (Interrupted() && !summary_.interrupted) {
        summary_.interrupted = true;
        executor_.InterruptAll();
      }
      while (!summary_.interrupted && !queue.empty() && executor_.CanStart(Requested(*queue.front()))) {
        if (Status s = StartAttempt(*queue.front()); !s) return Error{s.error()};
        queue.pop_front();
      }
      std::optional<AttemptOutcome> outcome = executor_.WaitForOne();
      if (!outcome) break;
      if (Status s = Finish(*outcome); !s) return Error{s.error()};
    }
    return summary_;
  }

  Status StartAttempt(const RunSpec& run) {
    waiting_.erase(&run);
    std::filesystem::path run_dir = RunDirectory(options_.results_dir, manifest_, run);
    Result<std::optional<AttemptRecord>> claimed = store_.ClaimAttempt(run.key, run_dir.string(), options_.force);
    if (!claimed) return Error{claimed.error()};
    if (!*claimed) {
      // Another runner on this database has it, or finished it since this one planned.
      ++summary_.elsewhere;
      Say(fmt::format("{}: being run or already finished by another runner; skipped", run.label));
      return Status::Ok();
    }
    std::optional<AttemptRecord> attempt = std::move(claimed).value();
    std::filesystem::path dir = std::filesystem::absolute(attempt->dir);
    std::filesystem::path out = dir / "out", work = dir / "work";
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    Result<std::vector<std::string>> argv = ExpandCommand(run, out.string());
    std::string problem = ec ? fmt::format("cannot create {}: {}", out.string(), ec.message()) : argv ? "" : argv.error();
    if (problem.empty()) {
      // A folder left by an attempt that was killed with its runner is stale: start afresh.
      std::filesystem::remove_all(work, ec);
      if (Result<uint64_t> copied = MakeWorkingCopy(source_.dir, work); !copied) problem = copied.error();
    }
    if (!problem.empty()) {
      attempt->status = kStatusStartFailed;
      attempt->message = problem;
      attempt->environment = environment_;
      ++summary_.unfinished;
      return store_.FinishAttempt(*attempt);
    }
    AttemptRequest request;
    request.attempt_id = attempt->id;
    request.resources = Requested(run);
    request.process.argv = Sandboxed() ? SandboxCommand(*argv, work, dir) : *argv;
    request.process.cwd = work;
    request.process.env = BuildChildEnvironment(
        manifest_.env, {{"REPRO_SEED", std::to_string(run.seed)}, {"REPRO_OUT", out.string()},
                        {"REPRO_RUN_KEY", run.key}, {"REPRO_ATTEMPT", std::to_string(attempt->number)}});
    request.process.stdout_path = dir / "stdout.log";
    request.process.stderr_path = dir / "stderr.log";
    request.process.timeout_seconds = run.experiment->timeout_seconds;
    request.process.kill_grace_seconds = options_.kill_grace_seconds;
    request.process.log_cap_bytes = options_.log_cap_bytes;
    const Resources& resources = run.experiment->resources;
    request.process.memory_limit_bytes = resources.memory_bytes;
    request.process.max_processes = resources.processes > 0 ? resources.processes : kDefaultMaxProcesses;
    request.metrics = run.experiment->metrics;
    Bindings bindings = run.bindings;
    bindings["out"] = out.string();
    request.metric_file = [bindings, work](const MetricSpec& spec) {
      Result<std::string> path = ExpandTemplate(spec.file, bindings);
      return work / (path ? *path : spec.file);
    };
    auto series = std::make_shared<SeriesBuffer>(store_, attempt->id);
    request.series = [series](const std::string& metric, const Observation& o) { series->Add(metric, o); };
    ++summary_.started;
    in_flight_[attempt->id] = InFlight{&run, *attempt, *argv, series};
    std::vector<std::string> quoted;
    for (const std::string& arg : *argv) quoted.push_back(QuoteArgument(arg));
    executor_.Start(std::move(request));
    Report(ProgressEvent::Started(run.label, fmt::format("{}", fmt::join(quoted, " "))));
    return Status::Ok();
  }

  Status Finish(const AttemptOutcome& outcome) {
    auto it = in_flight_.find(outcome.attempt_id);
    if (it == in_flight_.end()) return Error{fmt::format("executor reported unknown attempt {}", outcome.attempt_id)};
    InFlight flight = std::move(it->second);
    in_flight_.erase(it);
    AttemptRecord& attempt = flight.attempt;
    if (Status stored = flight.series->Flush(); !stored) return stored;
    attempt.status = AttemptStatus(outcome.process);
    attempt.exit_code = outcome.process.exit_code;
    attempt.signal = outcome.process.signal;
    attempt.wall_seconds = outcome.process.wall_seconds;
    attempt.cpu_seconds = outcome.process.cpu_seconds;
    attempt.peak_rss_kib = outcome.process.peak_rss_kib;
    attempt.message = outcome.process.message;
    attempt.metrics = ToRecords(outcome.metrics);
    attempt.environment = environment_;
    if (Status s = store_.FinishAttempt(attempt); !s) return s;
    std::filesystem::path work = std::filesystem::absolute(attempt.dir) / "work";
    WriteAttemptRecord(attempt, *flight.run, flight.argv, work, Sandboxed());
    bool completed = attempt.status == std::string(kStatusCompleted);
    if (completed && !options_.keep_work) {
      // Its metrics are read and stored; what it wrote for keeps belongs in {out}.
      std::error_code ignored;
      std::filesystem::remove_all(work, ignored);
    }
    completed ? ++summary_.completed : ++summary_.unfinished;
    if (completed) {
      auto& [sum, count] = durations_[flight.run->experiment->id];
      sum += attempt.wall_seconds;
      ++count;
    }
    std::vector<std::string> values;
    for (const MetricRecord& metric : attempt.metrics) {
      values.push_back(metric.value ? fmt::format("{}={:.6g}", metric.name, *metric.value)
                                    : fmt::format("{} {}", metric.name, metric.flag));
    }
    ++finished_;
    std::string line = fmt::format("[{}/{}] {}: {} in {}{}", finished_, total_, flight.run->label, DescribeEnd(attempt),
                                   FormatDuration(attempt.wall_seconds),
                                   values.empty() ? "" : " (" + fmt::format("{}", fmt::join(values, ", ")) + ")");
    Report(ProgressEvent::Finished(line, flight.run->label, !completed, completed ? "" : DescribeFailure(attempt, flight.argv)));
    return Status::Ok();
  }

  static ResourceRequest Requested(const RunSpec& run) {
    const Resources& r = run.experiment->resources;
    return ResourceRequest{r.cpus, r.memory_bytes, r.gpus};
  }

  static constexpr double kDefaultSetupTimeoutSeconds = 6 * 3600;

  struct InFlight {
    const RunSpec* run;
    AttemptRecord attempt;
    std::vector<std::string> argv;
    std::shared_ptr<SeriesBuffer> series;
  };
  const Manifest& manifest_;
  const PreparedSource& source_;
  std::string environment_;  // sha256 of this run's environment fingerprint
  Store& store_;
  Executor& executor_;
  const RunOptions& options_;
  RunSummary summary_;
  std::map<int64_t, InFlight> in_flight_;
  std::set<const RunSpec*> waiting_;
  std::map<std::string, std::pair<double, int>> durations_;     // experiment -> (sum, count) this run
  std::map<std::string, std::optional<double>> prior_;          // experiment -> mean from the store
  int finished_ = 0;
  int total_ = 0;
};

}  // namespace

std::filesystem::path RunDirectory(const std::filesystem::path& results_dir, const Manifest& manifest, const RunSpec& run) {
  std::string name;
  for (const auto& [param, value] : run.params) name += Slug(param) + "-" + Slug(value) + "_";
  name += fmt::format("seed-{}_{}", run.seed, run.key.substr(0, 8));
  return results_dir / Slug(manifest.path.stem().string()) / Slug(run.experiment->id) / name;
}

const char* AttemptStatus(const ProcessResult& result) {
  switch (result.end) {
    case ProcessEnd::kExited: return result.exit_code == 0 ? kStatusCompleted : kStatusFailed;
    case ProcessEnd::kSignaled: return kStatusKilled;
    case ProcessEnd::kTimedOut: return kStatusTimeout;
    case ProcessEnd::kInterrupted: return kStatusInterrupted;
    case ProcessEnd::kStartFailed: return kStatusStartFailed;
    case ProcessEnd::kOutOfMemory: return kStatusOutOfMemory;
    case ProcessEnd::kProcessLimit: return kStatusResourceLimit;
  }
  return kStatusFailed;
}

Result<RunSummary> RunManifest(const Manifest& manifest, const std::vector<RunSpec>& runs, const PreparedSource& source,
                               Store& store, Executor& executor, const RunOptions& options) {
  return ManifestRun(manifest, source, store, executor, options).Run(runs);
}

}  // namespace repro
