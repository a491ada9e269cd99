// The part of a manifest a command works on: some experiments, some claims, one grid point.
// A newcomer runs one claim's runs, or one experiment, without copying the manifest and
// deleting the rest until `validate` stops complaining.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/manifest/manifest.h"
#include "harness/manifest/plan.h"
#include "harness/util/result.h"

namespace repro {

struct Selection {
  std::vector<std::string> experiments;  // --experiment ID
  std::vector<std::string> claims;       // --claim ID: the runs it reads, and only it is judged
  NamedValues where;                     // --where NAME=VALUE: runs at this grid point
  bool empty() const { return experiments.empty() && claims.empty() && where.empty(); }
};

// "NAME=VALUE" of --where; the error says what was expected.
Result<std::pair<std::string, std::string>> ParseWhere(const std::string& text);

// The experiments a claim reads: its experiment, both sides of a comparison, a ranking's.
std::vector<std::string> ClaimExperiments(const Claim& claim);

// Keeps the runs the selection names (all of its parts hold) and the claims it can judge:
// the named claims, else those whose experiments are all selected and whose grid point
// agrees with --where. Table cells of claims left out become empty. An unknown experiment,
// claim, parameter or value is an error with a did-you-mean; so is a selection with no run.
// "runs" point into "manifest", whose experiments are left in place.
Status ApplySelection(const Selection& selection, Manifest& manifest, std::vector<RunSpec>& runs);

}  // namespace repro
