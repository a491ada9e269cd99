// What a report file adds from the Store beyond the verdicts, gathered apart from
// Evaluate's claim loop: every stored series of the experiments the claims read (the
// "best step" curve that decides a final-versus-best question is one), and how long the
// runs took from the first start to the last end.
#pragma once

#include <string>
#include <vector>

#include "harness/report/evaluation.h"

namespace repro {

// The experiments "manifest"'s claims read (value, comparison and ranking), in manifest order.
std::vector<std::string> ClaimedExperiments(const Manifest& manifest);

// Fills evaluation.experiment_series (every metric of the newest completed attempt of each
// run of a claimed experiment that stored two points or more, thinned to "max_points") and
// evaluation.elapsed_seconds (first attempt start to last attempt end, every attempt) and
// evaluation.last_finished_at.
Status GatherReportExtras(const std::vector<RunSpec>& runs, Store& store, int64_t max_points, Evaluation& evaluation);

// "elapsed_seconds" at the resolution it has: the Store's timestamps are whole seconds, so
// 0 is "under 1s" and 5 is "5s", never a falsely precise "5.0s"; a minute or more as
// FormatDuration writes it ("12m02s").
std::string FormatElapsed(double elapsed_seconds);

// Seconds since the epoch of a Store timestamp ("2026-11-24T14:23:32Z"); nullopt otherwise.
std::optional<double> ParseUtcTimestamp(const std::string& text);

}  // namespace repro
