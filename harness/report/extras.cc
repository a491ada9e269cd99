#include "harness/report/extras.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

#include "harness/util/units.h"

namespace repro {
namespace {

// Points per curve: the shape, not the raw series (the store reads it thinned).
constexpr int64_t kCurvePoints = 400;

std::vector<std::pair<double, double>> FinitePoints(const std::vector<SeriesPoint>& points) {
  std::vector<std::pair<double, double>> finite;
  for (const SeriesPoint& p : points) {
    if (p.value) finite.emplace_back(static_cast<double>(p.step.value_or(p.seq)), *p.value);
  }
  return finite;
}

// The curve of one metric of one attempt, when it has two finite points or more.
Result<std::optional<SeriesOfRun>> ReadCurve(Store& store, int64_t attempt_id, const std::string& label,
                                             const std::string& metric, const std::string& unit) {
  Result<std::vector<SeriesPoint>> points = store.Series(attempt_id, metric, kCurvePoints);
  if (!points) return Error{points.error()};
  std::vector<std::pair<double, double>> finite = FinitePoints(*points);
  if (finite.size() < 2) return std::optional<SeriesOfRun>();
  return std::optional<SeriesOfRun>(SeriesOfRun{label, metric, std::move(finite), unit});
}

// The curves of each value claim's runs, kMaxCurvesPerChart at most. A run's replicates
// are samples of one attempt: its curve is drawn once and named as the run.
Status GatherClaimCurves(Store& store, Evaluation& evaluation) {
  for (ClaimEvaluation& claim : evaluation.claims) {
    std::set<std::pair<int64_t, std::string>> seen;
    for (const RunEvidence& run : claim.runs) {
      if (run.attempt_id == 0 || run.metric.empty() || !seen.insert({run.attempt_id, run.metric}).second) continue;
      std::vector<SeriesOfRun>& drawn = evaluation.series[claim.claim->id];
      if (drawn.size() >= kMaxCurvesPerChart) {
        ++evaluation.curves_left_out[claim.claim->id];
        continue;
      }
      Result<std::optional<SeriesOfRun>> curve =
          ReadCurve(store, run.attempt_id, RunLabelOf(run), run.metric, /*unit: the chart finds it by claim*/ "");
      if (!curve) return Error{curve.error()};
      if (*curve) drawn.push_back(std::move(**curve));
    }
    if (evaluation.series[claim.claim->id].empty()) evaluation.series.erase(claim.claim->id);
  }
  return Status::Ok();
}

// Every metric with two points or more of the newest completed attempt of each run of a
// claimed experiment, kMaxCurvesPerChart runs per metric at most.
Status GatherExperimentCurves(const std::vector<RunSpec>& runs, const NewestAttempts& newest, Store& store,
                              Evaluation& evaluation) {
  std::vector<std::string> claimed = ClaimedExperiments(*evaluation.manifest);
  std::map<std::pair<std::string, std::string>, size_t> drawn;  // (experiment, metric) -> curves
  for (const RunSpec& run : runs) {
    const std::string& experiment = run.experiment->id;
    if (std::find(claimed.begin(), claimed.end(), experiment) == claimed.end()) continue;
    const std::optional<AttemptRecord>& attempt = newest.at(run.key);
    if (!attempt || attempt->status != AttemptStatus::kCompleted) continue;
    for (const MetricRecord& metric : attempt->metrics) {
      if (metric.points < 2) continue;
      size_t& count = drawn[{experiment, metric.name}];
      if (count >= kMaxCurvesPerChart) {
        ++evaluation.experiment_curves_left_out[{experiment, metric.name}];
        continue;
      }
      Result<std::optional<SeriesOfRun>> curve = ReadCurve(store, attempt->id, run.label, metric.name, metric.unit);
      if (!curve) return Error{curve.error()};
      if (!*curve) continue;
      ++count;
      evaluation.experiment_series[experiment].push_back(std::move(**curve));
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> ClaimedExperiments(const Manifest& manifest) {
  std::set<std::string> named;
  for (const Claim& claim : manifest.claims) {
    if (!claim.experiment.empty()) named.insert(claim.experiment);
    named.insert(claim.experiments.begin(), claim.experiments.end());
    if (claim.comparison) named.insert({claim.comparison->left.experiment, claim.comparison->right.experiment});
    named.insert(claim.ranking.begin(), claim.ranking.end());
  }
  std::vector<std::string> ordered;
  for (const Experiment& experiment : manifest.experiments) {
    if (named.count(experiment.id)) ordered.push_back(experiment.id);
  }
  return ordered;
}

std::string FormatElapsed(double elapsed_seconds) {
  if (elapsed_seconds < 1) return "under 1s";
  if (elapsed_seconds < 60) return fmt::format("{:.0f}s", elapsed_seconds);
  return FormatDuration(elapsed_seconds);
}

std::optional<double> ParseUtcTimestamp(const std::string& text) {
  std::tm tm{};
  char zone = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &zone) != 7 ||
      zone != 'Z') {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm));
}

Status GatherCurves(const std::vector<RunSpec>& runs, const NewestAttempts& newest, Store& store,
                    Evaluation& evaluation) {
  if (Status claims = GatherClaimCurves(store, evaluation); !claims) return claims;
  return GatherExperimentCurves(runs, newest, store, evaluation);
}

}  // namespace repro
