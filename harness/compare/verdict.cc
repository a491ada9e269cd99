#include "harness/compare/verdict.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "harness/util/text.h"

namespace repro {

const char* VerdictName(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kReproduced: return "reproduced";
    case VerdictKind::kBetterThanClaimed: return "better-than-claimed";
    case VerdictKind::kNotReproduced: return "not-reproduced";
    case VerdictKind::kInconclusive: return "inconclusive";
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
    int decimals = std::max(0, 3 - static_cast<int>(std::floor(std::log10(magnitude))));
    std::string text = fmt::format("{:.{}f}", value, decimals);
    if (text.find('.') != std::string::npos) {
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
    }
    return text == "-0" ? "0" : text;
  }
  return fmt::format("{:.3e}", value);
}

std::string FormatP(double p) { return p < 0.001 ? "p<0.001" : fmt::format("p={:.2g}", p); }

double AllowedDeviation(const Claim& claim) {
  const ReportedValue& r = claim.reported;
  double rounding = claim.rounding ? r.half_unit : 0;
  double extra = std::max({claim.tolerance_abs.value_or(0), claim.tolerance_rel.value_or(0) * std::fabs(r.value),
                           claim.tolerance_sigma.value_or(0) * r.std.value_or(0)});
  return rounding + extra;
}

