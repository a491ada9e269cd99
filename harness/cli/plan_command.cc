// repro plan: the runs a manifest expands to, and which of them already completed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/runner/attempt.h"
#include "harness/util/text.h"

namespace repro::cli {
namespace {

// "new", "done" or "retry (<status>)": what the store says of a run.
std::string StateOf(const RunSpec& run, Store* store) {
  if (store == nullptr) return "new";
  Result<std::optional<AttemptRecord>> latest = store->LatestAttempt(run.key);
  if (!latest || !*latest) return "new";
  return (*latest)->status == AttemptStatus::kCompleted ? "done" : fmt::format("retry ({})", Name((*latest)->status));
}

}  // namespace

ExitCode PrintPlan(const Console& console, const Loaded& l, const CommonOptions& common, bool commands, bool force) {
  std::unique_ptr<Store> store;
  if (std::filesystem::exists(common.DbPath())) {  // no database yet: every run is new
    CliResult<std::unique_ptr<Store>> opened = OpenStore(common, StoreAccess::kReadOnly);
    if (!opened) return opened.error();
    store = std::move(*opened);
  }
  int to_run = 0;
  for (const RunSpec& run : l.runs) {
    std::string state = StateOf(run, store.get());
    bool runs = force || state != "done";
    to_run += runs ? 1 : 0;
    if (console.quiet) continue;  // the last line only
    // The label as reports show it: an experiment's own commit is named on each of its runs.
    console.out << fmt::format("{:<12} {}  {}\n", VisibleText(state), run.key.substr(0, 12),
                               VisibleText(run.label + OwnCodeSuffix(*run.experiment)));
    Result<std::vector<std::string>> argv = ExpandCommand(run, "<attempt>/out");
    if (commands && runs && argv) console.out << "             " << VisibleText(ShellCommandLine(*argv)) << "\n";
  }
  console.out << fmt::format("{}{} runs planned, {} to run; code: {}\n", console.quiet ? "" : "\n", l.runs.size(),
                             to_run, DescribeSource(l.manifest, l.source_identity));
  if (commands && to_run > 0 && !l.manifest.setup.empty() && !console.quiet) {
    console.out << fmt::format("setup: {} step(s) run first, unless this code's setup completed\n",
                               l.manifest.setup.size());
  }
  return kExitAllReproduced;
}

ExitCode Plan(const Console& console, const std::string& manifest_path, const CommonOptions& common) {
  CliResult<Loaded> loaded = LoadAndPlan(console, manifest_path, &common);
  if (!loaded) return loaded.error();
  return PrintPlan(console, *loaded, common, /*commands=*/false, /*force=*/false);
}

void AddPlanCommand(CLI::App& app, Invocation& invocation) {
  AddManifestCommand(app, invocation, "plan", "List the runs a manifest expands to and which already completed", Plan,
                     /*with_selection=*/true, "the last line (how many runs are planned, how many to run)");
}

}  // namespace repro::cli
