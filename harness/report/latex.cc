// The LaTeX (booktabs) renderer: a table to \input into a paper or a review.
#include <fmt/format.h>

#include "harness/report/cells.h"
#include "harness/report/escape.h"
#include "harness/report/render.h"
#include "harness/util/time.h"

namespace repro {
namespace {

// Every string from the manifest or the store goes through TeX(), comments included: a line
// break in a title must not end the "%" comment and start a live line.
std::string TeX(const std::string& text) { return TexText(text); }

}  // namespace

std::string RenderLatex(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  std::string out = fmt::format("% Reproduction of \"{}\" by repro {} (manifest sha256 {}).\n", TeX(m.paper.title),
                                REPRO_VERSION, TeX(m.sha256));
  out += "% Needs \\usepackage{booktabs}.\n";
  for (const std::string& deviation : evaluation.deviations)
    out += "% Deviation from the released code: " + TeX(deviation) + "\n";
  if (std::string setup = evaluation.SetupLine(); !setup.empty()) out += "% Setup: " + TeX(setup) + "\n";
  out += "\\begin{table}[t]\n\\centering\n\\begin{tabular}{lllll}\n\\toprule\n";
  out += "Claim & Paper & Reproduced & 95\\% CI & Verdict \\\\\n\\midrule\n";
  for (const ClaimEvaluation& c : evaluation.claims) {
    out += fmt::format("{} & {} & {} & {} & {} \\\\\n", TeX(c.claim->id), TeX(ReportedCell(*c.claim)),
                       TeX(MeasuredCell(c.verdict)), TeX(IntervalCell(c.verdict)), TeX(VerdictName(c.verdict.kind)));
  }
  out += "\\bottomrule\n\\end{tabular}\n";
  out += fmt::format("\\caption{{Claims of ``{}'' and their reproduction: {}.}}\n", TeX(m.paper.title),
                     TeX(evaluation.SummaryLine()));
  out += "\\end{table}\n";
  for (const PaperTable& table : m.tables) {
    out += fmt::format("\n% Table {} of the paper, each column as reported (Paper) and reproduced (Ours).\n",
                       TeX(table.id));
    out += "\\begin{table}[t]\n\\centering\n\\begin{tabular}{l" + std::string(2 * table.columns.size(), 'l') +
           "}\n\\toprule\n";
    for (const std::string& column : table.columns) out += fmt::format(" & \\multicolumn{{2}}{{c}}{{{}}}", TeX(column));
    out += " \\\\\n";
    for (size_t i = 0; i < table.columns.size(); ++i) out += " & Paper & Ours";
    out += " \\\\\n\\midrule\n";
    for (const PaperTable::Row& row : table.rows) {
      out += TeX(row.label);
      for (const std::string& id : row.cells) {
        const ClaimEvaluation* c = id.empty() ? nullptr : evaluation.Find(id);
        out += c == nullptr ? " & & "
                            : fmt::format(" & {} & {}", TeX(ReportedCell(*c->claim)), TeX(MeasuredCell(c->verdict)));
      }
      out += " \\\\\n";
    }
    out += "\\bottomrule\n\\end{tabular}\n";
    out += fmt::format("\\caption{{{}}}\n\\end{{table}}\n", TeX(table.caption.empty() ? table.id : table.caption));
  }
  return out;
}

}  // namespace repro
