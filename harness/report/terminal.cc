#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "harness/report/cells.h"
#include "harness/report/render.h"
#include "harness/util/text.h"

namespace repro {
namespace {

// "text" cut to "width" columns with an ellipsis; the full text is in the Markdown report.
std::string Truncate(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return text;
  std::string cut;
  size_t columns = 0;
  for (char c : text) {
    bool starts_character = (c & 0xC0) != 0x80;
    if (starts_character && ++columns > width - 1) break;
    cut += c;
  }
  return cut + "…";
}

const char* VerdictColor(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kReproduced:
    case VerdictKind::kBetterThanClaimed:
      return "\x1b[32m";
    case VerdictKind::kNotReproduced:
    case VerdictKind::kFailed:
      return "\x1b[31m";
    case VerdictKind::kInconclusive:
    case VerdictKind::kMissing:
    case VerdictKind::kPending:
      return "\x1b[33m";
  }
  return "";
}

constexpr size_t kPaperColumnWidth = 40;

// Every string from the manifest, the store or a log is made visible before it is measured or
// printed: an escape sequence in a claim id or a reason must not recolour or move the terminal.
std::string V(const std::string& text) { return VisibleText(text); }

}  // namespace

std::string RenderTerminal(const Evaluation& evaluation, bool color) {
  std::vector<std::vector<std::string>> rows = {
      {"claim", "paper", "reported", "measured", "95% CI", "delta", "verdict"}};
  for (const ClaimEvaluation& c : evaluation.claims) {
    rows.push_back({V(c.claim->id), c.claim->source.empty() ? "—" : Truncate(V(c.claim->source), kPaperColumnWidth),
                    V(ReportedCell(*c.claim)), V(MeasuredCell(c.verdict)), IntervalCell(c.verdict),
                    DeltaCell(c.verdict), VerdictName(c.verdict.kind)});
  }
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  std::string out;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (size_t i = 0; i < rows[r].size(); ++i) {
      std::string cell = rows[r][i];
      bool last = i + 1 == rows[r].size();
      std::string padding = last ? "" : std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
      if (color && r > 0 && last) cell = VerdictColor(evaluation.claims[r - 1].verdict.kind) + cell + "\x1b[0m";
      if (color && r == 0) cell = "\x1b[1m" + cell + "\x1b[0m";
      line += cell + padding;
    }
    out += line + "\n";
  }
  out += "\n";
  for (const ClaimEvaluation& c : evaluation.claims) {
    out += fmt::format("{}: {}\n", V(c.claim->id), V(c.verdict.reason));
    for (const std::string& note : c.environment_notes) out += fmt::format("  environment: {}\n", V(note));
    for (const std::string& part : c.verdict.parts) out += fmt::format("  {}\n", V(part));
  }
  // What was run besides the released code, and setup: a verdict is read with them in mind.
  if (!evaluation.deviations.empty())
    out += fmt::format("\n{} deviation(s) from the released code:\n", evaluation.deviations.size());
  for (const std::string& deviation : evaluation.deviations) out += "  " + V(deviation) + "\n";
  if (std::string setup = evaluation.SetupLine(); !setup.empty()) out += "\nsetup: " + V(setup) + "\n";
  out += "\n" + V(evaluation.SummaryLine()) + "\n";
  return out;
}

}  // namespace repro
