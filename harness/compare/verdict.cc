#include "harness/compare/verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "harness/util/outcome.h"
#include "harness/util/text.h"

namespace repro {

const char* VerdictName(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kReproduced:
      return "reproduced";
    case VerdictKind::kBetterThanClaimed:
      return "better-than-claimed";
    case VerdictKind::kNotReproduced:
      return "not-reproduced";
    case VerdictKind::kInconclusive:
      return "inconclusive";
    case VerdictKind::kFailed:
      return "failed";
    case VerdictKind::kMissing:
      return "missing";
    case VerdictKind::kPending:
      return "pending";
  }
  return "?";
}

bool IsSuccess(VerdictKind kind) { return kind == VerdictKind::kReproduced || kind == VerdictKind::kBetterThanClaimed; }

namespace {

// Below this magnitude (and from 1e6 up) a number is written in e-notation: "0.0003" reads
// at a glance where "3.000e-04" does not, down to about five zeros.
constexpr double kSmallestFixed = 1e-5;

// "3.000e-04" -> "3e-04", "2.500e-06" -> "2.5e-06": the mantissa's trailing zeros say nothing.
std::string ShortExponent(std::string text) {
  size_t e = text.find('e');
  if (e == std::string::npos || text.find('.') > e) return text;
  size_t end = e;
  while (text[end - 1] == '0') --end;
  if (text[end - 1] == '.') --end;
  return text.substr(0, end) + text.substr(e);
}

}  // namespace

std::string FormatNumber(double value) {
  if (value == 0) return "0";
  double magnitude = std::fabs(value);
  if (magnitude >= kSmallestFixed && magnitude < 1e6) {
    int decimals = std::max(0, 3 - static_cast<int>(std::floor(std::log10(magnitude))));
    std::string text = fmt::format("{:.{}f}", value, decimals);
    if (text.find('.') != std::string::npos) {
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
    }
    return text == "-0" ? "0" : text;
  }
  return ShortExponent(fmt::format("{:.3e}", value));
}

namespace {

std::string StripZeros(std::string text) {
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

}  // namespace

std::string FormatNumber(double value, double resolution) {
  if (!(resolution > 0) || !std::isfinite(resolution) || value == 0 || !std::isfinite(value))
    return FormatNumber(value);
  double magnitude = std::fabs(value);
  int wanted = static_cast<int>(std::ceil(-std::log10(resolution) - 1e-9));  // decimals down to the resolution
  if (magnitude >= kSmallestFixed && magnitude < 1e6) {
    int decimals = std::max(0, 3 - static_cast<int>(std::floor(std::log10(magnitude))));
    decimals = std::clamp(std::max(decimals, wanted), 0, 15);
    return StripZeros(fmt::format("{:.{}f}", value, decimals));
  }
  // In scientific notation the mantissa needs the digits from the value's order down to the resolution's.
  int digits = std::clamp(static_cast<int>(std::floor(std::log10(magnitude))) + wanted, 3, 15);
  return fmt::format("{:.{}e}", value, digits);
}

std::string FormatAligned(double value, double resolution) {
  double magnitude = std::fabs(value);
  bool fixed = resolution > 0 && std::isfinite(resolution) && std::isfinite(value) && magnitude < 1e6 &&
               (magnitude >= kSmallestFixed || magnitude < resolution);
  if (!fixed) return FormatNumber(value, resolution);
  int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(resolution) - 1e-9)), 0, 15);
  std::string text = fmt::format("{:.{}f}", value, decimals);
  return text.find_first_not_of("-0.") == std::string::npos ? text.substr(text[0] == '-') : text;  // no "-0.00"
}

double RowResolution(double resolution, double spread) {
  if (!(spread > 0) || !std::isfinite(spread)) return resolution;
  double two_digits = std::pow(10.0, std::floor(std::log10(spread)) - 1);
  return resolution > 0 ? std::min(resolution, two_digits) : two_digits;
}

std::pair<std::string, std::string> FormatPair(double a, double b, double resolution) {
  std::string left = FormatNumber(a, resolution), right = FormatNumber(b, resolution);
  double r = resolution > 0 ? resolution : std::max(std::fabs(a), std::fabs(b)) * 1e-3;
  for (int finer = 0; left == right && a != b && finer < 12 && r > 0; ++finer) {
    r /= 10;
    left = FormatNumber(a, r);
    right = FormatNumber(b, r);
  }
  return {left, right};
}

