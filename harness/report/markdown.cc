#include <fmt/format.h>

#include "harness/report/cells.h"
#include "harness/report/environment.h"
#include "harness/report/escape.h"
#include "harness/report/extras.h"
#include "harness/report/render.h"
#include "harness/util/outcome.h"
#include "harness/util/shell_quote.h"
#include "harness/util/text.h"
#include "harness/util/time.h"
#include "harness/util/units.h"

namespace repro {
namespace {

// Every string goes in as text (report/escape.h): a title, a caption or a log line adds no
// heading, link, HTML or table cell.
std::string M(const std::string& text) { return MarkdownText(text); }
std::string Code(const std::string& text) { return MarkdownCode(text); }
std::string CodeCell(const std::string& text) { return MarkdownCode(text, /*in_table=*/true); }

// A table cell: MarkdownText escapes pipes and joins lines; an empty cell shows a dash.
std::string Cell(const std::string& text) { return text.empty() ? "—" : M(text); }

std::string Repeat(const std::string& text, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += text;
  return out;
}

std::string PaperLine(const Paper& paper) {
  std::string line = "**" + M(paper.title) + "**";
  if (!paper.authors.empty()) line += " — " + M(Join(paper.authors, ", "));
  std::string venue = paper.venue;
  if (paper.year) venue += (venue.empty() ? "" : " ") + std::to_string(*paper.year);
  if (!venue.empty()) line += " (" + M(venue) + ")";
  std::vector<std::string> links;
  if (!paper.arxiv.empty())
    links.push_back(fmt::format("[arXiv:{}](https://arxiv.org/abs/{})", M(paper.arxiv), UrlPath(paper.arxiv)));
  if (!paper.doi.empty())
    links.push_back(fmt::format("[doi:{}](https://doi.org/{})", M(paper.doi), UrlPath(paper.doi)));
  // Only a web link is a link (an autolink: IsWebLink admits no space or angle bracket).
  if (!paper.url.empty()) links.push_back(IsWebLink(paper.url) ? fmt::format("<{}>", paper.url) : M(paper.url));
  if (!links.empty()) line += ". " + Join(links, ", ");
  return line;
}

std::string Tail(const std::string& what, const std::vector<std::string>& lines) {
  if (lines.empty()) return "";
  return fmt::format("\n<details><summary>{}</summary>\n\n", M(what)) + MarkdownBlock(Join(lines, "\n")) +
         "\n</details>\n";
}

// Each setup step as it ran (what built packages or fetched data, and what it cost), or the
// steps as written when setup has not run for this code.
std::string SetupSection(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  if (m.setup.empty()) return "";
  std::string out = "\n## Setup\n\n";
  const SetupReport& setup = evaluation.setup;
  if (setup.steps.empty()) {
    out += "Not run yet for this code. The steps:\n\n";
    for (size_t i = 0; i < m.setup.size(); ++i)
      out += fmt::format("{}. {}\n", i + 1, Code(ShellCommandLine(m.setup[i])));
    return out;
  }
  if (setup.executions > 1)
    out += fmt::format("Execution {} of this setup; the compute table counts every one.\n\n", setup.executions);
  out += "| Step | Command | Status | Wall | CPU | Logs |\n|---|---|---|---|---|---|\n";
  for (const SetupStepView& view : setup.steps) {
    const SetupStepRecord& step = view.record;
    out += fmt::format("| {} | {} | {} | {} | {} | {}, {} |\n", step.step, CodeCell(ShellCommandLine(step.argv)),
                       Cell(StepStatus(step)), FormatDuration(step.wall_seconds), FormatDuration(step.cpu_seconds),
                       CodeCell(step.stdout_path), CodeCell(step.stderr_path));
  }
  for (const SetupStepView& view : setup.steps) {
    out += Tail(fmt::format("Step {}: last lines of stdout", view.record.step), view.stdout_tail);
    out += Tail(fmt::format("Step {}: last lines of stderr", view.record.step), view.stderr_tail);
  }
  return out;
}

std::string CommandsSection(const Evaluation& evaluation) {
  if (evaluation.commands.empty()) return "";
  std::string out = "\n## Commands\n\n<details><summary>The command of each run, as it ran</summary>\n\n";
  for (const RunCommand& command : evaluation.commands)
    out += fmt::format("- {}: {}\n", M(command.label), Code(ShellCommandLine(command.argv)));
  return out + "\n</details>\n";
}

// The environments as a table (report/environment.h), a column per distinct environment.
std::string EnvironmentSection(const Evaluation& evaluation) {
  std::string out = "\n## Environment\n\n";
  if (evaluation.environments.empty()) return out + "No environment was recorded.\n";
  out += "| |";
  for (size_t i = 0; i < evaluation.environments.size(); ++i) {
    out += evaluation.environments.size() == 1 ? " Where the runs ran |" : fmt::format(" Environment {} |", i + 1);
  }
  out += "\n|---|" + Repeat("---|", evaluation.environments.size()) + "\n";
  for (const EnvironmentRow& row : EnvironmentTable(evaluation.environments)) {
    out += "| " + Cell(row.name) + " |";
    for (const std::string& value : row.values) out += " " + Cell(value) + " |";
    out += "\n";
  }
  return out;
}

// The paper, the code, what deviated from it, and the one-line summary.
std::string HeaderSection(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  std::string out = fmt::format("# Reproduction report: {}\n\n", M(m.paper.title));
  out += fmt::format("- Paper: {}\n", PaperLine(m.paper));
  out += fmt::format("- Code: {}\n", Code(evaluation.source_description));
  if (!evaluation.deviations.empty()) {
    out += "- Deviations from the released code:\n";
    for (const std::string& deviation : evaluation.deviations) out += fmt::format("  - {}\n", Cell(deviation));
  }
  for (const Experiment& experiment : m.experiments) {
    if (experiment.shell) {
      out += fmt::format("- Shell: experiment {} runs its command through /bin/sh (`shell: true`): {}\n",
                         Code(experiment.id), Code(experiment.command.front()));
    }
  }
  out += fmt::format("- Manifest: {} (sha256 {})\n", Code(m.path.string()), Code(m.sha256));
  out += fmt::format("- Generated: {} by repro {}\n", NowUtcIso8601(), REPRO_VERSION);
  if (std::string setup = evaluation.SetupLine(); !setup.empty()) out += fmt::format("- Setup: {}\n", M(setup));
  out += fmt::format("- Summary: **{}**\n\n", M(evaluation.SummaryLine()));
  return out;
}

std::string ClaimsSection(const Evaluation& evaluation) {
  std::string out = "## Claims\n\n";
  out += "| Claim | Where in the paper | Paper | Measured (mean ± std, n) | 95% CI | Δ | Verdict |\n";
  out += "|---|---|---|---|---|---|---|\n";
  for (const ClaimEvaluation& c : evaluation.claims) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} | **{}** |\n", CodeCell(c.claim->id), Cell(c.claim->source),
                       Cell(ReportedCell(*c.claim)), Cell(MeasuredCell(c.verdict)), Cell(IntervalCell(c.verdict)),
                       Cell(DeltaCell(c.verdict)), VerdictName(c.verdict.kind));
  }
  return out;
}

