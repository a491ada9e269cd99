// Internal to the CLI: flags several commands take, registered the same way everywhere.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "harness/cli/commands.h"

namespace repro::cli {

// A whole number >= "min" (or, with "fraction", any number >= min), with a message that names
// what was given: CLI11's own range check prints the limits of a double, 300 digits long.
CLI::Validator AtLeast(double min, bool fraction = false);

// -q/--quiet, meaning the same on every command that takes it: only errors and the command's
// essential "result" (empty: only errors), no progress, notes or warnings. The callback hands
// the command Quieted(console, quiet).
void AddQuiet(CLI::App& command, bool& quiet, std::string_view result);
Console Quieted(const Console& console, bool quiet);

// For the commands that plan: the grid is a product, so its size is checked before anything
// is expanded.
void AddMaxRuns(CLI::App& command, int64_t& max_runs);

// --max-runs, --results, --db, --cache and --source.
void AddCommonOptions(CLI::App& command, CommonOptions& common);

// The part of the manifest a command works on (manifest/selection.h).
void AddSelection(CLI::App& command, CommonOptions& common);

// A command that takes a manifest and the common options (and, "with_selection", the part of
// the manifest; with a "quiet_result", -q): plan, fetch, status, cancel.
using ManifestCommand = ExitCode (*)(const Console& console, const std::string& manifest, const CommonOptions& common);
void AddManifestCommand(CLI::App& app, Invocation& invocation, const std::string& name, const std::string& description,
                        ManifestCommand command, bool with_selection = false,
                        std::optional<std::string_view> quiet_result = std::nullopt);

}  // namespace repro::cli
