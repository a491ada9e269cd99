// The one way repro runs git: argv (never a shell), no prompt, output captured, and a
// failure that carries git's own last words.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/util/result.h"

namespace repro {

// Runs "git ARGS" in "cwd", its output captured in "log_dir" (stdout into "out" when given).
// The error names the subcommand, how git ended and the tail of its stderr.
Status RunGit(const std::vector<std::string>& args, const std::filesystem::path& cwd,
              const std::filesystem::path& log_dir, std::string* out = nullptr);

// The same with the logs in a private temporary folder, removed afterwards: for the
// read-only questions asked of a user's folder (what git tracks, what it ignores).
Status RunGitQuietly(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                     std::string* out = nullptr);

}  // namespace repro
