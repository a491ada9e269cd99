// repro import latex: a manifest draft from a paper's LaTeX tables.
#include <iostream>

#include <fmt/format.h>

#include "harness/cli/commands.h"
#include "harness/cli/loading.h"
#include "harness/importers/draft.h"
#include "harness/importers/latex.h"
#include "harness/util/atomic_file.h"
#include "harness/util/text.h"

namespace repro::cli {
namespace {

std::string TableList(const LatexPaper& paper) {
  std::vector<std::string> names;
  for (const LatexTable& table : paper.tables) {
    names.push_back(table.label.empty() ? std::to_string(table.number) : fmt::format("{} ({})", table.number, table.label));
  }
  return names.empty() ? "none" : Join(names, ", ");
}

// The tables "wanted" names, by number or label; an unknown one is an error listing them.
Result<std::vector<const LatexTable*>> ChooseTables(const LatexPaper& paper, const std::vector<std::string>& wanted) {
  std::vector<const LatexTable*> chosen;
  for (const std::string& name : wanted) {
    auto it = std::find_if(paper.tables.begin(), paper.tables.end(), [&](const LatexTable& table) {
      return name == std::to_string(table.number) || (!table.label.empty() && name == table.label);
    });
    if (it == paper.tables.end()) return Error{fmt::format("no table '{}' in the source (tables: {})", name, TableList(paper))};
    chosen.push_back(&*it);
  }
  return chosen;
}

}  // namespace

int ImportLatex(const std::filesystem::path& source, const std::filesystem::path& within, const std::vector<std::string>& tables,
                const std::optional<std::filesystem::path>& output) {
  Result<LatexPaper> paper = ReadLatexPaper(source, within);
  if (!paper) {
    PrintError(paper.error());
    return kExitBadInput;
  }
  for (const std::string& problem : paper->problems) std::cerr << "repro: import: " << VisibleText(problem) << "\n";
  Result<std::vector<const LatexTable*>> chosen = ChooseTables(*paper, tables);
  if (!chosen) {
    PrintError(chosen.error());
    return kExitBadInput;
  }
  if (paper->tables.empty()) {
    PrintError(fmt::format("{} has no table (table, table* or a captioned longtable)", source.string()));
    return kExitBadInput;
  }
  std::string draft = DraftManifest(*paper, *chosen, source.string());
  if (!output) {
    std::cout << draft;
    return kExitAllReproduced;
  }
  if (Status written = WriteFileAtomically(*output, draft); !written) {
    PrintError(written.error());
    return kExitHarnessError;
  }
  std::cerr << fmt::format("repro: wrote {}; fill in what is marked TODO, then: repro validate {}\n", output->string(), output->string());
  return kExitAllReproduced;
}

}  // namespace repro::cli
