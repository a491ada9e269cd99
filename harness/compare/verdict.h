// Judges claims against the measurements of their runs. Pure: the caller gathers the
// evidence from the Store. Every verdict carries a one-line reason a reviewer can quote.
//
// Decisions use the 90% Student-t interval of the estimate, which is the same as one-sided
// t-tests at alpha = 0.05: for a value claim, the interval inside the tolerance band is a
// two-one-sided-tests (TOST) equivalence; entirely outside it, a significant difference;
// across a band edge, "inconclusive", with an estimate of how many seeds would decide.
// One run decides only with a printed spread and its count, a declared tolerance or a
// declared deterministic experiment; seeds with bit-identical values count as one run; text
// an extractor captured that is no number fails the claim (docs/claims.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/compare/stats.h"
#include "harness/manifest/manifest.h"
#include "harness/util/outcome.h"

namespace repro {

enum class VerdictKind { kReproduced, kBetterThanClaimed, kNotReproduced, kInconclusive, kFailed, kMissing, kPending };
const char* VerdictName(VerdictKind kind);
// Reproduced and better-than-claimed count as success for exit codes and summaries.
bool IsSuccess(VerdictKind kind);

inline constexpr double kAlpha = 0.05;

// What is known about one run, from its newest attempt.
struct RunEvidence {
  std::string label;
  int64_t seed = 0;
  std::optional<int64_t> replicate;  // a repeat inside the run (a metric declared 'replicates'), by its index
  enum class State { kNotRun, kRunning, kCompleted, kUnfinished } state = State::kNotRun;
  std::optional<AttemptStatus> status;  // of its newest attempt; nullopt when it never ran
  std::optional<int> exit_code, signal;
  std::optional<double> value;   // the metric in question, when finite
  std::optional<double> std;     // the spread the code printed beside it, as a standard deviation
  std::optional<int64_t> count;  // how many values that value and std summarise (regex group "n")
  ValueFlag flag = ValueFlag::kMissing;
  std::string message;
  std::string commit;       // the commit of the code its run used; empty for a local folder or a --source checkout
  std::string dir;          // the attempt folder, for logs
  std::string environment;  // sha256 of the environment it ran in; empty when unknown
  int64_t attempt_id = 0;   // for its series; 0 when it never ran
  std::string metric;       // the metric read for this claim
  double wall_seconds = 0, cpu_seconds = 0;
  long peak_rss_kib = 0;
  int gpus = 0;  // declared by its experiment: GPU time is wall time x gpus
};

// The runs of one experiment at one grid point, read for one metric: one side of a
// comparison, one entry of a ranking, or the subject of a value claim.
struct Side {
  std::string label;  // "cnn.test_acc"
  std::vector<RunEvidence> runs;
};

struct Verdict {
  std::string claim_id;
  VerdictKind kind = VerdictKind::kPending;
  std::optional<SeedSummary> summary;  // value claims: the metric; paired comparisons: the differences
  std::optional<double> delta;         // value claims: measured mean minus reported
  double allowed = 0;                  // value claims: allowed deviation from the reported value
  std::vector<int64_t> seeds;          // seeds the numbers are over
  std::string measured;                // the "measured" cell: "65.4 ± 2 (n=5)", "diff 12 ± 1 (n=3, paired)"
  std::string test;                    // "TOST", "non-inferiority", "paired t", "Welch t", "none (n=1)"
  std::optional<double> p_value;
  std::optional<std::pair<double, double>> interval90;  // the interval the decision was read from
  std::optional<int> more_seeds;                        // inconclusive: about how many more seeds would decide
  std::string lean;       // inconclusive: where the estimate sits, "the mean is inside the band"
  double resolution = 0;  // value claims: the row's numbers are shown to this unit (DisplayResolution, RowResolution)
  std::vector<std::string> parts;  // ranking: one line per adjacent pair; for_all: one per value; several
                                   // experiments: one per experiment
  std::string reason;
};

// Half a unit in the last printed digit of the reported value (68.2 -> 0.05) when rounding
// is on, plus the largest of abs, rel * |reported| and sigma * reported std.
double AllowedDeviation(const Claim& claim);

Verdict JudgeValue(const Claim& claim, const Side& side);
Verdict JudgeComparison(const Claim& claim, const Side& left, const Side& right);
Verdict JudgeRanking(const Claim& claim, const std::vector<Side>& entries);  // entries best first
// A for_all claim: the verdict at every value of the parameter, labelled "lr=0.1".
Verdict CombineForAll(const Claim& claim, const std::vector<std::pair<std::string, Verdict>>& per_value);
// A value claim naming several experiments: the verdict in each, labelled with the experiment
// and the code it ran ("as-written @0123456789ab"); the claim holds where every part holds.
Verdict CombineExperiments(const Claim& claim, const std::vector<std::pair<std::string, Verdict>>& per_experiment);

// A number for people: up to 4 significant digits, no exponent for ordinary magnitudes.
std::string FormatNumber(double value);
// The same, with at least the digits down to "resolution" (0: none required), so that a value
// is shown finer than the claim it is compared with.
std::string FormatNumber(double value, double resolution);
// Two numbers (an interval's or a band's ends) with digits added until different numbers
// read differently: never "[912, 912]" for [911.96, 912.04].
std::pair<std::string, std::string> FormatPair(double a, double b, double resolution);

// "value" with exactly the decimals of "resolution", trailing zeros kept, so that the numbers
// of one table row line up ("0.9000 ± 0.0016", Δ "+0.0057"); far from 1 it is FormatNumber's.
std::string FormatAligned(double value, double resolution);
// A row's resolution: "resolution", or finer when "spread" would show fewer than two
// significant digits at it.
double RowResolution(double resolution, double spread);
// A hundredth of the unit of the claim's last printed digit ("911.6" -> 0.001): band edges lie
// at half units, and a value must read differently from an edge it is not on.
double DisplayResolution(const Claim& claim);
std::string FormatP(double p);

}  // namespace repro
