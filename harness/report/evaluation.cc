#include "harness/report/evaluation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>

#include "harness/manifest/metric_parser.h"
#include "harness/report/environment.h"
#include "harness/report/extras.h"
#include "harness/report/render.h"
#include "harness/util/hash.h"
#include "harness/util/outcome.h"
#include "harness/util/regular_file.h"
#include "harness/util/shell_quote.h"
#include "harness/util/text.h"
#include "harness/util/units.h"

namespace repro {
namespace {

RunEvidence EvidenceFor(const Manifest& manifest, const RunSpec& run, const std::optional<AttemptRecord>& attempt,
                        const std::string& metric) {
  RunEvidence evidence;
  evidence.label = run.label + OwnCodeSuffix(*run.experiment);
  evidence.commit = manifest.SourceOf(*run.experiment).commit;
  evidence.seed = run.seed;
  evidence.metric = metric;
  evidence.gpus = run.experiment->resources.gpus;
  if (!attempt) return evidence;
  evidence.status = attempt->status;
  evidence.exit_code = attempt->exit_code;
  evidence.signal = attempt->signal;
  evidence.dir = attempt->dir;
  evidence.environment = attempt->environment;
  evidence.attempt_id = attempt->id;
  evidence.wall_seconds = attempt->wall_seconds;
  evidence.cpu_seconds = attempt->cpu_seconds;
  evidence.peak_rss_kib = attempt->peak_rss_kib;
  evidence.message = attempt->message;
  if (attempt->status == AttemptStatus::kRunning) {
    evidence.state = RunEvidence::State::kRunning;
  } else if (attempt->status != AttemptStatus::kCompleted) {
    evidence.state = RunEvidence::State::kUnfinished;
  } else {
    evidence.state = RunEvidence::State::kCompleted;
    evidence.flag = ValueFlag::kMissing;
    evidence.message = fmt::format("the attempt recorded no metric '{}'", metric);
    for (const MetricRecord& record : attempt->metrics) {
      if (record.name != metric) continue;
      evidence.value = record.value;
      evidence.std = record.std;  // a printed spread: with its count it decides a one-run verdict
      evidence.count = record.count;
      evidence.flag = record.flag;
      evidence.message = record.message;
    }
  }
  return evidence;
}

// The newest attempt of each run, and the series of the metrics declared 'replicates' in them.
struct LatestAttempts {
  NewestAttempts by_run;
  std::map<std::pair<int64_t, std::string>, std::vector<SeriesPoint>> replicates;  // (attempt, metric) -> series
  const std::optional<AttemptRecord>& at(const std::string& run_key) const { return by_run.at(run_key); }
};

// Reads the series of every completed metric of "attempt" that its experiment declares
// 'replicates': each point is one sample.
Status ReadReplicates(const Experiment& experiment, const AttemptRecord& attempt, Store& store,
                      LatestAttempts& latest) {
  if (attempt.status != AttemptStatus::kCompleted) return Status::Ok();
  for (const MetricRecord& record : attempt.metrics) {
    const MetricSpec* spec = FindMetricSpec(experiment, record.name);
    if (spec == nullptr || !spec->replicates || record.flag != ValueFlag::kOk) continue;
    Result<std::vector<SeriesPoint>> series = store.Series(attempt.id, record.name);
    if (!series) return Error{series.error()};
    latest.replicates[{attempt.id, record.name}] = std::move(*series);
  }
  return Status::Ok();
}

// One run's evidence, or one per replicate (by index; a repeated index keeps its last value)
// when its metric is declared 'replicates'.
void AddEvidence(RunEvidence evidence, const LatestAttempts& latest, std::vector<RunEvidence>& out) {
  auto series = latest.replicates.find({evidence.attempt_id, evidence.metric});
  if (evidence.state != RunEvidence::State::kCompleted || series == latest.replicates.end()) {
    out.push_back(std::move(evidence));
    return;
  }
  std::map<int64_t, const SeriesPoint*> by_index;
  for (const SeriesPoint& point : series->second) by_index[point.step.value_or(point.seq)] = &point;
  for (const auto& [index, point] : by_index) {
    RunEvidence sample = evidence;
    sample.label = fmt::format("{} #{}", evidence.label, index);
    sample.replicate = index;
    sample.value = point->value;
    sample.std.reset();
    sample.count.reset();
    sample.flag = point->flag;
    sample.message = point->flag == ValueFlag::kOk ? "" : fmt::format("replicate #{}: {}", index, Name(point->flag));
    out.push_back(std::move(sample));
  }
}

Side MakeSide(const Manifest& manifest, const std::vector<RunSpec>& runs, const LatestAttempts& latest,
              const std::string& experiment, const std::string& metric, const NamedValues& where) {
  Side side{experiment + "." + metric, {}};
  for (const RunSpec* run : RunsFor(runs, experiment, where)) {
    AddEvidence(EvidenceFor(manifest, *run, latest.at(run->key), metric), latest, side.runs);
  }
  return side;
}

void AddRuns(const Side& side, ClaimEvaluation& entry) {
  entry.runs.insert(entry.runs.end(), side.runs.begin(), side.runs.end());
}

Verdict EvaluateForAll(const Manifest& manifest, const Claim& claim, const std::vector<RunSpec>& runs,
                       const LatestAttempts& latest, ClaimEvaluation& entry) {
  const Experiment* experiment = manifest.FindExperiment(claim.experiment);
  std::vector<std::pair<std::string, Verdict>> per_value;
  for (const Param& param : experiment->params) {
    if (param.name != claim.for_all) continue;
    for (const std::string& value : param.values) {
      NamedValues where = claim.where;
      where.emplace_back(param.name, value);
      Side side = MakeSide(manifest, runs, latest, claim.experiment, claim.metric, where);
      AddRuns(side, entry);
      per_value.emplace_back(param.name + "=" + value, JudgeValue(claim, side));
    }
  }
  return CombineForAll(claim, per_value);
}

// An experiment with the code its runs used, for a part's label: "as-written @0123456789ab".
std::string ExperimentWithCode(const Manifest& manifest, const std::string& id) {
  const Experiment* experiment = manifest.FindExperiment(id);
  if (experiment == nullptr) return id;
  std::string commit = manifest.SourceOf(*experiment).commit;
  if (commit.empty()) return id + OwnCodeSuffix(*experiment);
  return id + " @" + commit.substr(0, 12) +
         (experiment->source && experiment->source->patches ? " with its own patches" : "");
}

// A value claim naming several experiments: judged against each as a part, side by side.
Verdict EvaluateSideBySide(const Manifest& manifest, const Claim& claim, const std::vector<RunSpec>& runs,
                           const LatestAttempts& latest, ClaimEvaluation& entry) {
  std::vector<std::pair<std::string, Verdict>> per_experiment;
  for (const std::string& id : claim.experiments) {
    Side side = MakeSide(manifest, runs, latest, id, claim.metric, claim.where);
    AddRuns(side, entry);
    per_experiment.emplace_back(ExperimentWithCode(manifest, id), JudgeValue(claim, side));
  }
  return CombineExperiments(claim, per_experiment);
}

ClaimEvaluation EvaluateClaim(const Manifest& manifest, const Claim& claim, const std::vector<RunSpec>& runs,
                              const LatestAttempts& latest) {
  ClaimEvaluation entry;
  entry.claim = &claim;
  switch (claim.kind) {
    case ClaimKind::kValue: {
      if (!claim.experiments.empty()) {
        entry.verdict = EvaluateSideBySide(manifest, claim, runs, latest, entry);
        break;
      }
      if (!claim.for_all.empty()) {
        entry.verdict = EvaluateForAll(manifest, claim, runs, latest, entry);
        break;
      }
      Side side = MakeSide(manifest, runs, latest, claim.experiment, claim.metric, claim.where);
      AddRuns(side, entry);
      entry.verdict = JudgeValue(claim, side);
      break;
    }
    case ClaimKind::kComparison: {
      const Comparison& c = *claim.comparison;
      Side left = MakeSide(manifest, runs, latest, c.left.experiment, c.left.metric, claim.where);
      Side right = MakeSide(manifest, runs, latest, c.right.experiment, c.right.metric, claim.where);
      AddRuns(left, entry);
      AddRuns(right, entry);
      entry.verdict = JudgeComparison(claim, left, right);
      break;
    }
    case ClaimKind::kRanking: {
      std::vector<Side> sides;
      for (const std::string& experiment : claim.ranking) {
        sides.push_back(MakeSide(manifest, runs, latest, experiment, claim.metric, claim.where));
        AddRuns(sides.back(), entry);
      }
      entry.verdict = JudgeRanking(claim, sides);
      break;
    }
  }
  return entry;
}

// Where a path that starts inside "text" at "at" ends: at a space, a quote, a shell operator
// or a list separator, so "--config=<dir>/a.yaml" and "'<dir>'/a.sh; ..." name just the file.
size_t PathEnd(const std::string& text, size_t at) {
  size_t end = text.find_first_of(" \t\n'\"`;|&<>()$:,", at);
  return end == std::string::npos ? text.size() : end;
}

// The paths beside the manifest that "argument" names. A shell script has the folder
// single-quoted ('<dir>'/driver.py), which is unquoted first.
std::vector<std::string> NamedPaths(const Manifest& manifest, std::string argument, bool shell) {
  std::string dir = manifest.dir.string();
  if (shell) {
    std::string quoted = ShellQuote(dir);
    for (size_t at = argument.find(quoted); at != std::string::npos; at = argument.find(quoted, at + dir.size())) {
      argument.replace(at, quoted.size(), dir);
    }
  }
  std::vector<std::string> paths;
  std::string prefix = dir + "/";
  for (size_t at = argument.find(prefix); at != std::string::npos; at = argument.find(prefix, at + prefix.size())) {
    paths.push_back(argument.substr(at, PathEnd(argument, at) - at));
  }
  return paths;
}

class ManifestFileFinder {
 public:
  explicit ManifestFileFinder(const Manifest& manifest) : manifest_(manifest) {
    // Patches and added files are deviations of their own (source/Deviations).
    for (const std::filesystem::path& patch : manifest.source.patches) known_.insert(patch.lexically_normal().string());
    for (const AddedFile& file : manifest.source.files) known_.insert(file.from.lexically_normal().string());
    for (const Experiment& experiment : manifest.experiments) {
      if (!experiment.source || !experiment.source->patches) continue;
      for (const std::filesystem::path& patch : *experiment.source->patches)
        known_.insert(patch.lexically_normal().string());
    }
  }

