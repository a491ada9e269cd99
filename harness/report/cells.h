// Cell texts shared by the tabular renderers, so every format shows the same numbers.
#pragma once

#include <string>

#include "harness/report/evaluation.h"

namespace repro {

// What the judge measured ("65.4 ± 2 (n=5)", "diff 12 ± 1 (n=3, paired)"), or "—".
std::string MeasuredCell(const Verdict& verdict);
// "[63.1, 67.7]" or "—".
std::string IntervalCell(const Verdict& verdict);
// "+1.2" / "-2.6" or "—".
std::string DeltaCell(const Verdict& verdict);
// What the paper claims: the value as printed (with "± std" when given separately), the
// comparison, or the ranking.
std::string ReportedCell(const Claim& claim);

}  // namespace repro