// The paper's own tables, each cell the paper's value beside the reproduced one.
std::string TablesSection(const Evaluation& evaluation) {
  std::string out;
  for (const PaperTable& table : evaluation.manifest->tables) {
    out += fmt::format("\n### {}{}\n\nEach cell: the paper's value, then the reproduced one and its verdict.\n\n| |",
                       Cell(table.id), table.caption.empty() ? "" : ": " + Cell(table.caption));
    for (const std::string& column : table.columns) out += " " + Cell(column) + " |";
    out += "\n|---|" + Repeat("---|", table.columns.size()) + "\n";
    for (const PaperTable::Row& row : table.rows) {
      out += "| " + Cell(row.label) + " |";
      for (const std::string& id : row.cells) {
        const ClaimEvaluation* c = id.empty() ? nullptr : evaluation.Find(id);
        out += c == nullptr ? " |"
                            : fmt::format(" {} → {} ({}) |", Cell(ReportedCell(*c->claim)),
                                          Cell(MeasuredCell(c->verdict)), VerdictName(c->verdict.kind));
      }
      out += "\n";
    }
  }
  return out;
}

std::string ReasonsSection(const Evaluation& evaluation) {
  std::string out = "\n### Reasons\n\n";
  for (const ClaimEvaluation& c : evaluation.claims) {
    std::string seeds;
    if (!c.verdict.seeds.empty()) {
      std::vector<std::string> list;
      for (int64_t seed : c.verdict.seeds) list.push_back(std::to_string(seed));
      seeds = fmt::format(" Seeds: {}.", Join(list, ", "));
    }
    out += fmt::format("- {}: {}.{}\n", Code(c.claim->id), M(c.verdict.reason), seeds);
    for (const std::string& note : c.environment_notes) out += fmt::format("  - Environment: {}\n", Cell(note));
    for (const std::string& part : c.verdict.parts) out += fmt::format("  - {}\n", M(part));
  }
  return out;
}