  void Scan(const std::vector<std::string>& argv, bool shell, const std::string& user) {
    for (const std::string& argument : argv) {
      for (const std::string& named : NamedPaths(manifest_, argument, shell)) Add(named, user);
    }
  }

  std::vector<ManifestFile> Files() && { return std::move(files_); }

 private:
  void Add(const std::string& named, const std::string& user) {
    std::string path = std::filesystem::path(named).lexically_normal().string();
    if (known_.count(path)) return;
    auto [it, fresh] = index_.emplace(path, files_.size());
    if (fresh) {
      std::error_code ec;
      std::filesystem::file_status status = std::filesystem::symlink_status(path, ec);
      if (ec || !std::filesystem::exists(status) || std::filesystem::is_directory(status)) {  // no content to vouch for
        index_[path] = SIZE_MAX;
        return;
      }
      // Never through a symlink: a manifest from someone else must not get another file of
      // this machine hashed into a report or packed into a bundle ("unreadable" instead).
      files_.push_back(
          {std::filesystem::path(path).lexically_relative(manifest_.dir).string(), path, HashOfRegularFile(path), {}});
    }
    if (it->second == SIZE_MAX) return;
    std::vector<std::string>& users = files_[it->second].used_by;
    if (std::find(users.begin(), users.end(), user) == users.end()) users.push_back(user);
  }

