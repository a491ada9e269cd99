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

// The commands "command" takes, as --help lists them: one a line with what it does.
std::string CommandList(CLI::App& command) {
  std::string list;
  for (const CLI::App* sub : command.get_subcommands([](CLI::App*) { return true; }))
    list += fmt::format("  {:<12} {}\n", sub->get_name(), sub->get_description());
  return list;
}

// The command the parse reached ("repro", "repro compare", "repro import latex").
CLI::App& ParsedCommand(CLI::App& app, std::string& name) {
  CLI::App* command = &app;
  name = "repro";
  while (!command->get_subcommands().empty()) {
    command = command->get_subcommands().front();
    name += " " + command->get_name();
  }
  return *command;
}

// The flags "command" takes: "-q" and "--quiet".
std::vector<std::string> FlagsOf(const CLI::App& command) {
  std::vector<std::string> flags;
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_positional()) continue;
    for (const std::string& name : option->get_snames()) flags.push_back("-" + name);
    for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
  }
  return flags;
}

// For a flag "command" does not take: the closest one it does take ("--resuts": --results),
// else the commands that take it ("-j": repro run). A one-letter flag is close to every other
// one, so only long flags get a did-you-mean.
std::string HintFor(const std::string& flag, CLI::App& app, const CLI::App& command) {
  if (flag.rfind("--", 0) == 0) {
    std::vector<std::string> longs;
    for (const std::string& known : FlagsOf(command)) {
      if (known.rfind("--", 0) == 0) longs.push_back(known);
    }
    if (std::string hint = DidYouMean(flag, longs); !hint.empty()) return hint;
  }
  std::vector<std::string> takers;
  for (const CLI::App* other : app.get_subcommands([](CLI::App*) { return true; })) {
    std::vector<std::string> flags = FlagsOf(*other);
    if (std::find(flags.begin(), flags.end(), flag) != flags.end()) takers.push_back("repro " + other->get_name());
  }
  if (takers.empty() || takers.size() > 3) return "";
  return fmt::format(" (taken by {})", fmt::join(takers, ", "));
}

// What the parse left over, "command" being the one it reached: the flags it does not take,
// each with a hint, else the words it has no place for. Empty when nothing was left.
std::string Unexpected(CLI::App& app, const CLI::App& command) {
  std::vector<std::string> flags, words;
  for (const std::string& word : app.remaining(/*recurse=*/true)) {
    if (word.size() > 1 && word[0] == '-') {
      std::string flag = word.substr(0, word.find('='));
      flags.push_back(fmt::format("'{}'{}", VisibleText(flag), HintFor(flag, app, command)));
    } else {
      words.push_back(fmt::format("'{}'", VisibleText(word)));
    }
  }
  if (!flags.empty()) return fmt::format("unknown option{} {}", flags.size() == 1 ? "" : "s", fmt::join(flags, ", "));
  if (!words.empty())
    return fmt::format("unexpected argument{} {}", words.size() == 1 ? "" : "s", fmt::join(words, ", "));
  return "";
}

// A command that needs a command after it ("repro", "repro import") got none: the commands
// it takes, like --help lists them, and any flag it does not know.
void ReportMissingCommand(const Console& console, CLI::App& app, CLI::App& command, const std::string& name) {
  std::string unexpected = Unexpected(app, command);
  console.err << fmt::format(
      "{}: {}a command is required: {} COMMAND [options]. The commands:\n{}({} COMMAND --help "
      "says what each takes)\n",
      name, unexpected.empty() ? "" : unexpected + "; ", name, CommandList(command), name);
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
    std::string name;
    CLI::App& command = ParsedCommand(app, name);
    bool needs_command = !command.get_subcommands([](CLI::App*) { return true; }).empty();
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && needs_command) {
      ReportMissingCommand(console, app, command, name);
      return kExitBadInput;
    }
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      if (std::string unexpected = Unexpected(app, command); !unexpected.empty()) {
        console.err << fmt::format("{}: {}; {} --help lists what it takes\n", name, unexpected, name);
        return kExitBadInput;
      }
    }
    int code = app.exit(e, console.out, console.err);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (invocation.end) return *invocation.end;
  console.err << invocation.end.error().text;
  return invocation.end.error().code;
}

}  // namespace repro::cli
