#include "harness/report/evaluation.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "harness/report/environment.h"
#include "harness/report/render.h"
#include "harness/util/text.h"

namespace repro {
namespace {

RunEvidence EvidenceFor(const RunSpec& run, const std::optional<AttemptRecord>& attempt, const std::string& metric) {
  RunEvidence evidence;
  evidence.label = run.label;
  evidence.seed = run.seed;
  if (!attempt) return evidence;
  evidence.status = attempt->status;
  evidence.exit_code = attempt->exit_code;
  evidence.signal = attempt->signal;
  evidence.dir = attempt->dir;
  evidence.environment = attempt->environment;
  evidence.message = attempt->message;
  if (attempt->status == kStatusRunning) {
    evidence.state = RunEvidence::State::kRunning;
  } else if (attempt->status != kStatusCompleted) {
    evidence.state = RunEvidence::State::kUnfinished;
  } else {
    evidence.state = RunEvidence::State::kCompleted;
    evidence.flag = "missing";
    evidence.message = fmt::format("the attempt recorded no metric '{}'", metric);
    for (const MetricRecord& record : attempt->metrics) {
      if (record.name != metric) continue;
      evidence.value = record.value;
      evidence.flag = record.flag;
      evidence.message = record.message;
    }
  }
  return evidence;
}

using LatestAttempts = std::map<std::string, std::optional<AttemptRecord>>;

Side MakeSide(const std::vector<RunSpec>& runs, const LatestAttempts& latest, const std::string& experiment,
              const std::string& metric, const NamedValues& where) {
  Side side{experiment + "." + metric, {}};
  for (const RunSpec* run : RunsFor(runs, experiment, where)) {
    side.runs.push_back(EvidenceFor(*run, latest.at(run->key), metric));
  }
  return side;
}

void AddRuns(const Side& side, ClaimEvaluation& entry) { entry.runs.insert(entry.runs.end(), side.runs.begin(), side.runs.end()); }

Verdict EvaluateForAll(const Manifest& manifest, const Claim& claim, const std::vector<RunSpec>& runs,
                       const LatestAttempts& latest, ClaimEvaluation& entry) {
  const Experiment* experiment = manifest.FindExperiment(claim.experiment);
  std::vector<std::pair<std::string, Verdict>> per_value;
  for (const Param& param : experiment->params) {
    if (param.name != claim.for_all) continue;
    for (const std::string& value : param.values) {
      NamedValues where = claim.where;
      where.emplace_back(param.name, value);
      Side side = MakeSide(runs, latest, claim.experiment, claim.metric, where);
      AddRuns(side, entry);
      per_value.emplace_back(param.name + "=" + value, JudgeValue(claim, side));
    }
  }
  return CombineForAll(claim, per_value);
}

ClaimEvaluation EvaluateClaim(const Manifest& manifest, const Claim& claim, const std::vector<RunSpec>& runs,
                              const LatestAttempts& latest) {
  ClaimEvaluation entry;
  entry.claim = &claim;
  switch (claim.kind) {
    case ClaimKind::kValue: {
      if (!claim.for_all.empty()) {
        entry.verdict = EvaluateForAll(manifest, claim, runs, latest, entry);
        break;
      }
      Side side = MakeSide(runs, latest, claim.experiment, claim.metric, claim.where);
      AddRuns(side, entry);
      entry.verdict = JudgeValue(claim, side);
      break;
    }
    case ClaimKind::kComparison: {
      const Comparison& c = *claim.comparison;
      Side left = MakeSide(runs, latest, c.left.experiment, c.left.metric, claim.where);
      Side right = MakeSide(runs, latest, c.right.experiment, c.right.metric, claim.where);
      AddRuns(left, entry);
      AddRuns(right, entry);
      entry.verdict = JudgeComparison(claim, left, right);
      break;
    }
    case ClaimKind::kRanking: {
      std::vector<Side> sides;
      for (const std::string& experiment : claim.ranking) {
        sides.push_back(MakeSide(runs, latest, experiment, claim.metric, claim.where));
        AddRuns(sides.back(), entry);
      }
      entry.verdict = JudgeRanking(claim, sides);
      break;
    }
  }
  return entry;
}

}  // namespace

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

Result<Evaluation> Evaluate(const Manifest& manifest, const std::vector<RunSpec>& runs,
                            const std::string& source_description, Store& store) {
  Evaluation evaluation;
  evaluation.manifest = &manifest;
  evaluation.source_description = source_description;
  LatestAttempts latest;
  for (const RunSpec& run : runs) {
    Result<std::optional<AttemptRecord>> attempt = store.LatestAttempt(run.key);
    if (!attempt) return Error{attempt.error()};
    latest[run.key] = *attempt;
    if (*attempt && (*attempt)->status != kStatusCompleted && (*attempt)->status != kStatusRunning) {
      evaluation.unfinished_runs.push_back(EvidenceFor(run, *attempt, ""));
    }
  }
  std::map<std::string, std::string> fingerprints;  // sha256 -> JSON, read once
  for (const Claim& claim : manifest.claims) {
    ClaimEvaluation entry = EvaluateClaim(manifest, claim, runs, latest);
    if (entry.verdict.kind == VerdictKind::kNotReproduced || entry.verdict.kind == VerdictKind::kInconclusive) {
      std::set<std::string> seen;
      std::vector<std::string> texts;
      for (const RunEvidence& run : entry.runs) {
        if (run.environment.empty() || !seen.insert(run.environment).second) continue;
        if (!fingerprints.count(run.environment)) fingerprints[run.environment] = store.EnvironmentJson(run.environment).value_or("");
        texts.push_back(fingerprints[run.environment]);
      }
      entry.environment_notes = EnvironmentNotes(manifest.paper.environment, texts);
    }
    evaluation.claims.push_back(std::move(entry));
  }
  return evaluation;
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
