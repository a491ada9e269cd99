// The one way repro runs a helper command (git, curl, sbatch, ssh-keygen, bwrap, a probe)
// and captures what it printed, as ccache's exec_to_string: argv (never a shell), the
// supervisor's guarantees (own process group, a timeout that ends the tree), and the output
// returned with how the command ended, so each caller only words its own errors.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/exec/process.h"
#include "harness/util/result.h"

namespace repro {

struct Command {
  std::vector<std::string> argv;     // argv[0] is looked up on "env"'s PATH
  std::filesystem::path cwd;         // empty: the temporary folder the output goes to
  std::vector<std::string> env;      // "NAME=value": the whole environment
  double timeout_seconds = 0;        // 0: no limit
  std::filesystem::path stdin_path;  // empty: /dev/null

  // Where stdout and stderr are written ("<log_name>.stdout.log", "<log_name>.stderr.log")
  // while the command runs. Empty: a private temporary folder, removed when it ends.
  std::filesystem::path log_dir;
  std::string log_name = "command";
  enum class KeepLogs { kAlways, kOnFailure };  // in "log_dir", to be read later
  KeepLogs keep_logs = KeepLogs::kAlways;
};

// How a helper command ended and what it printed.
struct CommandResult {
  ProcessResult process;
  std::string out, err;  // stdout and stderr, whole

  // Exited with code 0.
  bool succeeded() const;
  // Could not be started (not installed, no such folder): process.message says why.
  bool not_started() const { return process.end == ProcessEnd::kStartFailed; }
  // Why it failed in its own words: the last "max_chars" of stderr without trailing blanks,
  // else the supervisor's message.
  std::string Reason(size_t max_chars = std::string::npos) const;
  // "WHAT failed (exited, exit 3): REASON", the error of a command that had to succeed.
  Error Failure(std::string_view what, size_t max_chars = std::string::npos) const;
};

// Runs "command" to its end. Never fails itself: a command that cannot start, or whose
// temporary folder cannot be made, ends as kStartFailed with the reason.
CommandResult RunCommand(const Command& command);

// The first file called "name" in the folders of "path_variable" (a PATH value) that may be
// executed; nullopt when there is none. Empty entries are skipped.
std::optional<std::filesystem::path> FindOnPath(const std::string& name, const std::string& path_variable);
// This process's own PATH, or "/usr/bin:/bin" when it has none.
std::string OwnPath();

// "text" without the newlines, carriage returns and spaces at its end.
std::string TrimTrailingBlanks(std::string text);

}  // namespace repro
