#include "harness/cli/app.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "harness/cli/commands.h"
#include "harness/fingerprint/fingerprint.h"
#include "harness/util/text.h"

namespace repro::cli {
namespace {

// "repro frobnicate" names the word and the commands, rather than "A subcommand is required".
bool ReportUnknownCommand(const Console& console, CLI::App& app, int argc, const char* const* argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(command->get_name());
  if (std::find(names.begin(), names.end(), argv[1]) != names.end()) return false;
  console.err << fmt::format(
      "repro: unknown command '{}'{}; the commands are: {}\n(repro --help says what each does)\n", VisibleText(argv[1]),
      DidYouMean(argv[1], names), fmt::join(names, ", "));
  return true;
}

// In the order `repro --help` lists them.
void AddCommands(CLI::App& app, Invocation& invocation) {
  AddValidateCommand(app, invocation);
  AddPlanCommand(app, invocation);
  AddRunCommand(app, invocation);
  AddDiffCommand(app, invocation);
  AddBundleCommands(app, invocation);  // bundle, verify
  AddFingerprintCommand(app, invocation);
  AddFetchCommand(app, invocation);
  AddCompareCommand(app, invocation);
  AddReportCommand(app, invocation);
  AddImportCommand(app, invocation);
  AddShowCommands(app, invocation);   // show, logs
  AddSlurmCommands(app, invocation);  // attempt, status, cancel
}

}  // namespace

int RunCommandLine(int argc, const char* const* argv, const Console& console) {
  CLI::App app{
      "repro: checks published AI results against the code that produced them.\n"
      "Exit codes: 0 all claims reproduced, 1 some not, 2 bad input, 3 repro failed, 130 interrupted."};
  // Where its probes and Slurm profiles are, so an installed copy can be checked at a glance.
  app.set_version_flag("--version", fmt::format("repro {} (data: {})", REPRO_VERSION, ConfigDir().string()));
  app.require_subcommand(1);
  Invocation invocation{console};
  AddCommands(app, invocation);
  if (ReportUnknownCommand(console, app, argc, argv)) return kExitBadInput;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, console.out, console.err);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (invocation.end) return *invocation.end;
  console.err << invocation.end.error().text;
  return invocation.end.error().code;
}

}  // namespace repro::cli
