#include "harness/report/cells.h"

#include <fmt/format.h>

namespace repro {

std::string MeasuredCell(const Verdict& verdict) {
  if (!verdict.summary) return "—";
  const SeedSummary& s = *verdict.summary;
  if (s.n < 2) return fmt::format("{} (n=1)", FormatNumber(s.mean));
  return fmt::format("{} ± {} (n={})", FormatNumber(s.mean), FormatNumber(s.std), s.n);
}

std::string IntervalCell(const Verdict& verdict) {
  if (!verdict.summary || !verdict.summary->ci_low) return "—";
  return fmt::format("[{}, {}]", FormatNumber(*verdict.summary->ci_low), FormatNumber(*verdict.summary->ci_high));
}

std::string DeltaCell(const Verdict& verdict) {
  if (!verdict.delta) return "—";
  return (*verdict.delta >= 0 ? "+" : "") + FormatNumber(*verdict.delta);
}

std::string ReportedCell(const Claim& claim) {
  if (!claim.reported_std) return claim.reported_text;
  return fmt::format("{} ± {}", claim.reported_text, FormatNumber(*claim.reported_std));
}

}  // namespace repro
