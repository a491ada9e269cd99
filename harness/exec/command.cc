#include "harness/exec/command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "harness/util/private_folder.h"
#include "harness/util/read_file.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

ProcessSpec SpecOf(const Command& command, const fs::path& log_dir) {
  ProcessSpec spec;
  spec.argv = command.argv;
  spec.cwd = command.cwd.empty() ? log_dir : command.cwd;
  spec.env = command.env;
  spec.timeout_seconds = command.timeout_seconds;
  spec.stdin_path = command.stdin_path;
  spec.stdout_path = log_dir / (command.log_name + ".stdout.log");
  spec.stderr_path = log_dir / (command.log_name + ".stderr.log");
  return spec;
}

CommandResult NotStarted(std::string message) {
  CommandResult result;
  result.process.end = ProcessEnd::kStartFailed;
  result.process.message = std::move(message);
  return result;
}

}  // namespace

bool CommandResult::succeeded() const { return process.end == ProcessEnd::kExited && process.exit_code == 0; }

std::string CommandResult::Reason(size_t max_chars) const {
  std::string tail = max_chars < err.size() ? err.substr(err.size() - max_chars) : err;
  tail = TrimTrailingBlanks(std::move(tail));
  return tail.empty() ? process.message : tail;
}

Error CommandResult::Failure(std::string_view what, size_t max_chars) const {
  return Error{fmt::format("{} failed ({}{}): {}", what, ProcessEndName(process.end),
                           process.exit_code ? fmt::format(", exit {}", *process.exit_code) : "", Reason(max_chars))};
}

CommandResult RunCommand(const Command& command) {
  std::optional<PrivateFolder> temporary;
  if (command.log_dir.empty()) {
    temporary.emplace("repro-" + command.log_name);
    if (temporary->path().empty()) {
      return NotStarted(fmt::format("cannot create a folder in {}", fs::temp_directory_path().string()));
    }
  }
  const fs::path& log_dir = temporary ? temporary->path() : command.log_dir;
  ProcessSpec spec = SpecOf(command, log_dir);
  CommandResult result;
  result.process = RunProcess(spec);
  result.out = ReadFile(spec.stdout_path).value_or("");
  result.err = ReadFile(spec.stderr_path).value_or("");
  if (!temporary && command.keep_logs == Command::KeepLogs::kOnFailure && result.succeeded()) {
    std::error_code ignored;
    fs::remove(spec.stdout_path, ignored);
    fs::remove(spec.stderr_path, ignored);
  }
  return result;
}

std::optional<fs::path> FindOnPath(const std::string& name, const std::string& path_variable) {
  size_t start = 0;
  while (start <= path_variable.size()) {
    size_t end = path_variable.find(':', start);
    std::string dir = path_variable.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::error_code ec;
    fs::path candidate = fs::path(dir) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate, ec)) return candidate;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

std::string OwnPath() {
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : "/usr/bin:/bin";
}

std::string TrimTrailingBlanks(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace repro
