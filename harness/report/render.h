// Renderers of an Evaluation: the terminal table, Markdown for a review or an issue, and
// JSON (format documented in docs/report-json.md).
#pragma once

#include <string>

#include "harness/report/evaluation.h"

namespace repro {

// The claims table with a reason per claim and a summary line; "color" adds ANSI colours.
std::string RenderTerminal(const Evaluation& evaluation, bool color);

std::string RenderMarkdown(const Evaluation& evaluation);

// One self-contained HTML file: claims coloured by verdict (and named, for black and white),
// a chart per claim, curves where series exist, every series of the claimed experiments,
// compute used, environment, failed runs' log tails and file hashes. "for_print": every
// collapsed section open, as the PDF shows it (printing from a browser opens them by CSS).
std::string RenderHtml(const Evaluation& evaluation, bool for_print = false);

// The claims as a booktabs table, \input-able into a paper or a review.
std::string RenderLatex(const Evaluation& evaluation);

// One JUnit test case per claim, for CI systems: a claim that did not hold is a failure.
std::string RenderJunit(const Evaluation& evaluation);

inline constexpr int kReportJsonVersion = 1;
std::string RenderJson(const Evaluation& evaluation);
// One claim's object of the JSON report, as compact text (what the Store keeps per verdict).
std::string ClaimJsonText(const ClaimEvaluation& claim);

}  // namespace repro
