// Expands a manifest into runs: experiments x parameter grid x seeds, each with an identity
// that changes exactly when something that could change its results changes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/manifest/manifest.h"
#include "harness/manifest/template.h"
#include "harness/util/result.h"

namespace repro {

struct RunSpec {
  const Experiment* experiment = nullptr;  // points into the planned Manifest
  NamedValues params;                      // this grid point, in manifest order
  int64_t seed = 0;
  Bindings bindings;  // params, seed and manifest_dir; "out" is per attempt
  std::string key;    // SHA-256 identity, hex
  std::string label;  // "mlp lr=0.01 seed=0", for people
};

// The most runs a manifest may plan unless the user raises it (repro ... --max-runs N): a
// grid is a product, and 20 parameters of 10 values are 10^20 runs in a 1 KB file.
inline constexpr int64_t kDefaultMaxRuns = 100000;
// The most command text a plan may hold (runs x the bytes of one run's arguments).
inline constexpr int64_t kMaxPlanBytes = int64_t{1} << 30;

// How many runs "manifest" plans, computed without expanding anything. An error names the
// experiment at its file:line:col with the product, when it (or the total) exceeds
// "max_runs" or its command text kMaxPlanBytes.
Result<int64_t> CountRuns(const Manifest& manifest, int64_t max_runs);

// "source_identity" names the exact code (a commit, or a tree digest of a local folder).
// The identity covers that, the setup steps, the environment, the command with its
// parameters and seed, the metric extractors, and the content of files beside the
// manifest that the command names (a driver script, say). The timeout and resources
// are not part of it: a run that finished is not different because the limit was higher.
// Refuses, before expanding anything, what CountRuns refuses.
// The code identity of each experiment's runs: "base" (the manifest's source), or its own
// when it overrides the commit or patches.
struct CodeIdentities {
  std::string base;
  std::map<std::string, std::string> own;  // experiment id -> identity
  const std::string& Of(const Experiment& experiment) const;
};
Result<std::vector<RunSpec>> PlanRuns(const Manifest& manifest, const CodeIdentities& code,
                                      int64_t max_runs = kDefaultMaxRuns);
inline Result<std::vector<RunSpec>> PlanRuns(const Manifest& manifest, const std::string& source_identity,
                                             int64_t max_runs = kDefaultMaxRuns) {
  return PlanRuns(manifest, CodeIdentities{source_identity, {}}, max_runs);
}

// The keys of "runs", in order (Store::LatestAttempts reads them together).
std::vector<std::string> RunKeys(const std::vector<RunSpec>& runs);

// The runs of "experiment" at the grid point "where" picks; picks of parameters the
// experiment does not have are ignored (a comparison's 'where' covers both sides).
std::vector<const RunSpec*> RunsFor(const std::vector<RunSpec>& runs, const std::string& experiment,
                                    const NamedValues& where);

// Argv for one attempt: the command with every placeholder bound, "{out}" included. With
// shell: true, ["/bin/sh", "-c", script] with every value single-quoted.
Result<std::vector<std::string>> ExpandCommand(const RunSpec& run, const std::string& out_dir);

}  // namespace repro
