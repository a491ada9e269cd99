// Internal to the CLI: flags several commands take, registered the same way everywhere.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "harness/cli/commands.h"

namespace repro::cli {

// A whole number >= "min" (or, with "fraction", any number >= min), with a message that names
// what was given: CLI11's own range check prints the limits of a double, 300 digits long.
CLI::Validator AtLeast(double min, bool fraction = false);

// For the commands that plan: the grid is a product, so its size is checked before anything
// is expanded.
void AddMaxRuns(CLI::App& command, int64_t& max_runs);

// --max-runs, --results, --db, --cache and --source.
void AddCommonOptions(CLI::App& command, CommonOptions& common);

// The part of the manifest a command works on (manifest/selection.h).
void AddSelection(CLI::App& command, CommonOptions& common);

// A command that takes a manifest and the common options (and, "with_selection", the part of
// the manifest): plan, fetch, status, cancel.
using ManifestCommand = ExitCode (*)(const Console& console, const std::string& manifest, const CommonOptions& common);
void AddManifestCommand(CLI::App& app, Invocation& invocation, const std::string& name, const std::string& description,
                        ManifestCommand command, bool with_selection = false);

}  // namespace repro::cli