// A suggested badge, the challenges a reviewer would raise, and the compute it all took.
std::string ReviewersSection(const Evaluation& evaluation) {
  BadgeSuggestion badge = SuggestBadge(evaluation);
  std::string out = "\n## For reviewers\n\n";
  out += badge.badge.empty() ? fmt::format("- ACM badge: {}.\n", M(badge.reason))
                             : fmt::format("- Suggested ACM badge: **{}** — {}. A suggestion, not a decision.\n",
                                           M(badge.badge), M(badge.reason));
  for (const auto& [heading, text] : ChallengeSummary(evaluation))
    out += fmt::format("- {}: {}\n", M(heading), M(text));
  out += "\n| Compute | Attempts | Attempt time (summed) | CPU | GPU | Peak memory |\n|---|---|---|---|---|---|\n";
  auto compute_row = [](const std::string& name, const Compute& c) {
    return fmt::format("| {} | {} | {} | {} | {} | {} |\n", name, c.attempts, FormatDuration(c.wall_seconds),
                       FormatDuration(c.cpu_seconds), FormatDuration(c.gpu_seconds),
                       FormatBytes(c.peak_rss_kib * 1024));
  };
  for (const ClaimEvaluation& c : evaluation.claims) out += compute_row(CodeCell(c.claim->id), c.compute);
  if (evaluation.setup.compute.attempts > 0) out += compute_row("setup, every step run", evaluation.setup.compute);
  out += compute_row(
      evaluation.setup.compute.attempts > 0 ? "**total, retries and setup included**" : "**total, retries included**",
      evaluation.compute);
  if (evaluation.elapsed_seconds) {
    out += fmt::format(
        "\nElapsed: the runs took {} from the first attempt's start to the last one's end; attempt time adds up each "
        "attempt's own wall time and is longer when attempts ran side by side.\n",
        FormatElapsed(*evaluation.elapsed_seconds));
  }
  return out;
}

std::string UnfinishedSection(const Evaluation& evaluation) {
  if (evaluation.unfinished_runs.empty()) return "";
  std::string out = "\n## Runs that did not finish\n\n| Run | Status | Logs |\n|---|---|---|\n";
  for (const RunEvidence& run : evaluation.unfinished_runs) {
    std::string status = RunStatus(run);
    if (!run.message.empty()) status += ": " + run.message;
    out += fmt::format("| {} | {} | {}, {} |\n", Cell(run.label), Cell(status), CodeCell(run.dir + "/stdout.log"),
                       CodeCell(run.dir + "/stderr.log"));
  }
  return out;
}

std::string IntegritySection(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  std::string out =
      "\n<details><summary>Integrity: sha256 of the manifest, every log and every attempt record</summary>\n\n";
  out += fmt::format("- manifest {}: {}\n", Code(m.path.string()), Code(m.sha256));
  for (const HashedFile& file : evaluation.integrity)
    out += fmt::format("- {}: {}\n", Code(file.path), Code(file.sha256));
  return out + "\n</details>\n";
}

}  // namespace

std::string RenderMarkdown(const Evaluation& evaluation) {
  return HeaderSection(evaluation) + ClaimsSection(evaluation) + TablesSection(evaluation) +
         ReasonsSection(evaluation) + SetupSection(evaluation) + CommandsSection(evaluation) +
         ReviewersSection(evaluation) + UnfinishedSection(evaluation) + EnvironmentSection(evaluation) +
         IntegritySection(evaluation);
}

}  // namespace repro