// Band edges sit at half units of the claim's last digit, so telling a value from an edge
// takes two digits more than the claim prints: "1.88" -> 0.0001, showing 1.8857 or 1.8849.
double DisplayResolution(const Claim& claim) { return claim.reported.half_unit * 2 / 100; }

std::string FormatP(double p) { return p < 0.001 ? "p<0.001" : fmt::format("p={:.2g}", p); }

double AllowedDeviation(const Claim& claim) {
  const ReportedValue& r = claim.reported;
  double rounding = claim.rounding ? r.half_unit : 0;
  double extra = std::max({claim.tolerance_abs.value_or(0), claim.tolerance_rel.value_or(0) * std::fabs(r.value),
                           claim.tolerance_sigma.value_or(0) * r.std.value_or(0)});
  return rounding + extra;
}

namespace {

std::string Interval90(const std::pair<double, double>& interval, double resolution = 0) {
  auto [lo, hi] = FormatPair(interval.first, interval.second, resolution);
  return fmt::format("90% interval [{}, {}]", lo, hi);
}

// The same with exactly the decimals of a row's "resolution", as its measured cell shows them.
std::string AlignedInterval90(const std::pair<double, double>& interval, double resolution) {
  std::string lo = FormatAligned(interval.first, resolution), hi = FormatAligned(interval.second, resolution);
  if (lo == hi && interval.first != interval.second)
    std::tie(lo, hi) = FormatPair(interval.first, interval.second, resolution);
  return fmt::format("90% interval [{}, {}]", lo, hi);
}

// One sample of a side: a seed's run, or one replicate inside it (-1: the run's own value).
using SampleKey = std::pair<int64_t, int64_t>;
using Samples = std::map<SampleKey, double>;

bool HasReplicates(const Samples& samples) {
  return std::any_of(samples.begin(), samples.end(), [](const auto& sample) { return sample.first.second >= 0; });
}

// What the samples are, in words: "5 seeds", "6 samples (3 replicates in each of 2 seeds)".
std::string SamplesText(const Samples& samples) {
  std::set<int64_t> seeds;
  for (const auto& [key, value] : samples) seeds.insert(key.first);
  if (!HasReplicates(samples)) return fmt::format("{} seeds", samples.size());
  return fmt::format("{} samples (in-run replicates of {} seed{}, taken as independent)", samples.size(), seeds.size(),
                     seeds.size() == 1 ? "" : "s");
}

// Whether all values are the same bits: seeds that never reached the code.
bool BitIdentical(const Samples& by_seed) {
  if (by_seed.size() < 2) return false;
  uint64_t first = std::bit_cast<uint64_t>(by_seed.begin()->second);
  for (const auto& [seed, value] : by_seed) {
    if (std::bit_cast<uint64_t>(value) != first) return false;
  }
  return true;
}

// Whether several seeds each gave the same replicates, index for index and bit for bit: the
// seed never reached the code, and each run repeated the same in-run samples.
bool SeedsRepeatReplicates(const Samples& samples) {
  if (!HasReplicates(samples)) return false;
  std::map<int64_t, std::vector<std::pair<int64_t, uint64_t>>> by_seed;
  for (const auto& [key, value] : samples) by_seed[key.first].emplace_back(key.second, std::bit_cast<uint64_t>(value));
  if (by_seed.size() < 2) return false;
  return std::all_of(by_seed.begin(), by_seed.end(),
                     [&](const auto& seed) { return seed.second == by_seed.begin()->second; });
}

// Keeps the samples of the first seed only; returns how many seeds there were.
size_t KeepFirstSeed(Samples& samples) {
  std::set<int64_t> all;
  for (const auto& [key, value] : samples) all.insert(key.first);
  size_t seeds = all.size();
  int64_t first = samples.begin()->first.first;
  std::erase_if(samples, [&](const auto& sample) { return sample.first.first != first; });
  return seeds;
}

// How many samples one more seed adds: its replicates (the fewest any seed gave), else 1.
int SamplesPerSeed(const Samples& samples) {
  std::map<int64_t, int> per_seed;
  for (const auto& [key, value] : samples) ++per_seed[key.first];
  int fewest = 0;
  for (const auto& [seed, count] : per_seed) fewest = fewest == 0 ? count : std::min(fewest, count);
  return std::max(1, fewest);
}

// Seeds that would bring "n" samples up to "needed", each seed giving "per_seed" of them.
int MoreSeedsFor(int needed, int n, int per_seed) { return std::max(1, (needed - n + per_seed - 1) / per_seed); }

// " (5 replicates each)", when a seed gives more than one sample.
std::string EachGives(int per_seed) { return per_seed > 1 ? fmt::format(" ({} replicates each)", per_seed) : ""; }

// Band edges are decided as printed, in decimal: 1.0 - 0.05 is 0.95 exactly, though binary
// floating point makes it 0.95000000000000007. A value within a relative 1e-12 of an edge (far
// below any printed precision, far above the rounding of a few operations) is on the edge,
// and the edge belongs to the band.
double EdgeSlack(double low, double high) { return 1e-12 * std::max({std::fabs(low), std::fabs(high), high - low}); }

// For a comparison: ", and about 3 more seeds would likely confirm it".
std::string MoreSeeds(const std::optional<int>& needed, int n, int per_seed, bool leaning_holds) {
  if (!needed) return ", but more seeds are unlikely to decide (the estimate sits on the boundary)";
  int more = MoreSeedsFor(*needed, n, per_seed);
  return fmt::format(", and about {} more seed{}{} would likely {}", more, more == 1 ? "" : "s", EachGives(per_seed),
                     leaning_holds ? "confirm it" : "refute it");
}

// ---- evidence that cannot be judged ------------------------------------------

std::string DescribeUnfinished(const RunEvidence& run) {
  if (!run.status) return run.label + " never ran";
  return fmt::format("{} {}", run.label, Describe(*run.status, run.exit_code, run.signal));
}

// The verdict when some run of "sides" failed, has not run, lacks the metric or has a
// value that is not a finite number; nullopt when every run gave a number.
std::optional<Verdict> Unjudgeable(const Claim& claim, const std::vector<const Side*>& sides) {
  std::vector<std::string> unfinished, missing, not_finite, not_numbers;
  int not_run = 0, running = 0, total = 0;
  const RunEvidence* missing_example = nullptr;
  for (const Side* side : sides) {
    for (const RunEvidence& run : side->runs) {
      ++total;
      switch (run.state) {
        case RunEvidence::State::kNotRun:
          ++not_run;
          break;
        case RunEvidence::State::kRunning:
          ++running;
          break;
        case RunEvidence::State::kUnfinished:
          unfinished.push_back(DescribeUnfinished(run));
          break;
        case RunEvidence::State::kCompleted:
          if (run.value) break;
          if (run.flag == ValueFlag::kUnparseable) {
            not_numbers.push_back(fmt::format("{}: {}", run.label, run.message.empty() ? Name(run.flag) : run.message));
          } else if (run.flag == ValueFlag::kMissing) {
            missing.push_back(run.label);
            if (missing_example == nullptr) missing_example = &run;
          } else {
            not_finite.push_back(fmt::format("{} {}", run.label, run.message.empty() ? Name(run.flag) : run.message));
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
  } else if (!not_numbers.empty()) {
    // The extractor read the wrong text (a regex that captured "at"): the manifest is at
    // fault, not the paper, and no verdict about the claim can be drawn from it.
    verdict.kind = VerdictKind::kFailed;
    verdict.reason = fmt::format(
        "the metric's extractor read text that is not a number in {} of {} runs (fix the "
        "manifest): {}",
        not_numbers.size(), total, Join(not_numbers, "; "));
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
    verdict.reason =
        fmt::format("not a finite number in {} of {} runs: {}", not_finite.size(), total, Join(not_finite, "; "));
  } else {
    return std::nullopt;
  }
  return verdict;
}

Samples ValuesBySeed(const Side& side) {
  Samples values;
  for (const RunEvidence& run : side.runs) values[{run.seed, run.replicate.value_or(-1)}] = *run.value;
  return values;
}

std::vector<double> Values(const Samples& by_seed) {
  std::vector<double> values;
  for (const auto& [key, value] : by_seed) values.push_back(value);
  return values;
}

// The seeds, each once, in order.
std::vector<int64_t> Seeds(const Samples& by_seed) {
  std::vector<int64_t> seeds;
  for (const auto& [key, value] : by_seed) {
    if (seeds.empty() || seeds.back() != key.first) seeds.push_back(key.first);
  }
  return seeds;
}

std::vector<SampleKey> Keys(const Samples& by_seed) {
  std::vector<SampleKey> keys;
  for (const auto& [key, value] : by_seed) keys.push_back(key);
  return keys;
}

// Mean and spread with the same decimals (resolution: a row's, RowResolution).
std::string MeasuredText(const SeedSummary& s, double resolution = 0) {
  if (resolution <= 0 && s.n < 2) return fmt::format("{} (n=1)", FormatNumber(s.mean));
  if (s.n < 2) return fmt::format("{} (n=1)", FormatAligned(s.mean, resolution));
  if (resolution <= 0) return fmt::format("{} ± {} (n={})", FormatNumber(s.mean), FormatNumber(s.std), s.n);
  return fmt::format("{} ± {} (n={})", FormatAligned(s.mean, resolution), FormatAligned(s.std, resolution), s.n);
}

// ---- value claims ----------------------------------------------------------------

// Reads the decision for a value claim off the 90% interval [lo, hi] and the band [L, U].
struct BandDecision {
  VerdictKind kind;
  std::string relation;  // how the interval sits against the band, in words
  double p;
  std::string test;
  double gap;  // for inconclusive: distance from the estimate to the edge to clear
};

BandDecision DecideAgainstBand(const Estimate& e, Better better, double low, double high, double resolution) {
  auto [lo, hi] = Interval(e, 1 - 2 * kAlpha);
  auto [low_text, high_text] = FormatPair(low, high, resolution);
  std::string band = fmt::format("[{}, {}]", low_text, high_text);
  double slack = EdgeSlack(low, high);
  double L = low - slack, U = high + slack;  // the edges as decided: on the edge is inside
  double m = e.value;
  switch (better) {
    case Better::kHigher:
      if (lo > U)
        return {VerdictKind::kBetterThanClaimed, "entirely above " + high_text, PGreater(e, high), "one-sided t", 0};
      if (lo >= L)
        return {VerdictKind::kReproduced, "entirely above " + low_text, PGreater(e, low), "non-inferiority", 0};
      if (hi < L) return {VerdictKind::kNotReproduced, "entirely below " + low_text, PLess(e, low), "one-sided t", 0};
      return {VerdictKind::kInconclusive, "straddles " + low_text, PGreater(e, low), "non-inferiority",
              std::fabs(m - low)};
    case Better::kLower:
      if (hi < L)
        return {VerdictKind::kBetterThanClaimed, "entirely below " + low_text, PLess(e, low), "one-sided t", 0};
      if (hi <= U)
        return {VerdictKind::kReproduced, "entirely below " + high_text, PLess(e, high), "non-inferiority", 0};
      if (lo > U)
        return {VerdictKind::kNotReproduced, "entirely above " + high_text, PGreater(e, high), "one-sided t", 0};
      return {VerdictKind::kInconclusive, "straddles " + high_text, PLess(e, high), "non-inferiority",
              std::fabs(m - high)};
    case Better::kEither:
      break;
  }
  double tost = std::max(PGreater(e, low), PLess(e, high));
  if (lo >= L && hi <= U) return {VerdictKind::kReproduced, "inside " + band, tost, "TOST", 0};
  if (lo > U) return {VerdictKind::kNotReproduced, "entirely above " + high_text, PGreater(e, high), "one-sided t", 0};
  if (hi < L) return {VerdictKind::kNotReproduced, "entirely below " + low_text, PLess(e, low), "one-sided t", 0};
  // Inside the band the question is equivalence (clear both edges); outside, difference.
  double gap = m >= low && m <= high ? std::min(m - low, high - m) : std::min(std::fabs(m - low), std::fabs(m - high));
  std::string relation =
      lo < L && hi > U ? "is wider than the band " + band : "straddles " + (lo < L ? low_text : high_text);
  return {VerdictKind::kInconclusive, relation, tost, "TOST", gap};
}

// Where a value (or a mean) sits against the band [low, high], on the edge counting as inside.
VerdictKind Position(Better better, double value, double low, double high) {
  double slack = EdgeSlack(low, high);
  bool above = value > high + slack, below = value < low - slack;
  if ((better == Better::kHigher && above) || (better == Better::kLower && below))
    return VerdictKind::kBetterThanClaimed;
  return above || below ? VerdictKind::kNotReproduced : VerdictKind::kReproduced;
}

// Which way undecided evidence leans, in words, for the reason and the report.
std::string LeanText(VerdictKind position, const std::string& what) {
  switch (position) {
    case VerdictKind::kReproduced:
      return fmt::format("the {} is inside the band", what);
    case VerdictKind::kBetterThanClaimed:
      return fmt::format("the {} is beyond the band on the better side", what);
    default:
      return fmt::format("the {} is outside the band", what);
  }
}

// "; the mean is inside the band, and about 4 more seeds would likely confirm it".
std::string LeaningMoreSeeds(VerdictKind position, const std::string& lean, const std::optional<int>& more,
                             int per_seed) {
  if (!more) return fmt::format("; {}, but on or near its edge: more seeds are unlikely to decide", lean);
  return fmt::format("; {}, and about {} more seed{}{} would likely {}", lean, *more, *more == 1 ? "" : "s",
                     EachGives(per_seed),
                     position == VerdictKind::kNotReproduced ? "show it is not reproduced" : "confirm it");
}

// The printed "± x" of one run, usable as a summary statistic when it comes with its n.
std::optional<Estimate> PrintedSpread(const RunEvidence& run) {
  if (!run.std || !run.count || *run.count < 2 || !std::isfinite(*run.std) || *run.std < 0) return std::nullopt;
  double n = static_cast<double>(*run.count);
  return Estimate{*run.value, *run.std / std::sqrt(n), n - 1};
}

bool HasDeclaredTolerance(const Claim& claim) {
  return claim.tolerance_abs || claim.tolerance_rel || (claim.tolerance_sigma && claim.reported.std);
}

}  // namespace

namespace {

// One run, or seeds that gave one value: the printed spread, a declared determinism or a
// declared tolerance can decide; the paper's printed digits alone cannot, since they say
// nothing of how much a second run would differ.
void JudgeOneRun(const Claim& claim, const RunEvidence& run, const std::string& head,
                 const std::vector<std::string>& notes, Verdict& verdict) {
  double reported = claim.reported.value, low = reported - verdict.allowed, high = reported + verdict.allowed;
  std::string prefix = notes.empty() ? head : head + "; " + Join(notes, "; ");
  if (std::optional<Estimate> printed = PrintedSpread(run)) {
    BandDecision decision = DecideAgainstBand(*printed, claim.better, low, high, verdict.resolution);
    verdict.kind = decision.kind;
    verdict.test = decision.test + " (printed spread)";
    verdict.p_value = decision.p;
    verdict.interval90 = Interval(*printed, 1 - 2 * kAlpha);
    verdict.measured = fmt::format("{} ± {} (printed, n={})", FormatNumber(*run.value, verdict.resolution),
                                   FormatNumber(*run.std, verdict.resolution), *run.count);
    verdict.reason = fmt::format("{}; the code printed ± {} over n={}: {} {} ({} {}): {}", prefix,
                                 FormatNumber(*run.std, verdict.resolution), *run.count,
                                 Interval90(*verdict.interval90, verdict.resolution), decision.relation, decision.test,
                                 FormatP(decision.p), VerdictName(decision.kind));
    if (decision.kind == VerdictKind::kInconclusive) {
      VerdictKind position = Position(claim.better, *run.value, low, high);
      verdict.lean = LeanText(position, "value");
      verdict.reason += fmt::format("; {}", verdict.lean);
    }
    return;
  }
  if (run.std) {
    prefix += fmt::format(
        "; the printed ± {} is ignored: without the number of values it summarises (a regex group 'n') "
        "it cannot be tested",
        FormatNumber(*run.std, verdict.resolution));
  }
  VerdictKind position = Position(claim.better, *run.value, low, high);
  if (claim.deterministic) {
    verdict.kind = position;
    verdict.test = "none (deterministic)";
    verdict.reason = fmt::format("{}; declared deterministic, so one run decides: {}", prefix, VerdictName(position));
  } else if (HasDeclaredTolerance(claim)) {
    verdict.kind = position;
    verdict.test = "none (n=1)";
    verdict.reason =
        fmt::format("{}; n=1, so no test: the declared tolerance decides: {}", prefix, VerdictName(position));
  } else {
    verdict.kind = VerdictKind::kInconclusive;
    verdict.test = "none (n=1)";
    verdict.lean = LeanText(position, "value");
    verdict.reason = fmt::format(
        "{}; one run of code not declared deterministic, and the band is only the paper's printed "
        "digits, which say nothing of run-to-run noise: inconclusive; {}; to decide, run several "
        "seeds, declare a tolerance, or declare the experiment 'deterministic: true' if it is",
        prefix, verdict.lean);
  }
}

}  // namespace

// Long on purpose: the decision reads top to bottom in the order docs/claims.md states it
// (unusable runs, one run, the interval against the band), and splitting it would hide that.
Verdict JudgeValue(const Claim& claim, const Side& side) {
  if (std::optional<Verdict> unusable = Unjudgeable(claim, {&side})) {
    unusable->allowed = AllowedDeviation(claim);
    return *unusable;
  }
  Verdict verdict;
  verdict.claim_id = claim.id;
  verdict.allowed = AllowedDeviation(claim);
  verdict.resolution = DisplayResolution(claim);
  double res = verdict.resolution;
  Samples by_seed = ValuesBySeed(side);
  verdict.seeds = Seeds(by_seed);
  std::vector<std::string> notes;
  std::vector<double> values = Values(by_seed);
  if (BitIdentical(by_seed) && !claim.deterministic) {
    // Identical bits from different seeds: the code most likely never received the seed.
    // Counting them as n replicates would fake a spread of 0.
    notes.push_back(
        fmt::format("the {} gave bit-identical values (does the seed reach the code?), so they count as "
                    "one run",
                    SamplesText(by_seed)));
    values.resize(1);
  } else if (SeedsRepeatReplicates(by_seed) && !claim.deterministic) {
    // The same, one level up: each seed repeated the same replicates. Counting every seed's
    // copy would multiply n without adding evidence.
    size_t seeds = KeepFirstSeed(by_seed);
    values = Values(by_seed);
    notes.push_back(
        fmt::format("the {} seeds gave bit-identical replicates (does the seed reach the code?), so they count as "
                    "one seed: n counts {}",
                    seeds, SamplesText(by_seed)));
  } else if (HasReplicates(by_seed)) {
    notes.push_back("n counts " + SamplesText(by_seed));
  }
  SeedSummary s = Summarize(values);
  verdict.summary = s;
  if (s.n >= 2) verdict.resolution = RowResolution(res, s.std);  // the table's cells line up with the spread
  verdict.measured = MeasuredText(s, verdict.resolution);
  double reported = claim.reported.value;
  verdict.delta = s.mean - reported;
  std::string direction = *verdict.delta > 0 ? "above" : *verdict.delta < 0 ? "below" : "off";
  // The distance with the row's digits, as the Δ cell shows it ("0.40 below" beside "-0.40").
  std::string head = fmt::format("measured {}, claimed {}: {} {}, allowed ±{}", verdict.measured, claim.reported.text,
                                 FormatAligned(std::fabs(*verdict.delta), verdict.resolution), direction,
                                 FormatNumber(verdict.allowed, res));
  if (s.n < 2) {
    const RunEvidence* first = nullptr;
    for (const RunEvidence& run : side.runs) {
      // the run by_seed kept first
      if (first == nullptr ||
          std::pair(run.seed, run.replicate.value_or(-1)) < std::pair(first->seed, first->replicate.value_or(-1))) {
        first = &run;
      }
    }
    JudgeOneRun(claim, *first, head, notes, verdict);
    return verdict;
  }
  if (!notes.empty()) head += "; " + Join(notes, "; ");
  Estimate e = MeanOf(s);
  double low = reported - verdict.allowed, high = reported + verdict.allowed;
  BandDecision decision = DecideAgainstBand(e, claim.better, low, high, res);
  verdict.kind = decision.kind;
  verdict.test = decision.test;
  verdict.p_value = decision.p;
  verdict.interval90 = Interval(e, 1 - 2 * kAlpha);
  verdict.reason = fmt::format("{}; {} {} ({} {}): {}", head, Interval90(*verdict.interval90, res), decision.relation,
                               decision.test, FormatP(decision.p), VerdictName(decision.kind));
  if (decision.kind == VerdictKind::kInconclusive) {
    // The estimate counts samples; a seed with replicates gives several of them at once.
    int per_seed = SamplesPerSeed(by_seed);
    std::optional<int> needed = SeedsToResolve(s.std, decision.gap);
    if (needed) verdict.more_seeds = MoreSeedsFor(*needed, s.n, per_seed);
    VerdictKind position = Position(claim.better, s.mean, low, high);
    verdict.lean = LeanText(position, "mean");
    verdict.reason += LeaningMoreSeeds(position, verdict.lean, verdict.more_seeds, per_seed);
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
  double resolution = 0;  // the row's digits (RowResolution of the spread)
  std::optional<int> more_seeds;
  std::string lean;
  std::string why;  // "90% interval [10.2, 13.8] entirely above 10 (paired t p<0.001)"
};

// Tests "left - right OP constant" (or left / right) with the seeds both sides ran.
// Seeds of one side that gave bit-identical values count as one run (unless declared
// deterministic); the note says so.
void CollapseRepetitions(const Side& side, bool deterministic, Samples& by_seed, std::vector<std::string>& notes) {
  if (!deterministic && !BitIdentical(by_seed) && SeedsRepeatReplicates(by_seed)) {
    size_t seeds = KeepFirstSeed(by_seed);
    notes.push_back(
        fmt::format("{}: its {} seeds gave bit-identical replicates (does the seed reach the code?), so they count "
                    "as one seed: n counts {}",
                    side.label, seeds, SamplesText(by_seed)));
    return;
  }
  if (deterministic || !BitIdentical(by_seed)) {
    if (HasReplicates(by_seed)) notes.push_back(fmt::format("{}: n counts {}", side.label, SamplesText(by_seed)));
    return;
  }
  notes.push_back(
      fmt::format("{}: its {} gave bit-identical values (does the seed reach the code?), so they count as "
                  "one run",
                  side.label, SamplesText(by_seed)));
  by_seed.erase(std::next(by_seed.begin()), by_seed.end());
}

// Long on purpose, as JudgeValue: the pairing, the test and its notes follow docs/claims.md
// step by step in one place.
PairResult ComparePair(const Side& left, const Side& right, Comparison::Form form, bool want_greater, double constant,
                       bool deterministic) {
  PairResult result;
  Samples a = ValuesBySeed(left), b = ValuesBySeed(right);
  std::vector<std::string> notes;
  CollapseRepetitions(left, deterministic, a, notes);
  CollapseRepetitions(right, deterministic, b, notes);
  std::string noted = notes.empty() ? "" : Join(notes, "; ") + "; ";
  bool ratio = form == Comparison::Form::kRatio;
  std::string what = ratio ? "ratio" : "diff";
  bool paired = a.size() >= 2 && Keys(a) == Keys(b);
  Estimate e;
  double sd_for_seeds = 0;
  int n = 0;
  int per_seed = std::min(SamplesPerSeed(a), SamplesPerSeed(b));  // samples one more seed adds to each side
  if (paired) {
    std::vector<double> per_seed;
    for (const auto& [seed, value] : a) {
      if (ratio && b[seed] == 0) {
        result.why = fmt::format("{} is 0 at seed {}: no ratio", right.label, seed.first);
        return result;
      }
      per_seed.push_back(ratio ? value / b[seed] : value - b[seed]);
    }
    SeedSummary s = Summarize(per_seed);
    result.paired_summary = s;
    e = MeanOf(s);
    result.test = "paired t";
    result.resolution = RowResolution(0, s.std);
    result.measured = fmt::format("{} {} ± {} (n={}, paired)", what, FormatAligned(s.mean, result.resolution),
                                  FormatAligned(s.std, result.resolution), s.n);
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
      result.why = fmt::format("{}{} {} {}; a side has n=1, so no test", noted, what, FormatNumber(estimate),
                               holds ? "holds" : "does not hold");
      return result;
    }
    e = ratio ? RatioOfMeans(sa, sb) : WelchDifference(sa, sb);
    result.test = "Welch t";
    result.resolution = RowResolution(0, e.se);
    result.measured = fmt::format("{} {} ± {} (n={} vs {})", what, FormatAligned(e.value, result.resolution),
                                  FormatAligned(e.se, result.resolution), sa.n, sb.n);
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
    result.why = fmt::format("{}{} entirely {} {} ({} {})", noted, AlignedInterval90({lo, hi}, result.resolution),
                             want_greater ? "above" : "below", c, result.test, FormatP(p_holds));
  } else if (want_greater ? hi < constant : lo > constant) {
    result.kind = VerdictKind::kNotReproduced;
    result.p = p_fails;
    result.why = fmt::format("{}{} entirely {} {} ({} {})", noted, AlignedInterval90({lo, hi}, result.resolution),
                             want_greater ? "below" : "above", c, result.test, FormatP(p_fails));
  } else {
    result.kind = VerdictKind::kInconclusive;
    result.p = p_holds;
    std::optional<int> needed = SeedsToResolve(sd_for_seeds, std::fabs(e.value - constant));
    result.more_seeds = needed ? std::optional<int>(MoreSeedsFor(*needed, n, per_seed)) : std::nullopt;
    bool leaning = want_greater ? e.value > constant : e.value < constant;
    result.lean = fmt::format("the estimate is on the {} side", leaning ? "claimed" : "other");
    result.why = fmt::format("{}{} straddles {} ({} {}); {}{}", noted, AlignedInterval90({lo, hi}, result.resolution),
                             c, result.test, FormatP(p_holds), result.lean, MoreSeeds(needed, n, per_seed, leaning));
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
  verdict.resolution = pair.resolution;
  verdict.more_seeds = pair.more_seeds;
  verdict.lean = pair.lean;
}

int Severity(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kFailed:
      return 6;
    case VerdictKind::kPending:
      return 5;
    case VerdictKind::kMissing:
      return 4;
    case VerdictKind::kNotReproduced:
      return 3;
    case VerdictKind::kInconclusive:
      return 2;
    case VerdictKind::kReproduced:
      return 1;
    case VerdictKind::kBetterThanClaimed:
      return 0;
  }
  return 6;
}

}  // namespace

Verdict JudgeComparison(const Claim& claim, const Side& left, const Side& right) {
  if (std::optional<Verdict> unusable = Unjudgeable(claim, {&left, &right})) return *unusable;
  const Comparison& c = *claim.comparison;
  Verdict verdict;
  verdict.claim_id = claim.id;
  PairResult pair = ComparePair(left, right, c.form, c.WantsGreater(), c.constant, claim.deterministic);
  Apply(pair, verdict);
  verdict.seeds = Seeds(ValuesBySeed(left));
  std::string expression =
      c.form == Comparison::Form::kRatio ? left.label + " / " + right.label : left.label + " - " + right.label;
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
    PairResult pair =
        ComparePair(entries[i], entries[i + 1], Comparison::Form::kDifference, higher, 0, claim.deterministic);
    holding += IsSuccess(pair.kind) ? 1 : 0;
    if (Severity(pair.kind) > Severity(worst)) worst = pair.kind;
    verdict.parts.push_back(fmt::format("{} {} {}: {}: {}", entries[i].label, higher ? ">" : "<", entries[i + 1].label,
                                        pair.why.empty() ? pair.measured : pair.measured + ", " + pair.why,
                                        VerdictName(pair.kind)));
  }
  verdict.kind = worst;
  size_t pairs = entries.size() - 1;
  verdict.measured = fmt::format("{} of {} pairs hold", holding, pairs);
  verdict.test = "per adjacent pair";
  verdict.reason = fmt::format("{} of {} adjacent pairs in the claimed order: {}", holding, pairs, VerdictName(worst));
  return verdict;
}

namespace {

// Parts judged alone, each a line "LABEL: reason"; the whole is as bad as its worst part.
// Returns how many parts hold.
int CombineParts(const Claim& claim, const std::vector<std::pair<std::string, Verdict>>& parts, Verdict& verdict) {
  verdict.claim_id = claim.id;
  verdict.allowed = AllowedDeviation(claim);
  VerdictKind worst = VerdictKind::kBetterThanClaimed;
  int holding = 0;
  for (const auto& [label, part] : parts) {
    holding += IsSuccess(part.kind) ? 1 : 0;
    if (Severity(part.kind) > Severity(worst)) worst = part.kind;
    verdict.parts.push_back(fmt::format("{}: {}", label, part.reason));
  }
  verdict.kind = worst;
  return holding;
}

}  // namespace

Verdict CombineForAll(const Claim& claim, const std::vector<std::pair<std::string, Verdict>>& per_value) {
  Verdict verdict;
  int holding = CombineParts(claim, per_value, verdict);
  verdict.test = "at every value";
  verdict.measured = fmt::format("holds at {} of {}", holding, per_value.size());
  verdict.reason = fmt::format("holds at {} of {} values of {}: {}", holding, per_value.size(), claim.for_all,
                               VerdictName(verdict.kind));
  return verdict;
}

Verdict CombineExperiments(const Claim& claim, const std::vector<std::pair<std::string, Verdict>>& per_experiment) {
  Verdict verdict;
  int holding = CombineParts(claim, per_experiment, verdict);
  std::vector<std::string> labels;
  for (const auto& [label, part] : per_experiment) labels.push_back(label);
  verdict.test = "in every experiment";
  verdict.measured = fmt::format("holds in {} of {}", holding, per_experiment.size());
  verdict.reason = fmt::format("holds in {} of {} experiments ({}): {}", holding, per_experiment.size(),
                               Join(labels, ", "), VerdictName(verdict.kind));
  return verdict;
}

}  // namespace repro
