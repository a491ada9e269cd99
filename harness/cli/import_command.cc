// repro import latex|model-card: a manifest draft from a paper's LaTeX tables or a model card's scores.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/cli/flags.h"
#include "harness/importers/draft.h"
#include "harness/importers/latex.h"
#include "harness/importers/model_card.h"
#include "harness/util/atomic_file.h"
#include "harness/util/text.h"

namespace repro::cli {
namespace {

std::string TableList(const LatexPaper& paper) {
  std::vector<std::string> names;
  for (const LatexTable& table : paper.tables) {
    names.push_back(table.label.empty() ? std::to_string(table.number)
                                        : fmt::format("{} ({})", table.number, table.label));
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
    if (it == paper.tables.end())
      return Error{fmt::format("no table '{}' in the source (tables: {})", name, TableList(paper))};
    chosen.push_back(&*it);
  }
  return chosen;
}

// The draft on standard output, or written to "output" whole (never half a file).
ExitCode WriteDraft(const Console& console, const std::string& draft,
                    const std::optional<std::filesystem::path>& output) {
  if (!output) {
    console.out << draft;
    return kExitAllReproduced;
  }
  if (Status written = WriteFileAtomically(*output, draft); !written) return CliError::Harness(written.error());
  console.notes() << fmt::format("repro: wrote {}; fill in what is marked TODO, then: repro validate {}\n",
                                 output->string(), output->string());
  return kExitAllReproduced;
}

}  // namespace

ExitCode ImportLatex(const Console& console, const std::filesystem::path& source, const std::filesystem::path& within,
                     const std::vector<std::string>& tables, const std::optional<std::filesystem::path>& output) {
  Result<LatexPaper> paper = ReadLatexPaper(source, within);
  if (!paper) return CliError::BadInput(paper.error());
  for (const std::string& problem : paper->problems)
    console.notes() << "repro: import: " << VisibleText(problem) << "\n";
  Result<std::vector<const LatexTable*>> chosen = ChooseTables(*paper, tables);
  if (!chosen) return CliError::BadInput(chosen.error());
  if (paper->tables.empty()) {
    return CliError::BadInput(fmt::format("{} has no table (table, table* or a captioned longtable)", source.string()));
  }
  return WriteDraft(console, DraftManifest(*paper, *chosen, source.string()), output);
}

ExitCode ImportModelCard(const Console& console, const std::filesystem::path& card_path,
                         const std::optional<std::filesystem::path>& output) {
  Result<ModelCard> card = ReadModelCard(card_path);
  if (!card) return CliError::BadInput(card.error());
  for (const std::string& problem : card->problems) {
    console.notes() << "repro: import: " << VisibleText(card_path.string() + ": " + problem) << "\n";
  }
  return WriteDraft(console, DraftManifest(*card, card_path.string()), output);
}

void AddImportCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::filesystem::path source, within;
    std::vector<std::string> tables;
    std::optional<std::filesystem::path> output;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* import = app.add_subcommand("import", "Draft a manifest's claims from where a paper publishes them");
  import->require_subcommand(1);
  CLI::App* latex = import->add_subcommand(
      "latex", "Claims and tables from a paper's LaTeX source (a .tex file, its folder, or an arXiv .tar.gz)");
  latex
      ->add_option("source", options->source,
                   "The main .tex file, the folder of the paper's source, or its archive (.tar.gz, .tar, .gz)")
      ->required();
  latex->add_option("--within", options->within, "The folder \\input may reach (default: the main file's folder)");
  latex->add_option("--table", options->tables,
                    "A table to import, by number (2) or label (tab:main); repeatable (default: all)");
  latex->add_option("-o,--output", options->output, "The draft manifest to write (default: standard output)");
  AddQuiet(*latex, options->quiet, "the draft");
  latex->callback([&invocation, options] {
    const Options& o = *options;
    invocation.end = ImportLatex(Quieted(invocation.console, o.quiet), o.source, o.within, o.tables, o.output);
  });
  CLI::App* card = import->add_subcommand(
      "model-card", "Claims from the model-index of a Hugging Face model card (its README.md's front matter)");
  card->add_option("card", options->source, "The model card: a README.md with YAML front matter")->required();
  card->add_option("-o,--output", options->output, "The draft manifest to write (default: standard output)");
  AddQuiet(*card, options->quiet, "the draft");
  card->callback([&invocation, options] {
    invocation.end = ImportModelCard(Quieted(invocation.console, options->quiet), options->source, options->output);
  });
}

}  // namespace repro::cli
