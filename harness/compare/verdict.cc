#include "harness/compare/verdict.h"

#include <cmath>

#include <fmt/format.h>

#include "harness/util/text.h"

namespace repro {

const char* VerdictName(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kReproduced: return "reproduced";
    case VerdictKind::kBetterThanClaimed: return "better-than-claimed";
    case VerdictKind::kNotReproduced: return "not-reproduced";
    case VerdictKind::kFailed: return "failed";
    case VerdictKind::kMissing: return "missing";
    case VerdictKind::kPending: return "pending";
  }
  return "?";
}

bool IsSuccess(VerdictKind kind) { return kind == VerdictKind::kReproduced || kind == VerdictKind::kBetterThanClaimed; }

std::string FormatNumber(double value) {
  if (value == 0) return "0";
  double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) {
    // Four significant digits, trailing zeros dropped.
    int decimals = std::max(0, 3 - static_cast<int>(std::floor(std::log10(magnitude))));
    std::string text = fmt::format("{:.{}f}", value, decimals);
    if (text.find('.') != std::string::npos) {
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
    }
    return text;
  }
  return fmt::format("{:.3e}", value);
}

double AllowedDeviation(const Claim& claim) {
  double rounding = 0.5 * std::pow(10.0, -PrintedDecimals(claim.reported_text));
  double extra = std::max(claim.tolerance_abs.value_or(0), claim.tolerance_rel.value_or(0) * std::fabs(claim.reported));
  return rounding + extra;
}

namespace {

std::string DescribeUnfinished(const RunEvidence& run) {
  std::string what = run.status;
  if (run.exit_code && run.status == "failed") what += fmt::format(" (exit {})", *run.exit_code);
  if (run.signal) what += fmt::format(" (signal {})", *run.signal);
  return fmt::format("seed {} {}", run.seed, what);
}

std::string Measured(const SeedSummary& s) {
  if (s.n < 2) return fmt::format("measured {} (n=1)", FormatNumber(s.mean));
  return fmt::format("measured {} ± {} (n={})", FormatNumber(s.mean), FormatNumber(s.std), s.n);
}

// What the numbers say, given the direction the paper cares about.
VerdictKind Decide(const Claim& claim, double delta, double allowed) {
  double toward_better = claim.better == Better::kLower ? -delta : delta;
  if (claim.better != Better::kEither && toward_better > allowed) return VerdictKind::kBetterThanClaimed;
  return std::fabs(delta) <= allowed ? VerdictKind::kReproduced : VerdictKind::kNotReproduced;
}

}  // namespace

Verdict Judge(const Claim& claim, const std::vector<RunEvidence>& runs) {
  Verdict verdict;
  verdict.claim_id = claim.id;
  verdict.allowed = AllowedDeviation(claim);
  std::vector<std::string> unfinished, missing, not_finite;
  int not_run = 0, running = 0;
  std::vector<double> values;
  for (const RunEvidence& run : runs) {
    switch (run.state) {
      case RunEvidence::State::kNotRun: ++not_run; break;
      case RunEvidence::State::kRunning: ++running; break;
      case RunEvidence::State::kUnfinished: unfinished.push_back(DescribeUnfinished(run)); break;
      case RunEvidence::State::kCompleted:
        if (run.value) {
          values.push_back(*run.value);
          verdict.seeds.push_back(run.seed);
        } else if (run.flag == "missing" || run.flag.empty()) {
          missing.push_back(fmt::format("seed {}", run.seed));
        } else {
          not_finite.push_back(fmt::format("seed {} {}", run.seed, run.message.empty() ? run.flag : run.message));
        }
        break;
    }
  }
  if (!values.empty()) verdict.summary = Summarize(values);
  int total = static_cast<int>(runs.size());
  if (!unfinished.empty()) {
    verdict.kind = VerdictKind::kFailed;
    verdict.reason = fmt::format("{} of {} runs did not finish: {}", unfinished.size(), total, Join(unfinished, ", "));
    return verdict;
  }
  if (not_run + running > 0) {
    verdict.kind = VerdictKind::kPending;
    verdict.reason = fmt::format("{} of {} runs not finished yet{}", not_run + running, total,
                                 running > 0 ? fmt::format(" ({} running)", running) : "");
    return verdict;
  }
  if (!missing.empty()) {
    verdict.kind = VerdictKind::kMissing;
    const RunEvidence* example = nullptr;
    for (const RunEvidence& run : runs) {
      if (run.state == RunEvidence::State::kCompleted && !run.value && (run.flag == "missing" || run.flag.empty())) {
        example = &run;
        break;
      }
    }
    verdict.reason = fmt::format("metric '{}' {} in {} of {} runs ({}){}", claim.metric, "not found", missing.size(), total,
                                 Join(missing, ", "), example && !example->message.empty() ? ": " + example->message : "");
    return verdict;
  }
  if (!not_finite.empty()) {
    verdict.kind = VerdictKind::kNotReproduced;
    verdict.reason = fmt::format("metric '{}' is not a finite number in {} of {} runs: {}", claim.metric,
                                 not_finite.size(), total, Join(not_finite, "; "));
    return verdict;
  }
  const SeedSummary& s = *verdict.summary;
  verdict.delta = s.mean - claim.reported;
  verdict.kind = Decide(claim, *verdict.delta, verdict.allowed);
  std::string direction = *verdict.delta > 0 ? "above" : *verdict.delta < 0 ? "below" : "off";
  std::string sided = claim.better == Better::kEither ? "±" : "";
  verdict.reason = fmt::format("{}, claimed {}: {} {}, tolerance {}{}: {}", Measured(s), claim.reported_text,
                               FormatNumber(std::fabs(*verdict.delta)), direction, sided, FormatNumber(verdict.allowed),
                               VerdictName(verdict.kind));
  return verdict;
}

}  // namespace repro
