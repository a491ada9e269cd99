#include "harness/cli/flags.h"

#include <fmt/format.h>

#include <memory>
#include <optional>

#include "harness/util/text.h"

namespace repro::cli {

CLI::Validator AtLeast(double min, bool fraction) {
  std::string what = fraction ? fmt::format("a number >= {}", min) : fmt::format("a whole number >= {}", min);
  return CLI::Validator(
      [min, fraction, what](std::string& text) -> std::string {
        std::optional<double> value = ParseDecimal(text);
        bool whole = value && WholeNumber(*value).has_value();
        if (!value || *value < min || (!fraction && (!whole || text.find_first_of(".eE") != std::string::npos))) {
          return fmt::format("must be {}, got '{}'", what, text);
        }
        return "";
      },
      fraction ? "NUMBER" : "N");
}

void AddQuiet(CLI::App& command, bool& quiet, std::string_view result) {
  command.add_flag(
      "-q,--quiet", quiet,
      fmt::format("Print only errors{}{}; no progress, notes or warnings", result.empty() ? "" : " and ", result));
}

Console Quieted(const Console& console, bool quiet) {
  Console quieted = console;
  quieted.quiet = console.quiet || quiet;
  return quieted;
}

void AddMaxRuns(CLI::App& command, int64_t& max_runs) {
  command
      .add_option("--max-runs", max_runs,
                  "Refuse a manifest that plans more runs than this (a grid is a product: it is counted before "
                  "anything is expanded)")
      ->capture_default_str()
      ->check(AtLeast(1));
}

void AddCommonOptions(CLI::App& command, CommonOptions& common) {
  AddMaxRuns(command, common.max_runs);
  command.add_option("--results", common.results_dir, "Folder for attempt logs and the database")
      ->capture_default_str();
  command.add_option("--db", common.db, "SQLite database (default: <results>/repro.db)");
  command.add_option("--cache", common.cache, "Cache for cloned sources (default: $REPRO_CACHE or ~/.cache/repro)");
  command
      .add_option("--source", common.source,
                  "Use this existing checkout instead of the manifest's source; another HEAD or uncommitted changes "
                  "are warned about and reported")
      ->check(CLI::ExistingDirectory);
}

void AddSelection(CLI::App& command, CommonOptions& common) {
  command.add_option("--experiment", common.experiments, "Only this experiment's runs and claims (repeatable)");
  command.add_option("--claim", common.claims, "Only this claim and the runs it reads (repeatable)");
  command.add_option("--where", common.where, "Only runs at this grid point, NAME=VALUE (repeatable)");
}

void AddManifestCommand(CLI::App& app, Invocation& invocation, const std::string& name, const std::string& description,
                        ManifestCommand command, bool with_selection, std::optional<std::string_view> quiet_result) {
  struct Options {
    std::string manifest;
    CommonOptions common;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* subcommand = app.add_subcommand(name, description);
  subcommand->add_option("manifest", options->manifest, "Manifest file")->required();
  if (quiet_result) AddQuiet(*subcommand, options->quiet, *quiet_result);
  AddCommonOptions(*subcommand, options->common);
  if (with_selection) AddSelection(*subcommand, options->common);
  subcommand->callback([&invocation, options, command] {
    invocation.end = command(Quieted(invocation.console, options->quiet), options->manifest, options->common);
  });
}

}  // namespace repro::cli
