#include "harness/report/ledger.h"

#include <fmt/format.h>

#include <set>

#include "harness/report/environment.h"
#include "harness/report/escape.h"
#include "harness/report/extras.h"
#include "harness/util/text.h"
#include "harness/util/time.h"
#include "harness/util/units.h"

namespace repro {
namespace {

constexpr VerdictKind kAllKinds[] = {
    VerdictKind::kReproduced, VerdictKind::kBetterThanClaimed, VerdictKind::kNotReproduced, VerdictKind::kInconclusive,
    VerdictKind::kFailed,     VerdictKind::kMissing,           VerdictKind::kPending};

// The distinct values of one row of the environments table ("CPU", "repro"), joined.
std::string EnvironmentValues(const Evaluation& evaluation, const std::string& row_name) {
  std::set<std::string> values;
  for (const EnvironmentRow& row : EnvironmentTable(evaluation.environments)) {
    if (row.name != row_name) continue;
    for (const std::string& value : row.values) {
      if (!value.empty()) values.insert(value);
    }
  }
  return Join(std::vector<std::string>(values.begin(), values.end()), "; ");
}

std::string PaperLink(const Paper& paper) {
  if (!paper.url.empty() && IsWebLink(paper.url)) return paper.url;
  if (!paper.arxiv.empty()) return "https://arxiv.org/abs/" + UrlPath(paper.arxiv);
  if (!paper.doi.empty()) return "https://doi.org/" + UrlPath(paper.doi);
  return "";
}

// "12 claims: 7 reproduced, 5 not-reproduced" over every entry with results.
std::string TotalLine(const std::vector<LedgerEntry>& entries) {
  int papers = 0, claims = 0;
  std::vector<std::string> counts;
  for (VerdictKind kind : kAllKinds) {
    int n = 0;
    for (const LedgerEntry& entry : entries) n += entry.evaluation ? entry.evaluation->Count(kind) : 0;
    if (n > 0) counts.push_back(fmt::format("{} {}", n, VerdictName(kind)));
  }
  double elapsed = 0, cpu = 0;
  for (const LedgerEntry& entry : entries) {
    if (!entry.evaluation) continue;
    ++papers;
    claims += static_cast<int>(entry.evaluation->claims.size());
    elapsed += entry.evaluation->elapsed_seconds.value_or(0);
    cpu += entry.evaluation->compute.cpu_seconds;
  }
  return fmt::format("{} manifest(s) with results, {} claims: {}; {} elapsed and {} of CPU time in all", papers, claims,
                     counts.empty() ? "none judged" : Join(counts, ", "), FormatElapsed(elapsed), FormatDuration(cpu));
}

std::string Generated() {
  return fmt::format("Generated {} by repro {} from the stored results", NowUtcIso8601(), REPRO_VERSION);
}

constexpr const char* kColumns[] = {"Paper",    "Claims",   "Verdicts", "Elapsed", "Attempt time",
                                    "CPU time", "Last run", "repro",    "CPU"};

}  // namespace

LedgerRow RowOf(const LedgerEntry& entry) {
  LedgerRow row;
  const Evaluation* e = entry.evaluation;
  if (e == nullptr) {
    row.paper = entry.manifest;
    row.verdicts = entry.problem;
    return row;
  }
  const Paper& paper = e->manifest->paper;
  row.paper = paper.title.empty() ? e->manifest->path.filename().string() : paper.title;
  row.paper_link = PaperLink(paper);
  row.claims = static_cast<int>(e->claims.size());
  row.verdicts = e->SummaryLine();
  if (e->compute.attempts > 0) {
    row.elapsed = e->elapsed_seconds ? FormatElapsed(*e->elapsed_seconds) : "";
    row.attempts_wall = FormatDuration(e->compute.wall_seconds);
    row.cpu = FormatDuration(e->compute.cpu_seconds);
  }
  row.last_run = e->last_finished_at.substr(0, 10);
  row.repro_version = EnvironmentValues(*e, "repro");
  row.cpu_model = EnvironmentValues(*e, "CPU");
  return row;
}

std::string RenderLedgerMarkdown(const std::vector<LedgerEntry>& entries) {
  auto m = [](const std::string& text) { return MarkdownText(text); };
  std::string out =
      fmt::format("| {} |\n|", Join(std::vector<std::string>(std::begin(kColumns), std::end(kColumns)), " | "));
  for (size_t i = 0; i < std::size(kColumns); ++i) out += i == 1 ? "---:|" : "---|";
  out += "\n";
  for (const LedgerEntry& entry : entries) {
    LedgerRow row = RowOf(entry);
    std::string paper = row.paper_link.empty() ? m(row.paper) : fmt::format("[{}](<{}>)", m(row.paper), row.paper_link);
    paper += fmt::format(" ({})", MarkdownCode(entry.manifest, /*in_table=*/true));
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", paper, row.claims, m(row.verdicts),
                       row.elapsed, row.attempts_wall, row.cpu, row.last_run, m(row.repro_version), m(row.cpu_model));
  }
  out +=
      fmt::format("\n{}.\n\n{}; elapsed is the first attempt's start to the last one's end, attempt time their sum.\n",
                  m(TotalLine(entries)), m(Generated()));
  return out;
}

std::string RenderLedgerHtml(const std::vector<LedgerEntry>& entries) {
  auto h = [](const std::string& text) { return HtmlText(text); };
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reproductions</title>\n<style>"
      "body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
      "table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #ddd;padding:.35em .5em;"
      "text-align:left;vertical-align:top}th{background:#f6f6f6}td.n{text-align:right}"
      "@media "
      "print{a{color:inherit}tr{break-inside:avoid}}</style></head><body>\n<h1>Reproductions</h1>\n<table>\n<tr>";
  for (const char* column : kColumns) out += fmt::format("<th>{}</th>", column);
  out += "<th>Report</th></tr>\n";
  for (const LedgerEntry& entry : entries) {
    LedgerRow row = RowOf(entry);
    std::string paper =
        row.paper_link.empty() ? h(row.paper) : fmt::format("<a href=\"{}\">{}</a>", h(row.paper_link), h(row.paper));
    std::string report = entry.report.empty() ? "" : fmt::format("<a href=\"{0}\">{0}</a>", h(entry.report));
    out += fmt::format(
        "<tr><td>{} <small><code>{}</code></small></td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        paper, h(entry.manifest), row.claims, h(row.verdicts), row.elapsed, row.attempts_wall, row.cpu, row.last_run,
        h(row.repro_version), h(row.cpu_model), report);
  }
  out += fmt::format(
      "</table>\n<p>{}.</p>\n<p><small>{}; elapsed is the first attempt's start to the last one's end, "
      "attempt time their sum.</small></p>\n</body></html>\n",
      h(TotalLine(entries)), h(Generated()));
  return out;
}

}  // namespace repro