namespace {

std::string Interval90(const std::pair<double, double>& interval) {
  return fmt::format("90% interval [{}, {}]", FormatNumber(interval.first), FormatNumber(interval.second));
}

std::string MoreSeeds(const std::optional<int>& needed, int n) {
  if (!needed) return ", more seeds are unlikely to decide (the estimate sits on the boundary)";
  return fmt::format(", about {} more seed{} would decide", std::max(1, *needed - n), *needed - n == 1 ? "" : "s");
}

// ---- evidence that cannot be judged ------------------------------------------

std::string DescribeUnfinished(const RunEvidence& run) {
  std::string what = run.status;
  if (run.exit_code && run.status == "failed") what += fmt::format(" (exit {})", *run.exit_code);
  if (run.signal) what += fmt::format(" (signal {})", *run.signal);
  return fmt::format("{} {}", run.label, what);
}

// The verdict when some run of "sides" failed, has not run, lacks the metric or has a
// value that is not a finite number; nullopt when every run gave a number.
std::optional<Verdict> Unjudgeable(const Claim& claim, const std::vector<const Side*>& sides) {
  std::vector<std::string> unfinished, missing, not_finite;
  int not_run = 0, running = 0, total = 0;
  const RunEvidence* missing_example = nullptr;
  for (const Side* side : sides) {
    for (const RunEvidence& run : side->runs) {
      ++total;
      switch (run.state) {
        case RunEvidence::State::kNotRun: ++not_run; break;
        case RunEvidence::State::kRunning: ++running; break;
        case RunEvidence::State::kUnfinished: unfinished.push_back(DescribeUnfinished(run)); break;
        case RunEvidence::State::kCompleted:
          if (run.value) break;
          if (run.flag == "missing" || run.flag.empty()) {
            missing.push_back(run.label);
            if (missing_example == nullptr) missing_example = &run;
          } else {
            not_finite.push_back(fmt::format("{} {}", run.label, run.message.empty() ? run.flag : run.message));
          }
          break;
      }
    }
  }
  Verdict verdict;
  verdict.claim_id = claim.id;
  if (!unfinished.empty()) {
    verdict.kind = VerdictKind::kFailed;
    verdict.reason = fmt::format("{} of {} runs did not finish: {}", unfinished.size(), total, Join(unfinished, ", "));
  } else if (not_run + running > 0) {
    verdict.kind = VerdictKind::kPending;
    verdict.reason = fmt::format("{} of {} runs not finished yet{}", not_run + running, total,
                                 running > 0 ? fmt::format(" ({} running)", running) : "");
  } else if (!missing.empty()) {
    verdict.kind = VerdictKind::kMissing;
    verdict.reason = fmt::format("metric not found in {} of {} runs ({}){}", missing.size(), total, Join(missing, ", "),
                                 missing_example->message.empty() ? "" : ": " + missing_example->message);
  } else if (!not_finite.empty()) {
    verdict.kind = VerdictKind::kNotReproduced;
    verdict.reason = fmt::format("not a finite number in {} of {} runs: {}", not_finite.size(), total, Join(not_finite, "; "));
  } else {
    return std::nullopt;
  }
  return verdict;
}

std::map<int64_t, double> ValuesBySeed(const Side& side) {
  std::map<int64_t, double> values;
  for (const RunEvidence& run : side.runs) values[run.seed] = *run.value;
  return values;
}

std::vector<double> Values(const std::map<int64_t, double>& by_seed) {
  std::vector<double> values;
  for (const auto& [seed, value] : by_seed) values.push_back(value);
  return values;
}

std::vector<int64_t> Seeds(const std::map<int64_t, double>& by_seed) {
  std::vector<int64_t> seeds;
  for (const auto& [seed, value] : by_seed) seeds.push_back(seed);
  return seeds;
}

std::string MeasuredText(const SeedSummary& s) {
  if (s.n < 2) return fmt::format("{} (n=1)", FormatNumber(s.mean));
  return fmt::format("{} ± {} (n={})", FormatNumber(s.mean), FormatNumber(s.std), s.n);
}

// ---- value claims ----------------------------------------------------------------

// Reads the decision for a value claim off the 90% interval [lo, hi] and the band [L, U].
struct BandDecision {
  VerdictKind kind;
  std::string relation;  // how the interval sits against the band, in words
  double p;
  std::string test;
  double gap;            // for inconclusive: distance from the estimate to the edge to clear
};

BandDecision DecideAgainstBand(const Estimate& e, Better better, double low, double high) {
  auto [lo, hi] = Interval(e, 1 - 2 * kAlpha);
  std::string band = fmt::format("[{}, {}]", FormatNumber(low), FormatNumber(high));
  double m = e.value;
  switch (better) {
    case Better::kHigher:
      if (lo > high) return {VerdictKind::kBetterThanClaimed, "entirely above " + FormatNumber(high), PGreater(e, high), "one-sided t", 0};
      if (lo >= low) return {VerdictKind::kReproduced, "entirely above " + FormatNumber(low), PGreater(e, low), "non-inferiority", 0};
      if (hi < low) return {VerdictKind::kNotReproduced, "entirely below " + FormatNumber(low), PLess(e, low), "one-sided t", 0};
      return {VerdictKind::kInconclusive, "straddles " + FormatNumber(low), PGreater(e, low), "non-inferiority", std::fabs(m - low)};
    case Better::kLower:
      if (hi < low) return {VerdictKind::kBetterThanClaimed, "entirely below " + FormatNumber(low), PLess(e, low), "one-sided t", 0};
      if (hi <= high) return {VerdictKind::kReproduced, "entirely below " + FormatNumber(high), PLess(e, high), "non-inferiority", 0};
      if (lo > high) return {VerdictKind::kNotReproduced, "entirely above " + FormatNumber(high), PGreater(e, high), "one-sided t", 0};
      return {VerdictKind::kInconclusive, "straddles " + FormatNumber(high), PLess(e, high), "non-inferiority", std::fabs(m - high)};
    case Better::kEither:
      break;
  }
  double tost = std::max(PGreater(e, low), PLess(e, high));
  if (lo >= low && hi <= high) return {VerdictKind::kReproduced, "inside " + band, tost, "TOST", 0};
  if (lo > high) return {VerdictKind::kNotReproduced, "entirely above " + FormatNumber(high), PGreater(e, high), "one-sided t", 0};
  if (hi < low) return {VerdictKind::kNotReproduced, "entirely below " + FormatNumber(low), PLess(e, low), "one-sided t", 0};
  // Inside the band the question is equivalence (clear both edges); outside, difference.
  double gap = m >= low && m <= high ? std::min(m - low, high - m) : std::min(std::fabs(m - low), std::fabs(m - high));
  std::string relation = lo < low && hi > high ? "is wider than the band " + band : "straddles " + FormatNumber(lo < low ? low : high);
  return {VerdictKind::kInconclusive, relation, tost, "TOST", gap};
}

VerdictKind DecideByTolerance(Better better, double delta, double allowed) {
  double toward_better = better == Better::kLower ? -delta : delta;
  if (better != Better::kEither && toward_better > allowed) return VerdictKind::kBetterThanClaimed;
  return std::fabs(delta) <= allowed ? VerdictKind::kReproduced : VerdictKind::kNotReproduced;
}

}  // namespace

