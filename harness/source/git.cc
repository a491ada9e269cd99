#include "harness/source/git.h"

#include <cstdlib>

#include <fmt/format.h>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/util/atomic_file.h"

namespace repro {
namespace {

std::string Tail(const std::string& text, size_t max_chars) {
  std::string tail = text.size() > max_chars ? text.substr(text.size() - max_chars) : text;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail;
}

}  // namespace

Status RunGit(const std::vector<std::string>& args, const std::filesystem::path& cwd, const std::filesystem::path& log_dir,
              std::string* out) {
  ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.env = BuildToolEnvironment({{"GIT_TERMINAL_PROMPT", "0"}});  // the user's git config, proxies and CAs apply
  spec.stdout_path = log_dir / "git.stdout.log";
  spec.stderr_path = log_dir / "git.stderr.log";
  spec.timeout_seconds = 3600;
  ProcessResult result = RunProcess(spec);
  if (out != nullptr) *out = ReadFile(spec.stdout_path).value_or("");
  if (result.end == ProcessEnd::kExited && result.exit_code == 0) return Status::Ok();
  std::string stderr_text = Tail(ReadFile(spec.stderr_path).value_or(""), 600);
  return Error{fmt::format("git {} failed ({}{}): {}", args.front(), ProcessEndName(result.end),
                           result.exit_code ? fmt::format(", exit {}", *result.exit_code) : "",
                           stderr_text.empty() ? result.message : stderr_text)};
}

Status RunGitQuietly(const std::vector<std::string>& args, const std::filesystem::path& cwd, std::string* out) {
  std::string pattern = (std::filesystem::temp_directory_path() / "repro-git-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return Error{fmt::format("cannot create a temporary folder in {}", pattern)};
  Status status = RunGit(args, cwd, pattern, out);
  std::error_code ignored;
  std::filesystem::remove_all(pattern, ignored);
  return status;
}

}  // namespace repro
