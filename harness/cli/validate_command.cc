// repro validate: every problem of each manifest with its position, and what it plans.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"

namespace repro::cli {
namespace {

std::string Plural(size_t count, const char* noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

}  // namespace

ExitCode Validate(const Console& console, const std::vector<std::string>& manifests, int64_t max_runs) {
  int worst = kExitAllReproduced;  // every manifest is checked; the worst ends the command
  for (const std::string& path : manifests) {
    CliResult<Loaded> loaded = LoadAndPlan(console, path, nullptr, false, max_runs);
    if (!loaded) {
      console.err << loaded.error().text;
      worst = std::max(worst, loaded.error().code);
      continue;
    }
    const Manifest& manifest = loaded->manifest;
    if (!console.quiet) {
      console.out << fmt::format("{}: ok ({}, {}, {})\n", path, Plural(manifest.experiments.size(), "experiment"),
                                 Plural(loaded->runs.size(), "run"), Plural(manifest.claims.size(), "claim"));
    }
    PrintWarnings(console, path, manifest);
    if (!manifest.source.ref.empty()) {
      console.notes() << fmt::format(
          "{}: warning: source commit '{}' is a branch, tag or short hash; repro run resolves it and the "
          "code can move between runs: pin the full 40-hex hash\n",
          path, manifest.source.ref);
    }
  }
  if (worst != kExitAllReproduced) return CliError::AlreadySaid(worst);
  return kExitAllReproduced;
}

void AddValidateCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::vector<std::string> manifests;
    int64_t max_runs = kDefaultMaxRuns;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* validate = app.add_subcommand("validate", "Check manifests and report every problem with its position");
  validate->add_option("manifest", options->manifests, "Manifest files")->required();
  AddQuiet(*validate, options->quiet, "");
  AddMaxRuns(*validate, options->max_runs);
  validate->callback([&invocation, options] {
    invocation.end = Validate(Quieted(invocation.console, options->quiet), options->manifests, options->max_runs);
  });
}

}  // namespace repro::cli
