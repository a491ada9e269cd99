#include "harness/report/evaluation.h"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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
  for (VerdictKind kind : {VerdictKind::kNotReproduced, VerdictKind::kFailed, VerdictKind::kMissing, VerdictKind::kPending}) {
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
  std::map<std::string, std::optional<AttemptRecord>> latest;
  for (const RunSpec& run : runs) {
    Result<std::optional<AttemptRecord>> attempt = store.LatestAttempt(run.key);
    if (!attempt) return Error{attempt.error()};
    latest[run.key] = *attempt;
    if (*attempt && (*attempt)->status != kStatusCompleted && (*attempt)->status != kStatusRunning) {
      evaluation.unfinished_runs.push_back(EvidenceFor(run, *attempt, ""));
    }
  }
  for (const Claim& claim : manifest.claims) {
    ClaimEvaluation entry;
    entry.claim = &claim;
    for (const RunSpec* run : RunsForClaim(runs, claim)) entry.runs.push_back(EvidenceFor(*run, latest[run->key], claim.metric));
    entry.verdict = Judge(claim, entry.runs);
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
    nlohmann::json detail = {{"allowed", v.allowed}, {"seeds", v.seeds}, {"reported", claim.claim->reported_text}};
    record.detail_json = detail.dump();
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace repro