  const Manifest& manifest_;
  std::set<std::string> known_;
  std::map<std::string, size_t> index_;  // path -> position in files_, SIZE_MAX when not a file
  std::vector<ManifestFile> files_;
};

// "file mnist1d/driver.py beside the manifest, used by experiment logistic, ... (sha256 ...)".
std::string ManifestFileDeviation(const ManifestFile& file) {
  return fmt::format("file {} beside the manifest, used by {} (sha256 {})", file.path, Join(file.used_by, ", "),
                     file.sha256);
}

std::vector<RunCommand> Commands(const std::vector<RunSpec>& runs, const LatestAttempts& latest) {
  std::vector<RunCommand> commands;
  for (const RunSpec& run : runs) {
    const std::optional<AttemptRecord>& attempt = latest.at(run.key);
    std::string out = attempt ? (std::filesystem::path(attempt->dir) / "out").string() : "{out}";
    Result<std::vector<std::string>> argv = ExpandCommand(run, out);
    commands.push_back({run.label + OwnCodeSuffix(*run.experiment),
                        argv ? *argv : std::vector<std::string>{"(" + argv.error() + ")"}});
  }
  return commands;
}

void AddSetupStep(Compute& compute, const SetupStepRecord& step, bool count) {
  compute.attempts += count ? 1 : 0;
  compute.wall_seconds += step.wall_seconds;
  compute.cpu_seconds += step.cpu_seconds;
  compute.peak_rss_kib = std::max(compute.peak_rss_kib, step.peak_rss_kib);
}

// The recorded setup of "key": its newest execution's steps, with log tails for a report,
// and every execution's cost, which the total compute includes.
Status GatherSetup(const std::string& key, Store& store, Detail detail, Evaluation& evaluation) {
  Result<std::vector<SetupStepRecord>> steps = store.SetupSteps(key);
  if (!steps) return Error{steps.error()};
  SetupReport& setup = evaluation.setup;
  setup.key = key;
  for (const SetupStepRecord& step : *steps) {
    AddSetupStep(setup.compute, step, /*count=*/true);
    AddSetupStep(evaluation.compute, step, /*count=*/false);
    setup.executions = std::max(setup.executions, step.execution);
  }
  for (const SetupStepRecord& step : *steps) {
    if (step.execution != setup.executions) continue;
    SetupStepView view{step, {}, {}};
    if (detail != Detail::kVerdicts) {
      view.stdout_tail = LastLinesOfRegularFile(step.stdout_path, 10);
      view.stderr_tail = LastLinesOfRegularFile(step.stderr_path, 10);
      for (const std::string& log : {step.stdout_path, step.stderr_path})
        evaluation.integrity.push_back({log, HashOfRegularFile(log)});
    }
    setup.steps.push_back(std::move(view));
  }
  return Status::Ok();
}

// The time from the first attempt's start to the last one's end, and when that end was.
struct Span {
  std::optional<double> first_start, last_end;
  std::string last_end_text;
  void Add(const AttemptRecord& attempt) {
    std::optional<double> start = ParseUtcTimestamp(attempt.started_at), end = ParseUtcTimestamp(attempt.finished_at);
    if (start) first_start = std::min(first_start.value_or(*start), *start);
    if (end && (!last_end || *end > *last_end)) {
      last_end = end;
      last_end_text = attempt.finished_at;
    }
  }
};

// Every attempt of a run, oldest first. Numbers start at 1, so a newest attempt numbered 1 is
// the only one: most runs of a lab's store need no second read.
Result<std::vector<AttemptRecord>> EveryAttempt(const std::string& run_key, const std::optional<AttemptRecord>& newest,
                                                Store& store) {
  if (!newest) return std::vector<AttemptRecord>{};
  if (newest->number == 1) return std::vector<AttemptRecord>{*newest};
  return store.Attempts(run_key);
}

// Everything a report adds to the verdicts: compute used and elapsed, file hashes, environments.
Status Gather(const std::vector<RunSpec>& runs, const LatestAttempts& latest, Store& store, Detail detail,
              Evaluation& evaluation) {
  std::set<std::string> environments;
  Span span;
  for (const RunSpec& run : runs) {
    const std::optional<AttemptRecord>& newest = latest.at(run.key);
    Result<std::vector<AttemptRecord>> attempts = EveryAttempt(run.key, newest, store);
    if (!attempts) return Error{attempts.error()};
    for (const AttemptRecord& attempt : *attempts) {
      RunEvidence cost;
      cost.wall_seconds = attempt.wall_seconds;
      cost.cpu_seconds = attempt.cpu_seconds;
      cost.peak_rss_kib = attempt.peak_rss_kib;
      cost.gpus = run.experiment->resources.gpus;
      evaluation.compute.Add(cost);
      span.Add(attempt);
    }
    if (!newest || newest->status == AttemptStatus::kRunning) continue;
    for (const char* name : {"stdout.log", "stderr.log", "attempt.json"}) {
      if (detail == Detail::kVerdicts) break;
      std::filesystem::path file = std::filesystem::path(newest->dir) / name;
      evaluation.integrity.push_back({file.string(), HashOfRegularFile(file)});
    }
    if (!newest->environment.empty() && environments.insert(newest->environment).second) {
      evaluation.environments.push_back(store.EnvironmentJson(newest->environment).value_or("{}"));
    }
  }
  if (span.first_start && span.last_end) evaluation.elapsed_seconds = std::max(0.0, *span.last_end - *span.first_start);
  evaluation.last_finished_at = span.last_end_text;
  for (ClaimEvaluation& claim : evaluation.claims) {
    // A run's replicates are samples of one attempt: its cost counts once.
    std::set<int64_t> costed;
    for (const RunEvidence& run : claim.runs) {
      if (run.attempt_id == 0 || costed.insert(run.attempt_id).second) claim.compute.Add(run);
    }
  }
  return Status::Ok();
}

}  // namespace

// The run a piece of evidence is of: a replicate's label without its " #INDEX".
std::string RunLabelOf(const RunEvidence& run) {
  if (!run.replicate) return run.label;
  std::string suffix = fmt::format(" #{}", *run.replicate);
  bool tagged = run.label.size() >= suffix.size() &&
                run.label.compare(run.label.size() - suffix.size(), suffix.size(), suffix) == 0;
  return tagged ? run.label.substr(0, run.label.size() - suffix.size()) : run.label;
}

void Compute::Add(const RunEvidence& run) {
  if (run.attempt_id == 0 && run.wall_seconds == 0) return;
  ++attempts;
  wall_seconds += run.wall_seconds;
  cpu_seconds += run.cpu_seconds;
  gpu_seconds += run.wall_seconds * run.gpus;
  peak_rss_kib = std::max(peak_rss_kib, run.peak_rss_kib);
}

BadgeSuggestion SuggestBadge(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  int held = evaluation.Count(VerdictKind::kReproduced) + evaluation.Count(VerdictKind::kBetterThanClaimed);
  int total = static_cast<int>(evaluation.claims.size());
  if (held < total) {
    return {"", fmt::format("no badge suggested: {} of {} claims held", held, total)};
  }
  std::string code =
      m.source.is_git() ? fmt::format("{} at commit {}", m.source.git, m.source.commit) : m.source.path.string();
  if (!m.source.authors_code) {
    return {"Results Replicated",
            fmt::format("all {} claims held with code other than the authors' ({})", total, code)};
  }
  std::string caveat =
      evaluation.deviations.empty()
          ? ""
          : fmt::format(", with {} deviation(s) from the released code listed above", evaluation.deviations.size());
  return {"Results Reproduced",
          fmt::format("all {} claims held running the authors' code ({}){}", total, code, caveat)};
}

std::vector<std::pair<std::string, std::string>> ChallengeSummary(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  // Inconclusive (and pending) claims are neither held nor refuted: listed apart.
  std::vector<std::string> held, failed, undecided;
  for (const ClaimEvaluation& c : evaluation.claims) {
    VerdictKind kind = c.verdict.kind;
    std::string entry = fmt::format("{} ({})", c.claim->id, VerdictName(kind));
    if (kind == VerdictKind::kInconclusive && c.verdict.more_seeds) {
      entry = fmt::format("{} (inconclusive; about {} more seed(s) would decide)", c.claim->id, *c.verdict.more_seeds);
    }
    bool open = kind == VerdictKind::kInconclusive || kind == VerdictKind::kPending;
    (IsSuccess(kind) ? held : open ? undecided : failed).push_back(entry);
  }
  std::set<int64_t> seeds;
  for (const Experiment& e : m.experiments) {
    for (int64_t seed : e.seeds) seeds.insert(seed);
  }
  std::set<std::string> labels;
  for (const ClaimEvaluation& c : evaluation.claims) {
    for (const RunEvidence& run : c.runs) labels.insert(RunLabelOf(run));  // replicates are of one run
  }
  size_t runs = labels.size();
  const Compute& cost = evaluation.compute;
  return {
      {"Scope", fmt::format("{} claim(s) of \"{}\" were checked, each against the tolerance the manifest states.",
                            evaluation.claims.size(), m.paper.title)},
      {"What was run", fmt::format("{} experiment(s) of the released code ({}), {} run(s) over {} seed value(s){}; "
                                   "{} deviation(s) from the released code.",
                                   m.experiments.size(), evaluation.source_description, runs, seeds.size(),
                                   m.setup.empty() ? "" : fmt::format(", after {} setup step(s)", m.setup.size()),
                                   evaluation.deviations.size())},
      {"What held", held.empty() ? "No claim held." : Join(held, ", ") + "."},
      {"What did not", failed.empty() ? "No claim failed or was refuted." : Join(failed, ", ") + "."},
      {"Inconclusive", undecided.empty() ? "None." : Join(undecided, ", ") + "."},
      {"Compute",
       fmt::format("{} attempt(s){}, {} of attempt time (summed over attempts){}, {} of CPU time, {} of GPU time, "
                   "at most {} of memory in one {}.",
                   cost.attempts,
                   evaluation.setup.compute.attempts > 0
                       ? fmt::format(" and {} setup step(s)", evaluation.setup.compute.attempts)
                       : "",
                   FormatDuration(cost.wall_seconds),
                   evaluation.elapsed_seconds ? fmt::format(" in {} elapsed from the first start to the last end",
                                                            FormatElapsed(*evaluation.elapsed_seconds))
                                              : "",
                   FormatDuration(cost.cpu_seconds), FormatDuration(cost.gpu_seconds),
                   FormatBytes(cost.peak_rss_kib * 1024),
                   evaluation.setup.compute.attempts > 0 ? "attempt or step" : "attempt")},
  };
}

std::vector<ManifestFile> FilesBesideManifest(const Manifest& manifest, const std::vector<RunSpec>& runs) {
  ManifestFileFinder finder(manifest);
  for (size_t i = 0; i < manifest.setup.size(); ++i)
    finder.Scan(manifest.setup[i], false, fmt::format("setup step {}", i + 1));
  for (const RunSpec& run : runs) {
    Result<std::vector<std::string>> argv = ExpandCommand(run, "{out}");
    if (argv) finder.Scan(*argv, run.experiment->shell, "experiment " + run.experiment->id);
  }
  return std::move(finder).Files();
}

std::string Evaluation::SetupLine() const {
  if (setup.steps.empty()) return "";
  for (const SetupStepView& step : setup.steps) {
    if (step.record.status == AttemptStatus::kCompleted) continue;
    return fmt::format("step {} of {} {}", step.record.step, manifest->setup.size(), StepStatus(step.record));
  }
  return fmt::format("{} step(s) completed in {} ({} execution(s), {} of CPU time)", setup.steps.size(),
                     FormatDuration(setup.compute.wall_seconds), setup.executions,
                     FormatDuration(setup.compute.cpu_seconds));
}

std::string StepStatus(const SetupStepRecord& step) { return Describe(step.status, step.exit_code, step.signal); }

std::string RunStatus(const RunEvidence& run) {
  return run.status ? Describe(*run.status, run.exit_code, run.signal) : "not run";
}

const ClaimEvaluation* Evaluation::Find(const std::string& claim_id) const {
  for (const ClaimEvaluation& claim : claims) {
    if (claim.claim->id == claim_id) return &claim;
  }
  return nullptr;
}

int Evaluation::Count(VerdictKind kind) const {
  int count = 0;
  for (const ClaimEvaluation& claim : claims) count += claim.verdict.kind == kind ? 1 : 0;
  return count;
}

bool Evaluation::AllSucceeded() const {
  for (const ClaimEvaluation& claim : claims) {
    if (!IsSuccess(claim.verdict.kind)) return false;
  }
  return true;
}

std::string Evaluation::SummaryLine() const {
  int reproduced = Count(VerdictKind::kReproduced), better = Count(VerdictKind::kBetterThanClaimed);
  std::string line = fmt::format("{} of {} claims reproduced", reproduced + better, claims.size());
  if (better > 0) line += fmt::format(" ({} better than claimed)", better);
  std::vector<std::string> others;
  for (VerdictKind kind : {VerdictKind::kNotReproduced, VerdictKind::kInconclusive, VerdictKind::kFailed,
                           VerdictKind::kMissing, VerdictKind::kPending}) {
    if (int n = Count(kind); n > 0) others.push_back(fmt::format("{} {}", n, VerdictName(kind)));
  }
  if (!others.empty()) line += "; " + Join(others, ", ");
  return line;
}

namespace {

Result<Evaluation> EvaluateInOneRead(const Manifest& manifest, const std::vector<RunSpec>& runs,
                                     const std::string& source_description, Store& store, Detail detail,
                                     const std::string& setup_key) {
  Evaluation evaluation;
  evaluation.manifest = &manifest;
  evaluation.source_description = source_description;
  LatestAttempts latest;
  Result<std::vector<std::optional<AttemptRecord>>> newest = store.LatestAttempts(RunKeys(runs));
  if (!newest) return Error{newest.error()};
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunSpec& run = runs[i];
    std::optional<AttemptRecord>& attempt = (*newest)[i];
    if (attempt) {
      if (Status read = ReadReplicates(*run.experiment, *attempt, store, latest); !read) return Error{read.error()};
    }
    if (attempt && attempt->status != AttemptStatus::kCompleted && attempt->status != AttemptStatus::kRunning) {
      evaluation.unfinished_runs.push_back(EvidenceFor(manifest, run, attempt, ""));
    }
    if (!attempt) ++evaluation.runs_never_run;
    latest.by_run[run.key] = std::move(attempt);
  }
  std::map<std::string, std::string> fingerprints;  // sha256 -> JSON, read once
  for (const Claim& claim : manifest.claims) {
    ClaimEvaluation entry = EvaluateClaim(manifest, claim, runs, latest);
    if (entry.verdict.kind == VerdictKind::kNotReproduced || entry.verdict.kind == VerdictKind::kInconclusive) {
      std::set<std::string> seen;
      std::vector<std::string> texts;
      for (const RunEvidence& run : entry.runs) {
        if (run.environment.empty() || !seen.insert(run.environment).second) continue;
        if (!fingerprints.count(run.environment))
          fingerprints[run.environment] = store.EnvironmentJson(run.environment).value_or("");
        texts.push_back(fingerprints[run.environment]);
      }
      entry.environment_notes = EnvironmentNotes(manifest.paper.environment, texts);
    }
    evaluation.claims.push_back(std::move(entry));
  }
  if (Status gathered = Gather(runs, latest, store, detail, evaluation); !gathered) return Error{gathered.error()};
  if (detail == Detail::kCharts) {
    if (Status gathered = GatherCurves(runs, latest.by_run, store, evaluation); !gathered)
      return Error{gathered.error()};
  }
  if (!setup_key.empty() && !manifest.setup.empty()) {
    if (Status gathered = GatherSetup(setup_key, store, detail, evaluation); !gathered) return Error{gathered.error()};
  }
  evaluation.commands = Commands(runs, latest);
  evaluation.manifest_files = FilesBesideManifest(manifest, runs);
  for (const ManifestFile& file : evaluation.manifest_files)
    evaluation.deviations.push_back(ManifestFileDeviation(file));
  return evaluation;
}

}  // namespace

