// What a report that draws charts adds from the Store beyond the verdicts, gathered after
// Evaluate's claim loop: the curves of each value claim's runs, and every stored series of
// the experiments the claims read (the "best step" curve that decides a final-versus-best
// question is one). Also the small helpers the report formats share.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/report/evaluation.h"

namespace repro {

// The experiments "manifest"'s claims read (value, comparison and ranking), in manifest order.
std::vector<std::string> ClaimedExperiments(const Manifest& manifest);

// The newest attempt of each planned run by its key; nullopt when it never ran.
using NewestAttempts = std::unordered_map<std::string, std::optional<AttemptRecord>>;

// Fills evaluation.series (each value claim's runs) and evaluation.experiment_series (every
// metric of the newest completed attempt of each run of a claimed experiment that stored two
// points or more), each series thinned, kMaxCurvesPerChart runs per chart, and the counts of
// the runs left out. Needs evaluation.claims.
Status GatherCurves(const std::vector<RunSpec>& runs, const NewestAttempts& newest, Store& store,
                    Evaluation& evaluation);

// "elapsed_seconds" at the resolution it has: the Store's timestamps are whole seconds, so
// 0 is "under 1s" and 5 is "5s", never a falsely precise "5.0s"; a minute or more as
// FormatDuration writes it ("12m02s").
std::string FormatElapsed(double elapsed_seconds);

// Seconds since the epoch of a Store timestamp ("2026-11-24T14:23:32Z"); nullopt otherwise.
std::optional<double> ParseUtcTimestamp(const std::string& text);

}  // namespace repro
