// Judges one claim against the measurements of its runs. Pure: the caller gathers the
// evidence from the Store. A verdict always carries a one-line reason a reviewer can quote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/compare/stats.h"
#include "harness/manifest/manifest.h"

namespace repro {

enum class VerdictKind { kReproduced, kBetterThanClaimed, kNotReproduced, kFailed, kMissing, kPending };
const char* VerdictName(VerdictKind kind);
// Reproduced and better-than-claimed count as success for exit codes and summaries.
bool IsSuccess(VerdictKind kind);

// What is known about one run of a claim, from its newest attempt.
struct RunEvidence {
  std::string label;
  int64_t seed = 0;
  enum class State { kNotRun, kRunning, kCompleted, kUnfinished } state = State::kNotRun;
  std::string status;            // the attempt status, e.g. "timeout"
  std::optional<int> exit_code, signal;
  std::optional<double> value;   // the claim's metric, when finite
  std::string flag;              // ok, non-finite, unparseable, missing
  std::string message;
  std::string dir;               // the attempt folder, for logs
};

struct Verdict {
  std::string claim_id;
  VerdictKind kind = VerdictKind::kPending;
  std::optional<SeedSummary> summary;   // over the finite values of completed runs
  std::optional<double> delta;          // measured mean minus reported
  double allowed = 0;                   // allowed deviation from the reported value
  std::vector<int64_t> seeds;           // seeds the summary is over
  std::string reason;
};

// Half a unit in the last printed digit of "reported_text" (68.2 -> 0.05), widened by the
// larger of the claim's abs and rel tolerances.
double AllowedDeviation(const Claim& claim);

Verdict Judge(const Claim& claim, const std::vector<RunEvidence>& runs);

// A number for people: up to 4 significant digits, no exponent for ordinary magnitudes.
std::string FormatNumber(double value);

}  // namespace repro