Verdict JudgeValue(const Claim& claim, const Side& side) {
  if (std::optional<Verdict> unusable = Unjudgeable(claim, {&side})) {
    unusable->allowed = AllowedDeviation(claim);
    return *unusable;
  }
  Verdict verdict;
  verdict.claim_id = claim.id;
  verdict.allowed = AllowedDeviation(claim);
  std::map<int64_t, double> by_seed = ValuesBySeed(side);
  verdict.seeds = Seeds(by_seed);
  SeedSummary s = Summarize(Values(by_seed));
  verdict.summary = s;
  verdict.measured = MeasuredText(s);
  double reported = claim.reported.value;
  verdict.delta = s.mean - reported;
  std::string direction = *verdict.delta > 0 ? "above" : *verdict.delta < 0 ? "below" : "off";
  std::string head = fmt::format("measured {}, claimed {}: {} {}, allowed ±{}", verdict.measured, claim.reported.text,
                                 FormatNumber(std::fabs(*verdict.delta)), direction, FormatNumber(verdict.allowed));
  if (s.n < 2) {
    verdict.kind = DecideByTolerance(claim.better, *verdict.delta, verdict.allowed);
    verdict.test = "none (n=1)";
    verdict.reason = fmt::format("{}; n=1, so no test: {}", head, VerdictName(verdict.kind));
    return verdict;
  }
  Estimate e = MeanOf(s);
  BandDecision decision = DecideAgainstBand(e, claim.better, reported - verdict.allowed, reported + verdict.allowed);
  verdict.kind = decision.kind;
  verdict.test = decision.test;
  verdict.p_value = decision.p;
  verdict.interval90 = Interval(e, 1 - 2 * kAlpha);
  verdict.reason = fmt::format("{}; {} {} ({} {}): {}", head, Interval90(*verdict.interval90), decision.relation,
                               decision.test, FormatP(decision.p), VerdictName(decision.kind));
  if (decision.kind == VerdictKind::kInconclusive) {
    verdict.more_seeds = SeedsToResolve(s.std, decision.gap);
    verdict.reason += MoreSeeds(verdict.more_seeds, s.n);
    if (verdict.more_seeds) verdict.more_seeds = std::max(1, *verdict.more_seeds - s.n);
  }
  return verdict;
}

