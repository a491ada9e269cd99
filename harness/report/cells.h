// Cell texts shared by the tabular renderers, so every format shows the same numbers.
#pragma once

#include <string>

#include "harness/report/evaluation.h"

namespace repro {

// "65.4 ± 2.0 (n=5)", "0.97 (n=1)", or "—" when nothing was measured.
std::string MeasuredCell(const Verdict& verdict);
// "[63.1, 67.7]" or "—".
std::string IntervalCell(const Verdict& verdict);
// "+1.2" / "-2.6" or "—".
std::string DeltaCell(const Verdict& verdict);
// The reported value as printed, with "± std" when the paper gave one.
std::string ReportedCell(const Claim& claim);

}  // namespace repro
