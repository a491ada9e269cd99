// Renderers of an Evaluation: the terminal table, Markdown for a review or an issue, and
// JSON (format documented in docs/report-json.md).
#pragma once

#include <string>

#include "harness/report/evaluation.h"

namespace repro {

// The claims table with a reason per claim and a summary line; "color" adds ANSI colours.
std::string RenderTerminal(const Evaluation& evaluation, bool color);

std::string RenderMarkdown(const Evaluation& evaluation);

inline constexpr int kReportJsonVersion = 1;
std::string RenderJson(const Evaluation& evaluation);
// One claim's object of the JSON report, as compact text (what the Store keeps per verdict).
std::string ClaimJsonText(const ClaimEvaluation& claim);

}  // namespace repro