Result<Evaluation> Evaluate(const Manifest& manifest, const std::vector<RunSpec>& runs,
                            const std::string& source_description, Store& store, Detail detail,
                            const std::string& setup_key) {
  std::optional<Result<Evaluation>> evaluation;
  Status read = store.ReadTogether([&] {
    evaluation = EvaluateInOneRead(manifest, runs, source_description, store, detail, setup_key);
    return Status::Ok();
  });
  if (!read) return Error{read.error()};
  return std::move(*evaluation);
}

std::vector<VerdictRecord> ToVerdictRecords(const Evaluation& evaluation) {
  std::vector<VerdictRecord> records;
  for (const ClaimEvaluation& claim : evaluation.claims) {
    const Verdict& v = claim.verdict;
    VerdictRecord record;
    record.claim_id = v.claim_id;
    record.verdict = VerdictName(v.kind);
    record.reason = v.reason;
    record.delta = v.delta;
    if (v.summary) {
      record.n = v.summary->n;
      record.mean = v.summary->mean;
      record.std = v.summary->std;
      record.ci_low = v.summary->ci_low;
      record.ci_high = v.summary->ci_high;
    }
    // Everything the reports show of this claim, so the verdict can be shown again as it was.
    record.detail_json = ClaimJsonText(claim);
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace repro
