// The HTML report: one self-contained file (inline CSS and SVG, no script, no font, no
// network), for a reviewer to attach to a review and a reader to open from an e-mail. Every
// string from the manifest, the store or a log goes through E(), in text and attributes
// alike; the only <style> block is the constant below, and links are web links only.
#include <fmt/format.h>

#include <type_traits>

#include "harness/report/cells.h"
#include "harness/report/environment.h"
#include "harness/report/escape.h"
#include "harness/report/extras.h"
#include "harness/report/render.h"
#include "harness/report/svg.h"
#include "harness/util/outcome.h"
#include "harness/util/regular_file.h"
#include "harness/util/shell_quote.h"
#include "harness/util/text.h"
#include "harness/util/time.h"
#include "harness/util/units.h"

namespace repro {
namespace {

constexpr const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f6f6f6}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}
.summary{font-size:1.15em;font-weight:600;margin:.8em 0}.badge{display:inline-block;padding:.2em .6em;border-radius:.3em;background:#2ca02c;color:#fff}
.verdict{font-weight:600;white-space:nowrap}
tr.reproduced td.verdict,tr.better-than-claimed td.verdict{background:#dff3df;color:#155d15}
tr.not-reproduced td.verdict{background:#fbe0e0;color:#8a1414}
tr.inconclusive td.verdict{background:#fff3cd;color:#7a5b00}
tr.failed td.verdict,tr.missing td.verdict{background:#eee;color:#555}tr.pending td.verdict{background:#eef3fb;color:#2b4c7e}
td.reproduced,td.better-than-claimed{background:#dff3df}td.not-reproduced{background:#fbe0e0}td.inconclusive{background:#fff3cd}td.failed,td.missing{background:#eee}
caption{text-align:left;font-weight:600;padding:.3em 0}
.claim{margin:1.2em 0;padding:.6em 1em;border-left:4px solid #ddd}.reason{margin:.3em 0}.note{color:#7a5b00;margin:.2em 0}
details{margin:.5em 0}summary{cursor:pointer;font-weight:600}
figure{margin:.6em 0}svg{max-width:100%;height:auto}
table.environment td:first-child{white-space:nowrap;font-weight:600}
#claims td.where{min-width:11em}
.series h4{margin:.8em 0 .2em}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:none}
details::details-content{content-visibility:visible;display:contents}
summary{list-style:none}summary::-webkit-details-marker{display:none}
.claim,figure,tr,div.chart{break-inside:avoid}h2,h3,h4,summary{break-after:avoid}
#claims{font-size:8.5pt}pre{white-space:pre-wrap;word-break:break-all}
dt{break-after:avoid}dd{break-inside:avoid}
#integrity table{font-size:7pt}#integrity td{padding:.1em .3em;word-break:break-all}
#integrity td:last-child code{font-size:6pt;white-space:nowrap;word-break:normal}
}
)css";

std::string E(const std::string& text) { return HtmlText(text); }

// An id such as "readme/shuffled/logistic", allowed to wrap after each "/" rather than
// inside a word, so a narrow column breaks it where it reads well.
std::string WrappableId(const std::string& id) {
  std::string out;
  for (char c : E(id)) out += c == '/' ? std::string("/<wbr>") : std::string(1, c);
  return out;
}

// The verdict as a symbol and a word: the colour of its cell is gone in black and white.
std::string VerdictText(VerdictKind kind) {
  const char* symbol = "";
  switch (kind) {
    case VerdictKind::kReproduced:
      symbol = "✓";
      break;
    case VerdictKind::kBetterThanClaimed:
      symbol = "✓+";
      break;
    case VerdictKind::kNotReproduced:
      symbol = "✗";
      break;
    case VerdictKind::kInconclusive:
      symbol = "?";
      break;
    case VerdictKind::kFailed:
      symbol = "!";
      break;
    case VerdictKind::kMissing:
      symbol = "∅";
      break;
    case VerdictKind::kPending:
      symbol = "…";
      break;
  }
  return fmt::format("{} {}", symbol, VerdictName(kind));
}

// "23m42s of attempt time" is a sum; the run took "elapsed". Both, each named.
std::string ComputeLine(const Compute& cost) {
  return fmt::format("{} attempt(s), {} of attempt time (summed over attempts), {} CPU{}, peak memory {}",
                     cost.attempts, FormatDuration(cost.wall_seconds), FormatDuration(cost.cpu_seconds),
                     cost.gpu_seconds > 0 ? ", " + FormatDuration(cost.gpu_seconds) + " GPU" : "",
                     FormatBytes(cost.peak_rss_kib * 1024));
}

std::string PaperHeader(const Paper& paper) {
  std::string out = "<h1>Reproduction report: " + E(paper.title) + "</h1>\n<p>";
  if (!paper.authors.empty()) out += E(Join(paper.authors, ", "));
  std::string venue = paper.venue;
  if (paper.year) venue += (venue.empty() ? "" : " ") + std::to_string(*paper.year);
  if (!venue.empty()) out += " (" + E(venue) + ")";
  if (!paper.arxiv.empty())
    out +=
        fmt::format(R"( · <a href="https://arxiv.org/abs/{}">arXiv:{}</a>)", E(UrlPath(paper.arxiv)), E(paper.arxiv));
  if (!paper.doi.empty())
    out += fmt::format(R"( · <a href="https://doi.org/{}">doi:{}</a>)", E(UrlPath(paper.doi)), E(paper.doi));
  if (!paper.url.empty()) {
    // Only a web link is a link: "javascript:" or "data:" would run when a reader clicks.
    out += IsWebLink(paper.url) ? fmt::format(R"( · <a href="{0}">{0}</a>)", E(paper.url)) : " · " + E(paper.url);
  }
  return out + "</p>\n";
}

std::string ClaimsTable(const Evaluation& evaluation) {
  std::string out =
      "<table id=\"claims\">\n<tr><th>Claim</th><th class=\"where\">Where in the paper</th><th>Paper</th><th>Measured "
      "(mean ± std, n)</th>"
      "<th>95% CI</th><th>Δ</th><th>Verdict</th></tr>\n";
  for (const ClaimEvaluation& c : evaluation.claims) {
    const char* verdict = VerdictName(c.verdict.kind);
    out += fmt::format(
        R"(<tr class="{}"><td><a href="#claim-{}"><code>{}</code></a></td><td class="where">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="verdict">{}</td></tr>)",
        verdict, E(c.claim->id), WrappableId(c.claim->id), E(c.claim->source), E(ReportedCell(*c.claim)),
        E(MeasuredCell(c.verdict)), E(IntervalCell(c.verdict)), E(DeltaCell(c.verdict)), VerdictText(c.verdict.kind));
    out += "\n";
  }
  return out + "</table>\n";
}

std::string PaperTables(const Evaluation& evaluation) {
  std::string out;
  for (const PaperTable& table : evaluation.manifest->tables) {
    out += fmt::format(R"(<table class="paper-table" id="table-{}"><caption>{}{}</caption><tr><th></th>)", E(table.id),
                       E(table.id), table.caption.empty() ? "" : ": " + E(table.caption));
    for (const std::string& column : table.columns) out += "<th>" + E(column) + "</th>";
    out += "</tr>\n";
    for (const PaperTable::Row& row : table.rows) {
      out += "<tr><th>" + E(row.label) + "</th>";
      for (const std::string& id : row.cells) {
        const ClaimEvaluation* c = id.empty() ? nullptr : evaluation.Find(id);
        if (c == nullptr) {
          out += "<td></td>";
          continue;
        }
        const char* verdict = VerdictName(c->verdict.kind);
        out +=
            fmt::format(R"(<td class="verdict-cell {}">paper {}<br>ours {}<br><span class="verdict">{}</span></td>)",
                        verdict, E(ReportedCell(*c->claim)), E(MeasuredCell(c->verdict)), VerdictText(c->verdict.kind));
      }
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  return out;
}

// "test_acc (%)": the metric and its unit as the manifest declares them, for an axis title.
std::string MetricTitle(const Manifest& manifest, const std::string& experiment_id, const std::string& metric) {
  const Experiment* experiment = manifest.FindExperiment(experiment_id);
  if (experiment != nullptr) {
    for (const MetricSpec& spec : experiment->metrics) {
      if (spec.name == metric && !spec.unit.empty()) return metric + " (" + spec.unit + ")";
    }
  }
  return metric;
}

// The side a claim's band is open toward: its better side, since a claim with one reads one
// edge only (compare/verdict.cc: non-inferiority, or a one-sided t that finds it better than
// claimed or not reproduced); a two-sided TOST reads both edges.
Better OpenSide(const ClaimEvaluation& c) {
  return c.verdict.test.rfind("TOST", 0) == 0 ? Better::kEither : c.claim->better;
}

// The claim on a number line: what the paper printed, its band, each run and the interval the
// verdict read (its 90% interval, the one-sided tests at 5%, not the table's 95% CI).
std::string ClaimDotPlot(const Evaluation& evaluation, const ClaimEvaluation& c) {
  DotPlot plot;
  plot.metric = MetricTitle(*evaluation.manifest, c.claim->experiment, c.claim->metric);
  plot.reported = c.claim->reported.value;
  plot.reported_text = c.claim->reported.text;
  plot.allowed = c.verdict.allowed;
  plot.resolution = c.verdict.resolution;
  plot.better = OpenSide(c);
  for (const RunEvidence& run : c.runs) {
    if (run.value) plot.measurements.emplace_back(run.label, *run.value);
  }
  if (plot.measurements.empty()) return "";
  if (c.verdict.summary) plot.mean = c.verdict.summary->mean;
  if (c.verdict.interval90) plot.interval = c.verdict.interval90;
  return "<figure>" + RenderDotPlot(plot) + "</figure>";
}

// The count under "key", 0 when there is none.
template <typename Key>
int FoundOr(const std::map<Key, int>& counts, const std::type_identity_t<Key>& key) {
  auto found = counts.find(key);
  return found == counts.end() ? 0 : found->second;
}

std::string ClaimCurves(const Evaluation& evaluation, const ClaimEvaluation& c) {
  auto series = evaluation.series.find(c.claim->id);
  if (series == evaluation.series.end()) return "";
  LineChart chart;
  chart.metric = MetricTitle(*evaluation.manifest, c.claim->experiment, series->second.front().metric);
  for (const SeriesOfRun& run : series->second) chart.curves.push_back({run.label, run.points});
  chart.reported = c.claim->reported.value;
  chart.reported_text = c.claim->reported.text;
  chart.allowed = c.verdict.allowed;
  chart.resolution = c.verdict.resolution;
  chart.better = OpenSide(c);
  chart.runs_not_drawn = FoundOr(evaluation.curves_left_out, c.claim->id);
  return "<figure>" + RenderLineChart(chart) + "<figcaption>" + E(series->second.front().metric) +
         " over steps, one line per run, with the claimed value and its band</figcaption></figure>";
}

std::string ClaimSection(const Evaluation& evaluation, const ClaimEvaluation& c) {
  std::string out =
      fmt::format(R"(<div class="claim {}" id="claim-{}"><h3><code>{}</code> — <span class="verdict">{}</span></h3>)",
                  VerdictName(c.verdict.kind), E(c.claim->id), E(c.claim->id), VerdictText(c.verdict.kind));
  if (!c.claim->source.empty()) out += "<p class=\"where\">Where in the paper: " + E(c.claim->source) + "</p>";
  out += "<p class=\"reason\">" + E(c.verdict.reason) + "</p>";
  for (const std::string& part : c.verdict.parts) out += "<p class=\"reason\">" + E(part) + "</p>";
  for (const std::string& note : c.environment_notes) out += "<p class=\"note\">Environment: " + E(note) + "</p>";
  if (c.claim->kind == ClaimKind::kValue) out += ClaimDotPlot(evaluation, c) + ClaimCurves(evaluation, c);
  if (c.compute.attempts > 0) out += "<p class=\"compute\">Compute: " + ComputeLine(c.compute) + ".</p>";
  return out + "</div>\n";
}

// Every stored series of each experiment a claim reads, a chart per metric and a section per
// experiment: the "best step" curve a final-versus-best question turns on is here even when
// no claim names it. Collapsed on screen; print and the PDF open every section.
std::string SeriesSections(const Evaluation& evaluation) {
  if (evaluation.experiment_series.empty()) return "";
  std::string out = "<h2>Every series of the claimed experiments</h2>\n";
  for (const std::string& experiment : ClaimedExperiments(*evaluation.manifest)) {
    auto found = evaluation.experiment_series.find(experiment);
    if (found == evaluation.experiment_series.end()) continue;
    std::map<std::string, std::vector<Curve>> by_metric;
    for (const SeriesOfRun& run : found->second) by_metric[run.metric].push_back({run.label, run.points});
    size_t count = found->second.size();
    for (const auto& [metric, curves] : by_metric)
      count += FoundOr(evaluation.experiment_curves_left_out, {experiment, metric});
    out += fmt::format(
        R"(<details class="series" id="series-{}"><summary>Experiment <code>{}</code>: {} series of {} metric(s)</summary>)",
        E(experiment), E(experiment), count, by_metric.size());
    for (auto& [metric, curves] : by_metric) {
      LineChart chart;
      chart.metric = MetricTitle(*evaluation.manifest, experiment, metric);
      chart.curves = std::move(curves);
      chart.runs_not_drawn = FoundOr(evaluation.experiment_curves_left_out, {experiment, metric});
      out += "<div class=\"chart\"><h4><code>" + E(metric) + "</code></h4><figure>" + RenderLineChart(chart) +
             "</figure></div>";
    }
    out += "</details>\n";
  }
  return out;
}

std::string FailedRuns(const Evaluation& evaluation) {
  if (evaluation.unfinished_runs.empty()) return "";
  std::string out = fmt::format("<details id=\"failed-runs\"><summary>Runs that did not finish ({})</summary>\n",
                                evaluation.unfinished_runs.size());
  for (const RunEvidence& run : evaluation.unfinished_runs) {
    std::string status = RunStatus(run);
    out += fmt::format("<h4>{}: {}</h4>", E(run.label), E(status));
    if (!run.message.empty()) out += "<p>" + E(run.message) + "</p>";
    std::vector<std::string> tail = LastLinesOfRegularFile(std::filesystem::path(run.dir) / "stderr.log", 20);
    out += fmt::format("<p>Logs: <code>{}</code></p>", E(run.dir));
    if (!tail.empty()) out += "<pre>" + E(Join(tail, "\n")) + "</pre>";
  }
  return out + "</details>\n";
}

std::string TailBlock(const std::string& what, const std::vector<std::string>& lines) {
  if (lines.empty()) return "";
  return "<details><summary>" + E(what) + "</summary><pre>" + E(Join(lines, "\n")) + "</pre></details>";
}

// Each setup step as it ran, or the steps as written when setup has not run for this code.
std::string SetupSection(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  if (m.setup.empty()) return "";
  std::string out = "<h2>Setup</h2>\n";
  const SetupReport& setup = evaluation.setup;
  if (setup.steps.empty()) {
    out += "<p>Not run yet for this code. The steps:</p><ol id=\"setup\">";
    for (const auto& argv : m.setup) out += "<li><code>" + E(ShellCommandLine(argv)) + "</code></li>";
    return out + "</ol>\n";
  }
  if (setup.executions > 1)
    out += fmt::format("<p>Execution {} of this setup; the compute table counts every one.</p>", setup.executions);
  out +=
      "<table "
      "id=\"setup\"><tr><th>Step</th><th>Command</th><th>Status</th><th>Wall</th><th>CPU</th><th>Logs</th></tr>\n";
  for (const SetupStepView& view : setup.steps) {
    const SetupStepRecord& step = view.record;
    out += fmt::format(
        "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code><br><code>{}</"
        "code>{}{}</td></tr>\n",
        step.step, E(ShellCommandLine(step.argv)), E(StepStatus(step)), FormatDuration(step.wall_seconds),
        FormatDuration(step.cpu_seconds), E(step.stdout_path), E(step.stderr_path),
        TailBlock("last lines of stdout", view.stdout_tail), TailBlock("last lines of stderr", view.stderr_tail));
  }
  return out + "</table>\n";
}

std::string CommandsSection(const Evaluation& evaluation) {
  if (evaluation.commands.empty()) return "";
  std::string out = "<details id=\"commands\"><summary>The command of each run, as it ran</summary>\n<ul>";
  for (const RunCommand& command : evaluation.commands) {
    out += "<li>" + E(command.label) + ": <code>" + E(ShellCommandLine(command.argv)) + "</code></li>";
  }
  return out + "</ul></details>\n";
}

std::string ComputeTable(const Evaluation& evaluation) {
  std::string out =
      "<table id=\"compute\"><tr><th></th><th>Attempts</th><th>Attempt time "
      "(summed)</th><th>CPU</th><th>GPU</th><th>Peak memory</th></tr>\n";
  auto row = [](const std::string& name, const Compute& c) {
    return fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", name,
                       c.attempts, FormatDuration(c.wall_seconds), FormatDuration(c.cpu_seconds),
                       FormatDuration(c.gpu_seconds), FormatBytes(c.peak_rss_kib * 1024));
  };
  for (const ClaimEvaluation& c : evaluation.claims) out += row("<code>" + E(c.claim->id) + "</code>", c.compute);
  if (evaluation.setup.compute.attempts > 0) out += row("Setup, every step run", evaluation.setup.compute);
  out += row(evaluation.setup.compute.attempts > 0 ? "<strong>Total, retries and setup included</strong>"
                                                   : "<strong>Total, retries included</strong>",
             evaluation.compute);
  out += "</table>\n";
  if (evaluation.elapsed_seconds) {
    out += fmt::format(
        "<p id=\"elapsed\">Elapsed: the runs took {} from the first attempt's start to the last one's end; attempt "
        "time "
        "adds up each attempt's own wall time, {} in all, and is longer when attempts ran side by side.</p>\n",
        FormatElapsed(*evaluation.elapsed_seconds), FormatDuration(evaluation.compute.wall_seconds));
  }
  return out;
}

// The environments as a table (report/environment.h), a column per distinct environment.
std::string EnvironmentSection(const Evaluation& evaluation) {
  std::string out = fmt::format("<h2>Environment</h2>\n<table class=\"environment\" id=\"environment\"><tr><th></th>");
  for (size_t i = 0; i < evaluation.environments.size(); ++i) {
    out += evaluation.environments.size() == 1 ? "<th>Where the runs ran</th>"
                                               : fmt::format("<th>Environment {}</th>", i + 1);
  }
  out += "</tr>\n";
  for (const EnvironmentRow& row : EnvironmentTable(evaluation.environments)) {
    out += "<tr><td>" + E(row.name) + "</td>";
    for (const std::string& value : row.values) out += "<td>" + E(value) + "</td>";
    out += "</tr>\n";
  }
  if (evaluation.environments.empty()) out += "<tr><td colspan=\"2\">No environment was recorded.</td></tr>\n";
  return out + "</table>\n";
}

// Page margins for print and the PDF: the paper's title at the top of every page and the
// page number at the bottom (CSS margin boxes, which Chromium prints).
std::string PageStyle(const Paper& paper) {
  return "@page{size:A4;margin:16mm 12mm 16mm 12mm;@top-center{content:" +
         CssString("Reproduction report: " + paper.title) +
         ";font:9pt system-ui,sans-serif;color:#555}@bottom-right{content:\"page \" counter(page) \" of \" "
         "counter(pages);"
         "font:9pt system-ui,sans-serif;color:#555}}";
}

std::string HtmlBody(const Evaluation& evaluation);

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

std::string RenderHtml(const Evaluation& evaluation, bool for_print) {
  const Manifest& m = *evaluation.manifest;
  std::string head =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Reproduction report: " +
      E(m.paper.title) + "</title><style>" + kStyle + PageStyle(m.paper) + "</style></head><body>\n";
  std::string body = HtmlBody(evaluation);
  // Every string in the body went through E(), so "<details" is only ever our own tag.
  if (for_print) body = ReplaceAll(std::move(body), "<details", "<details open");
  // Into the body's own buffer: a lab's report is 11 MB, and head + body + tail made two more.
  body.insert(0, head);
  return body.append("</body></html>\n");
}

namespace {

std::string HtmlBody(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  std::string out = PaperHeader(m.paper);
  out += "<p>Code: <code>" + E(evaluation.source_description) + "</code></p>\n";
  if (!evaluation.deviations.empty()) {
    out += "<p>Deviations from the released code:</p><ul id=\"deviations\">";
    for (const std::string& deviation : evaluation.deviations) out += "<li>" + E(deviation) + "</li>";
    out += "</ul>\n";
  }
  for (const Experiment& experiment : m.experiments) {
    if (experiment.shell)
      out += "<p>Shell: experiment <code>" + E(experiment.id) + "</code> runs its command through /bin/sh.</p>\n";
  }
  if (std::string setup = evaluation.SetupLine(); !setup.empty()) out += "<p>Setup: " + E(setup) + "</p>\n";
  out += "<p class=\"summary\">" + E(evaluation.SummaryLine()) + "</p>\n";
  BadgeSuggestion badge = SuggestBadge(evaluation);
  out += badge.badge.empty() ? "<p>" + E(badge.reason) + ".</p>\n"
                             : "<p>Suggested ACM badge: <span class=\"badge\">" + E(badge.badge) + "</span> — " +
                                   E(badge.reason) + ". A suggestion for the reviewer, not a decision.</p>\n";
  out += "<h2>Claims</h2>\n" + ClaimsTable(evaluation);
  if (!m.tables.empty()) out += "<h2>The paper's tables</h2>\n" + PaperTables(evaluation);
  for (const ClaimEvaluation& c : evaluation.claims) out += ClaimSection(evaluation, c);
  out += SeriesSections(evaluation);
  out += "<h2>Summary</h2>\n<dl>";
  for (const auto& [heading, text] : ChallengeSummary(evaluation))
    out += "<dt><strong>" + E(heading) + "</strong></dt><dd>" + E(text) + "</dd>";
  out += "</dl>\n" + SetupSection(evaluation) + CommandsSection(evaluation);
  out += "<h2>Compute used</h2>\n" + ComputeTable(evaluation);
  out += FailedRuns(evaluation);
  out += EnvironmentSection(evaluation);
  out += "<details id=\"integrity\"><summary>Integrity: sha256 of every input to this report</summary>\n<table>";
  out += fmt::format("<tr><td>manifest <code>{}</code></td><td><code>{}</code></td></tr>", E(m.path.string()),
                     E(m.sha256));
  for (const HashedFile& file : evaluation.integrity) {
    out += fmt::format("<tr><td><code>{}</code></td><td><code>{}</code></td></tr>", E(file.path), E(file.sha256));
  }
  out += "</table></details>\n";
  out += fmt::format("<p><small>Generated {} by repro {}.</small></p>\n", NowUtcIso8601(), REPRO_VERSION);
  return out;
}

}  // namespace
}  // namespace repro
