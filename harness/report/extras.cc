#include "harness/report/extras.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

#include "harness/util/units.h"

namespace repro {
namespace {

std::vector<std::pair<double, double>> FinitePoints(const std::vector<SeriesPoint>& points) {
  std::vector<std::pair<double, double>> finite;
  for (const SeriesPoint& p : points) {
    if (p.value) finite.emplace_back(static_cast<double>(p.step.value_or(p.seq)), *p.value);
  }
  return finite;
}

// The series of one run's newest completed attempt, one per metric with two points or more.
Status AddRunSeries(const RunSpec& run, Store& store, int64_t max_points, Evaluation& evaluation) {
  Result<std::optional<AttemptRecord>> attempt = store.LatestAttempt(run.key);
  if (!attempt) return Error{attempt.error()};
  if (!*attempt || (*attempt)->status != AttemptStatus::kCompleted) return Status::Ok();
  for (const MetricRecord& metric : (*attempt)->metrics) {
    if (metric.points < 2) continue;
    Result<std::vector<SeriesPoint>> points = store.Series((*attempt)->id, metric.name, max_points);
    if (!points) return Error{points.error()};
    std::vector<std::pair<double, double>> finite = FinitePoints(*points);
    if (finite.size() < 2) continue;
    evaluation.experiment_series[run.experiment->id].push_back(
        {run.label, metric.name, std::move(finite), metric.unit});
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

Status GatherReportExtras(const std::vector<RunSpec>& runs, Store& store, int64_t max_points, Evaluation& evaluation) {
  std::vector<std::string> claimed = ClaimedExperiments(*evaluation.manifest);
  std::optional<double> first_start, last_end;
  for (const RunSpec& run : runs) {
    Result<std::vector<AttemptRecord>> attempts = store.Attempts(run.key);
    if (!attempts) return Error{attempts.error()};
    for (const AttemptRecord& attempt : *attempts) {
      std::optional<double> start = ParseUtcTimestamp(attempt.started_at), end = ParseUtcTimestamp(attempt.finished_at);
      if (start) first_start = std::min(first_start.value_or(*start), *start);
      if (end && (!last_end || *end > *last_end)) {
        last_end = *end;
        evaluation.last_finished_at = attempt.finished_at;
      }
    }
    if (std::find(claimed.begin(), claimed.end(), run.experiment->id) == claimed.end()) continue;
    if (Status added = AddRunSeries(run, store, max_points, evaluation); !added) return added;
  }
  if (first_start && last_end) evaluation.elapsed_seconds = std::max(0.0, *last_end - *first_start);
  return Status::Ok();
}

}  // namespace repro
