#include "harness/report/diff.h"

#include <fmt/format.h>

#include "harness/report/cells.h"
#include "harness/report/environment.h"
#include "harness/report/escape.h"
#include "harness/util/text.h"

namespace repro {
namespace {

struct DiffRow {
  std::string claim, measured_a, measured_b, difference, overlap, verdict_a, verdict_b;
};

std::string Overlap(const ClaimEvaluation* a, const ClaimEvaluation* b) {
  if (a == nullptr || b == nullptr || !a->verdict.summary || !b->verdict.summary) return "—";
  const SeedSummary& x = *a->verdict.summary;
  const SeedSummary& y = *b->verdict.summary;
  if (!x.ci_low || !y.ci_low) return "— (n=1 on a side)";
  bool overlap = *x.ci_low <= *y.ci_high && *y.ci_low <= *x.ci_high;
  return overlap ? "yes" : "no: they differ";
}

std::vector<DiffRow> Rows(const Evaluation& a, const Evaluation& b) {
  std::vector<DiffRow> rows;
  auto add = [&](const std::string& id) {
    const ClaimEvaluation* x = a.Find(id);
    const ClaimEvaluation* y = b.Find(id);
    DiffRow row{id,
                x ? MeasuredCell(x->verdict) : "(no such claim)",
                y ? MeasuredCell(y->verdict) : "(no such claim)",
                "—",
                Overlap(x, y),
                x ? VerdictName(x->verdict.kind) : "—",
                y ? VerdictName(y->verdict.kind) : "—"};
    if (x && y && x->verdict.summary && y->verdict.summary) {
      row.difference = fmt::format("{:+.4g}", y->verdict.summary->mean - x->verdict.summary->mean);
    }
    rows.push_back(std::move(row));
  };
  for (const ClaimEvaluation& c : a.claims) add(c.claim->id);
  for (const ClaimEvaluation& c : b.claims) {
    if (a.Find(c.claim->id) == nullptr) add(c.claim->id);
  }
  return rows;
}

std::vector<std::string> EnvironmentDifferences(const Evaluation& a, const Evaluation& b) {
  if (a.environments.empty() || b.environments.empty()) return {"an environment was not recorded on one side"};
  if (a.environments == b.environments) return {};
  std::vector<std::string> both = a.environments;
  both.insert(both.end(), b.environments.begin(), b.environments.end());
  return EnvironmentNotes({}, both);
}

}  // namespace

// Long because it writes one table in three formats side by side, so they cannot drift apart.
std::string RenderDiff(const Evaluation& a, const std::string& label_a, const Evaluation& b, const std::string& label_b,
                       const std::string& format) {
  std::vector<DiffRow> rows = Rows(a, b);
  std::vector<std::string> environment = EnvironmentDifferences(a, b);
  const std::vector<std::string> header = {"claim",           "A: " + label_a, "B: " + label_b, "B - A",
                                           "95% CIs overlap", "verdict A",     "verdict B"};
  auto cells = [](const DiffRow& r) {
    return std::vector<std::string>{r.claim,   r.measured_a, r.measured_b, r.difference,
                                    r.overlap, r.verdict_a,  r.verdict_b};
  };
  std::string out;
  if (format == "html") {
    out =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>repro diff</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ddd;padding:.3em .5em}th{background:#f6f6f6}</style></head><body>\n"
        "<h1>Two reproductions compared</h1>\n<table id=\"diff\"><tr>";
    for (const std::string& h : header) out += "<th>" + HtmlText(h) + "</th>";
    out += "</tr>\n";
    for (const DiffRow& r : rows) {
      out += "<tr>";
      for (const std::string& cell : cells(r)) out += "<td>" + HtmlText(cell) + "</td>";
      out += "</tr>\n";
    }
    out += "</table>\n<h2>Environment</h2>\n<ul>";
    for (const std::string& line : environment) out += "<li>" + HtmlText(line) + "</li>";
    if (environment.empty()) out += "<li>the same environment on both sides</li>";
    return out + "</ul>\n</body></html>\n";
  }
  if (format == "md") {
    out = "|";
    for (const std::string& h : header) out += " " + MarkdownText(h) + " |";
    out += "\n|";
    for (size_t i = 0; i < header.size(); ++i) out += "---|";
    out += "\n";
    for (const DiffRow& r : rows) {
      out += "|";
      for (const std::string& cell : cells(r)) out += " " + MarkdownText(cell) + " |";
      out += "\n";
    }
    out += "\n**Environment:** " +
           MarkdownText(environment.empty() ? std::string("the same on both sides.") : Join(environment, "; ")) + "\n";
    return out;
  }
  std::vector<size_t> widths(header.size());
  // On a terminal every cell is made visible first, so widths count what is shown.
  std::vector<std::vector<std::string>> table = {header};
  for (const DiffRow& r : rows) table.push_back(cells(r));
  for (auto& line : table) {
    for (std::string& cell : line) cell = VisibleText(cell);
  }
  for (const auto& line : table) {
    for (size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(line[i]));
  }
  for (const auto& line : table) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i] + (i + 1 < line.size() ? std::string(widths[i] - DisplayWidth(line[i]) + 2, ' ') : "");
    }
    out += text + "\n";
  }
  out += "\nenvironment: " +
         VisibleText(environment.empty() ? std::string("the same on both sides") : Join(environment, "; ")) + "\n";
  return out;
}

}  // namespace repro
