// repro compare: every claim judged from what is stored; runs nothing. Also the table `run`
// ends with.
#include <CLI/CLI.hpp>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/report/render.h"

namespace repro::cli {
namespace {

// The table's last line: "2 of 3 claims reproduced".
std::string LastLine(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1) + "\n";
}

}  // namespace

ExitCode JudgeAndPrint(const Console& console, const Loaded& loaded, Store& store, bool json, bool save, bool quiet) {
  Result<Evaluation> evaluation = EvaluateLoaded(loaded, store);
  if (!evaluation) return CliError::Harness(evaluation.error());
  if (Status saved = save ? store.SaveVerdicts(loaded.manifest.sha256, ToVerdictRecords(*evaluation)) : Status::Ok();
      !saved) {
    return CliError::Harness(saved.error());
  }
  if (SayIfCodeChanged(console, loaded, *evaluation, store, kDefaultMaxRuns)) PointPendingAtOtherCode(*evaluation);
  std::string text = json ? RenderJson(*evaluation) : RenderTerminal(*evaluation, console.out_in_color);
  console.out << (quiet && !json ? LastLine(std::move(text)) : text);
  return evaluation->AllSucceeded() ? kExitAllReproduced : kExitNotReproduced;
}

ExitCode Compare(const Console& console, const std::string& manifest_path, const CommonOptions& common, bool json,
                 bool quiet) {
  CliResult<Loaded> loaded = LoadAndPlan(console, manifest_path, &common);
  if (!loaded) return loaded.error();
  CliResult<std::unique_ptr<Store>> store = OpenStore(common, StoreAccess::kReadOnly);
  if (!store) return store.error();
  return JudgeAndPrint(console, *loaded, **store, json, /*save=*/false, quiet);
}

void AddCompareCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::string manifest;
    CommonOptions common;
    bool json = false;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* compare = app.add_subcommand("compare", "Judge every claim from what is stored; runs nothing");
  compare->add_option("manifest", options->manifest, "Manifest file")->required();
  compare->add_flag("--json", options->json, "Print the verdicts as JSON (the report's JSON format)");
  AddQuiet(*compare, options->quiet, "the last line (how many claims reproduced)");
  AddCommonOptions(*compare, options->common);
  AddSelection(*compare, options->common);
  compare->callback([&invocation, options] {
    invocation.end = Compare(Quieted(invocation.console, options->quiet), options->manifest, options->common,
                             options->json, options->quiet);
  });
}

}  // namespace repro::cli
