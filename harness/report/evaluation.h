// Everything a report shows, gathered from the manifest and the Store: per claim the
// verdict and the evidence of each run, plus the runs that did not finish. Reading only
// the Store and the manifest, it can be rebuilt at any time without running anything.
#pragma once

#include <string>
#include <vector>

#include "harness/compare/verdict.h"
#include "harness/manifest/manifest.h"
#include "harness/manifest/plan.h"
#include "harness/store/store.h"

namespace repro {

struct ClaimEvaluation {
  const Claim* claim = nullptr;
  Verdict verdict;
  std::vector<RunEvidence> runs;
  std::vector<std::string> environment_notes;  // for a claim that did not reproduce (report/environment.h)
};

struct Evaluation {
  const Manifest* manifest = nullptr;
  std::string source_description;
  std::vector<std::string> deviations;  // patches, added files, inputs (source/Deviations)
  std::vector<ClaimEvaluation> claims;
  std::vector<RunEvidence> unfinished_runs;  // every planned run whose newest attempt did not complete

  int Count(VerdictKind kind) const;
  bool AllSucceeded() const;
  // "3 of 4 claims reproduced (1 better than claimed); 1 not reproduced"
  std::string SummaryLine() const;
};

Result<Evaluation> Evaluate(const Manifest& manifest, const std::vector<RunSpec>& runs,
                            const std::string& source_description, Store& store);

std::vector<VerdictRecord> ToVerdictRecords(const Evaluation& evaluation);

}  // namespace repro