namespace {

// ---- comparisons -----------------------------------------------------------------

struct PairResult {
  VerdictKind kind = VerdictKind::kInconclusive;
  std::string measured;  // "12 ± 1 (n=3, paired)"
  std::string test;
  std::optional<double> p;
  std::optional<std::pair<double, double>> interval;
  std::optional<SeedSummary> paired_summary;
  std::optional<int> more_seeds;
  std::string why;       // "90% interval [10.2, 13.8] entirely above 10 (paired t p<0.001)"
};

// Tests "left - right OP constant" (or left / right) with the seeds both sides ran.
PairResult ComparePair(const Side& left, const Side& right, Comparison::Form form, bool want_greater, double constant) {
  PairResult result;
  std::map<int64_t, double> a = ValuesBySeed(left), b = ValuesBySeed(right);
  bool ratio = form == Comparison::Form::kRatio;
  std::string what = ratio ? "ratio" : "diff";
  bool paired = a.size() >= 2 && Seeds(a) == Seeds(b);
  Estimate e;
  double sd_for_seeds = 0;
  int n = 0;
  if (paired) {
    std::vector<double> per_seed;
    for (const auto& [seed, value] : a) {
      if (ratio && b[seed] == 0) {
        result.why = fmt::format("{} is 0 at seed {}: no ratio", right.label, seed);
        return result;
      }
      per_seed.push_back(ratio ? value / b[seed] : value - b[seed]);
    }
    SeedSummary s = Summarize(per_seed);
    result.paired_summary = s;
    e = MeanOf(s);
    result.test = "paired t";
    result.measured = fmt::format("{} {} ± {} (n={}, paired)", what, FormatNumber(s.mean), FormatNumber(s.std), s.n);
    sd_for_seeds = s.std;
    n = s.n;
  } else {
    SeedSummary sa = Summarize(Values(a)), sb = Summarize(Values(b));
    if (ratio && sb.mean == 0) {
      result.why = fmt::format("the mean of {} is 0: no ratio", right.label);
      return result;
    }
    if (sa.n < 2 || sb.n < 2) {
      double estimate = ratio ? sa.mean / sb.mean : sa.mean - sb.mean;
      bool holds = want_greater ? estimate > constant : estimate < constant;
      result.kind = holds ? VerdictKind::kReproduced : VerdictKind::kNotReproduced;
      result.test = "none (n=1)";
      result.measured = fmt::format("{} {} (n={} vs {})", what, FormatNumber(estimate), sa.n, sb.n);
      result.why = fmt::format("{} {} {}; a side has n=1, so no test", what, FormatNumber(estimate), holds ? "holds" : "does not hold");
      return result;
    }
    e = ratio ? RatioOfMeans(sa, sb) : WelchDifference(sa, sb);
    result.test = "Welch t";
    result.measured = fmt::format("{} {} ± {} (n={} vs {})", what, FormatNumber(e.value), FormatNumber(e.se), sa.n, sb.n);
    n = std::min(sa.n, sb.n);
    // Seeds per side needed: the standard error shrinks like sqrt((sa² + sb²) / n).
    sd_for_seeds = ratio ? e.se * std::sqrt(static_cast<double>(n)) : std::sqrt(sa.std * sa.std + sb.std * sb.std);
  }
  auto [lo, hi] = Interval(e, 1 - 2 * kAlpha);
  result.interval = {lo, hi};
  double p_holds = want_greater ? PGreater(e, constant) : PLess(e, constant);
  double p_fails = want_greater ? PLess(e, constant) : PGreater(e, constant);
  std::string c = FormatNumber(constant);
  if (want_greater ? lo > constant : hi < constant) {
    result.kind = VerdictKind::kReproduced;
    result.p = p_holds;
    result.why = fmt::format("{} entirely {} {} ({} {})", Interval90({lo, hi}), want_greater ? "above" : "below", c, result.test, FormatP(p_holds));
  } else if (want_greater ? hi < constant : lo > constant) {
    result.kind = VerdictKind::kNotReproduced;
    result.p = p_fails;
    result.why = fmt::format("{} entirely {} {} ({} {})", Interval90({lo, hi}), want_greater ? "below" : "above", c, result.test, FormatP(p_fails));
  } else {
    result.kind = VerdictKind::kInconclusive;
    result.p = p_holds;
    std::optional<int> needed = SeedsToResolve(sd_for_seeds, std::fabs(e.value - constant));
    result.more_seeds = needed ? std::optional<int>(std::max(1, *needed - n)) : std::nullopt;
    result.why = fmt::format("{} straddles {} ({} {}){}", Interval90({lo, hi}), c, result.test, FormatP(p_holds), MoreSeeds(needed, n));
  }
  return result;
}

void Apply(const PairResult& pair, Verdict& verdict) {
  verdict.kind = pair.kind;
  verdict.measured = pair.measured;
  verdict.test = pair.test;
  verdict.p_value = pair.p;
  verdict.interval90 = pair.interval;
  verdict.summary = pair.paired_summary;
  verdict.more_seeds = pair.more_seeds;
}

int Severity(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kFailed: return 6;
    case VerdictKind::kPending: return 5;
    case VerdictKind::kMissing: return 4;
    case VerdictKind::kNotReproduced: return 3;
    case VerdictKind::kInconclusive: return 2;
    case VerdictKind::kReproduced: return 1;
    case VerdictKind::kBetterThanClaimed: return 0;
  }
  return 6;
}

}  // namespace

