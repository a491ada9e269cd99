#include "harness/report/cells.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <tuple>

namespace repro {

std::string MeasuredCell(const Verdict& verdict) { return verdict.measured.empty() ? "—" : verdict.measured; }

std::string IntervalCell(const Verdict& verdict) {
  if (!verdict.summary || !verdict.summary->ci_low) return "—";
  // The row's digits (those of the measured cell), and more if the ends would read alike.
  double lo = *verdict.summary->ci_low, hi = *verdict.summary->ci_high;
  std::string low = FormatAligned(lo, verdict.resolution), high = FormatAligned(hi, verdict.resolution);
  if (low == high && lo != hi) std::tie(low, high) = FormatPair(lo, hi, verdict.resolution);
  return fmt::format("[{}, {}]", low, high);
}

std::string DeltaCell(const Verdict& verdict) {
  if (!verdict.delta) return "—";
  std::string delta = FormatAligned(*verdict.delta, verdict.resolution);
  return (delta[0] == '-' ? "" : "+") + delta;
}

std::string ReportedCell(const Claim& claim) {
  switch (claim.kind) {
    case ClaimKind::kComparison:
      return claim.comparison->text;
    case ClaimKind::kRanking:
      return fmt::format("{} ({})", fmt::join(claim.ranking, claim.better == Better::kLower ? " < " : " > "),
                         claim.metric);
    case ClaimKind::kValue:
      break;
  }
  const std::string& text = claim.reported.text;
  bool std_printed = text.find("±") != std::string::npos || text.find("+-") != std::string::npos ||
                     text.find("+/-") != std::string::npos;
  if (!claim.reported.std || std_printed) return text;
  return fmt::format("{} ± {}", text, FormatNumber(*claim.reported.std / claim.reported.scale));
}

}  // namespace repro
