// A ledger of reproductions: one row per manifest (its paper, claims, verdict counts, the
// time its runs took, when and by which repro they ran, on what CPU), read from the stored
// results as every report is, so a lab's list of what it checked is regenerated, never typed.
#pragma once

#include <string>
#include <vector>

#include "harness/report/evaluation.h"

namespace repro {

struct LedgerEntry {
  std::string manifest;                    // the manifest as a link from the ledger's folder
  std::string report;                      // its HTML report, from the ledger's folder; empty: none
  const Evaluation* evaluation = nullptr;  // null when it has no results
  std::string problem;                     // why it has none ("no database at results/x/repro.db")
};

// What a row says, apart from the format it is written in.
struct LedgerRow {
  std::string paper;       // the paper's title, else the manifest's name
  std::string paper_link;  // a web link to the paper (its url, else arXiv, else DOI); may be empty
  int claims = 0;
  std::string verdicts;                // "3 reproduced, 1 not reproduced"; the problem when it has no results
  std::string elapsed, attempts_wall;  // first start to last end; the sum over attempts ("" when none ran)
  std::string cpu;
  std::string last_run;                  // date of the last attempt's end, "2026-12-02"
  std::string repro_version, cpu_model;  // from the environments recorded with the attempts
};
LedgerRow RowOf(const LedgerEntry& entry);

// A Markdown table with a totals line, and the sentence that says how it was made.
std::string RenderLedgerMarkdown(const std::vector<LedgerEntry>& entries);

// One self-contained HTML page: the same table, each paper linked to its report.
std::string RenderLedgerHtml(const std::vector<LedgerEntry>& entries);

}  // namespace repro