Verdict JudgeComparison(const Claim& claim, const Side& left, const Side& right) {
  if (std::optional<Verdict> unusable = Unjudgeable(claim, {&left, &right})) return *unusable;
  const Comparison& c = *claim.comparison;
  Verdict verdict;
  verdict.claim_id = claim.id;
  PairResult pair = ComparePair(left, right, c.form, c.WantsGreater(), c.constant);
  Apply(pair, verdict);
  verdict.seeds = Seeds(ValuesBySeed(left));
  std::string expression = c.form == Comparison::Form::kRatio ? left.label + " / " + right.label : left.label + " - " + right.label;
  verdict.reason = fmt::format("{} = {}, claimed {} {}: {}: {}", expression, pair.measured, ComparisonOpText(c.op),
                               FormatNumber(c.constant), pair.why, VerdictName(pair.kind));
  return verdict;
}

Verdict JudgeRanking(const Claim& claim, const std::vector<Side>& entries) {
  std::vector<const Side*> sides;
  for (const Side& side : entries) sides.push_back(&side);
  if (std::optional<Verdict> unusable = Unjudgeable(claim, sides)) return *unusable;
  Verdict verdict;
  verdict.claim_id = claim.id;
  bool higher = claim.better != Better::kLower;
  VerdictKind worst = VerdictKind::kReproduced;
  int holding = 0;
  for (size_t i = 0; i + 1 < entries.size(); ++i) {
    PairResult pair = ComparePair(entries[i], entries[i + 1], Comparison::Form::kDifference, higher, 0);
    holding += IsSuccess(pair.kind) ? 1 : 0;
    if (Severity(pair.kind) > Severity(worst)) worst = pair.kind;
    verdict.parts.push_back(fmt::format("{} {} {}: {}: {}", entries[i].label, higher ? ">" : "<", entries[i + 1].label,
                                        pair.why.empty() ? pair.measured : pair.measured + ", " + pair.why, VerdictName(pair.kind)));
  }
  verdict.kind = worst;
  size_t pairs = entries.size() - 1;
  verdict.measured = fmt::format("{} of {} pairs hold", holding, pairs);
  verdict.test = "per adjacent pair";
  verdict.reason = fmt::format("{} of {} adjacent pairs in the claimed order: {}", holding, pairs, VerdictName(worst));
  return verdict;
}

Verdict CombineForAll(const Claim& claim, const std::vector<std::pair<std::string, Verdict>>& per_value) {
  Verdict verdict;
  verdict.claim_id = claim.id;
  verdict.allowed = AllowedDeviation(claim);
  VerdictKind worst = VerdictKind::kBetterThanClaimed;
  int holding = 0;
  for (const auto& [label, part] : per_value) {
    holding += IsSuccess(part.kind) ? 1 : 0;
    if (Severity(part.kind) > Severity(worst)) worst = part.kind;
    verdict.parts.push_back(fmt::format("{}: {}", label, part.reason));
  }
  verdict.kind = worst;
  verdict.test = "at every value";
  verdict.measured = fmt::format("holds at {} of {}", holding, per_value.size());
  verdict.reason = fmt::format("holds at {} of {} values of {}: {}", holding, per_value.size(), claim.for_all, VerdictName(worst));
  return verdict;
}

}  // namespace repro
