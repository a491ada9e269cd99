// Everything a report shows, gathered from the manifest and the Store: per claim the
// verdict and the evidence of each run, plus the runs that did not finish. Reading only
// the Store and the manifest, it can be rebuilt at any time without running anything.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/compare/verdict.h"
#include "harness/manifest/manifest.h"
#include "harness/manifest/plan.h"
#include "harness/store/store.h"

namespace repro {

// What the attempts cost: their sum, and the largest peak memory of one attempt.
struct Compute {
  int attempts = 0;
  double wall_seconds = 0, cpu_seconds = 0, gpu_seconds = 0;
  long peak_rss_kib = 0;
  void Add(const RunEvidence& run);
};

struct ClaimEvaluation {
  const Claim* claim = nullptr;
  Verdict verdict;
  std::vector<RunEvidence> runs;
  std::vector<std::string> environment_notes;  // for a claim that did not reproduce (report/environment.h)
  Compute compute;                             // of the newest attempts of its runs
};

// A file the report vouches for, by its sha256 (a log, an attempt record).
struct HashedFile {
  std::string path;
  std::string sha256;  // "missing" when the file is gone
};

// A point of a metric's series, per run, for the curves of the HTML report.
struct SeriesOfRun {
  std::string label;
  std::string metric;
  std::vector<std::pair<double, double>> points;  // (step, value), finite values only
  std::string unit;                               // the metric's, for an axis title; may be empty
};

// A file beside the manifest that a command or setup step names (a driver script): code
// that runs but is not the released code, so each is a deviation with its sha256.
struct ManifestFile {
  std::string path;                  // as named from the manifest's folder ("mnist1d/driver.py")
  std::string absolute;              // where it was read
  std::string sha256;                // "unreadable" when it could not be read
  std::vector<std::string> used_by;  // "experiment logistic", "setup step 1"
};

// One planned run's command as it ran: "{out}" is its newest attempt's out folder (kept as
// "{out}" when it never ran).
struct RunCommand {
  std::string label;
  std::vector<std::string> argv;
};

// One setup step of the newest execution, with the tails of its logs (reports only).
struct SetupStepView {
  SetupStepRecord record;
  std::vector<std::string> stdout_tail, stderr_tail;
};

// The manifest's setup as recorded for this source: the steps of its newest execution and
// the compute of every execution (a failed setup ran again costs twice).
struct SetupReport {
  std::string key;
  int executions = 0;
  std::vector<SetupStepView> steps;
  Compute compute;  // "attempts" counts the steps run
};

struct Evaluation {
  const Manifest* manifest = nullptr;
  std::string source_description;
  // The checkout's differences from its commit, patches, added files, inputs (source/Deviations),
  // then the files beside the manifest that commands and setup steps use.
  std::vector<std::string> deviations;
  std::vector<ManifestFile> manifest_files;  // beside the manifest, named by commands or setup steps
  std::vector<RunCommand> commands;          // every planned run's command, in plan order
  SetupReport setup;
  std::vector<ClaimEvaluation> claims;
  std::vector<RunEvidence> unfinished_runs;  // every planned run whose newest attempt did not complete
  int runs_never_run = 0;                    // planned runs without any attempt
  Compute compute;                           // every attempt of every planned run, retries included, and setup's time
  std::vector<HashedFile> integrity;         // logs and attempt.json of the newest attempts, setup logs
  std::vector<std::string> environments;     // JSON of each distinct environment of the newest attempts
  // Charts only (Detail::kCharts, report/extras.h): claim id -> curves of its runs; and
  // experiment id -> every stored series of its runs' newest attempts, for each experiment a
  // claim reads. Each chart draws kMaxCurvesPerChart runs at most; the runs left out are counted.
  std::map<std::string, std::vector<SeriesOfRun>> series;
  std::map<std::string, int> curves_left_out;  // claim id -> runs not drawn
  std::map<std::string, std::vector<SeriesOfRun>> experiment_series;
  std::map<std::pair<std::string, std::string>, int> experiment_curves_left_out;  // (experiment, metric) -> runs
  // From the first attempt's start to the last one's end, which attempts side by side make
  // shorter than compute.wall_seconds, their sum. Whole seconds, as the Store's timestamps
  // have them (FormatElapsed); none when no attempt has both a start and an end.
  std::optional<double> elapsed_seconds;
  std::string last_finished_at;  // the newest attempt end, as stored ("2026-12-02T07:49:52Z"); empty: none

  int Count(VerdictKind kind) const;
  const ClaimEvaluation* Find(const std::string& claim_id) const;
  bool AllSucceeded() const;
  // "3 of 4 claims reproduced (1 better than claimed); 1 not reproduced"
  std::string SummaryLine() const;
  // "2 step(s) completed in 1m30s (...)" or "step 2 of 2 failed (exit 1)"; empty when no
  // setup step was recorded.
  std::string SetupLine() const;
};

// What a caller needs: the verdicts (with compute and environments); or everything a report
// file shows besides (file hashes, setup logs), which costs reading logs; or that and the
// thinned metric curves a report draws (HTML, PDF), which costs reading series.
enum class Detail { kVerdicts, kReport, kCharts };

// Runs drawn in one chart at most: past a dozen or two, curves are a blot, and reading
// 10,000 series would take a lab's report from a second to many. A note counts the rest.
constexpr size_t kMaxCurvesPerChart = 20;

// The run a piece of evidence is of: a replicate's label without its " #INDEX".
std::string RunLabelOf(const RunEvidence& run);

// "setup_key" (source/SetupIdentity) finds the recorded setup steps; empty: none shown.
Result<Evaluation> Evaluate(const Manifest& manifest, const std::vector<RunSpec>& runs,
                            const std::string& source_description, Store& store, Detail detail = Detail::kVerdicts,
                            const std::string& setup_key = "");

// The files beside the manifest that the runs' commands or the setup steps name (patches and
// added files are deviations of their own), hashed, in the order first named.
std::vector<ManifestFile> FilesBesideManifest(const Manifest& manifest, const std::vector<RunSpec>& runs);

std::vector<VerdictRecord> ToVerdictRecords(const Evaluation& evaluation);

// A setup step's status with how it ended: "failed (exit 2)"; a completed step's code is left out.
std::string StepStatus(const SetupStepRecord& step);
// How a run's newest attempt ended ("failed (exit 3)"), or "not run".
std::string RunStatus(const RunEvidence& run);

// The ACM badge the evidence suggests ("Results Reproduced" for the authors' own code,
// "Results Replicated" for other code, when every claim held), with the reason; a
// suggestion for a reviewer, never a verdict.
struct BadgeSuggestion {
  std::string badge;  // empty when none is suggested
  std::string reason;
};
BadgeSuggestion SuggestBadge(const Evaluation& evaluation);

// The ML Reproducibility Challenge's summary shape: scope, what was run, what held, what
// did not, compute used. One paragraph each.
std::vector<std::pair<std::string, std::string>> ChallengeSummary(const Evaluation& evaluation);

}  // namespace repro
