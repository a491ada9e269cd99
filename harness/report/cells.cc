#include "harness/report/cells.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace repro {

std::string MeasuredCell(const Verdict& verdict) { return verdict.measured.empty() ? "—" : verdict.measured; }

std::string IntervalCell(const Verdict& verdict) {
  if (!verdict.summary || !verdict.summary->ci_low) return "—";
  // Digits down to a tenth of the claim's last digit, and more if the ends would read alike.
  auto [low, high] = FormatPair(*verdict.summary->ci_low, *verdict.summary->ci_high, verdict.resolution);
  return fmt::format("[{}, {}]", low, high);
}

std::string DeltaCell(const Verdict& verdict) {
  if (!verdict.delta) return "—";
  return (*verdict.delta >= 0 ? "+" : "") + FormatNumber(*verdict.delta, verdict.resolution);
}

std::string ReportedCell(const Claim& claim) {
  switch (claim.kind) {
    case ClaimKind::kComparison: return claim.comparison->text;
    case ClaimKind::kRanking:
      return fmt::format("{} ({})", fmt::join(claim.ranking, claim.better == Better::kLower ? " < " : " > "), claim.metric);
    case ClaimKind::kValue: break;
  }
  const std::string& text = claim.reported.text;
  bool std_printed = text.find("±") != std::string::npos || text.find("+-") != std::string::npos ||
                     text.find("+/-") != std::string::npos;
  if (!claim.reported.std || std_printed) return text;
  return fmt::format("{} ± {}", text, FormatNumber(*claim.reported.std / claim.reported.scale));
}

}  // namespace repro
