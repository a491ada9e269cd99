#include "harness/source/git.h"

#include "harness/exec/command.h"
#include "harness/exec/environment.h"

namespace repro {
namespace {

// How much of git's stderr an error quotes: its last words, not a whole clone's progress.
constexpr size_t kReasonChars = 600;

}  // namespace

Status RunGit(const std::vector<std::string>& args, const std::filesystem::path& cwd,
              const std::filesystem::path& log_dir, std::string* out) {
  Command command;
  command.argv = {"git"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.cwd = cwd;
  command.env = BuildToolEnvironment({{"GIT_TERMINAL_PROMPT", "0"}});  // the user's git config, proxies and CAs apply
  command.timeout_seconds = 3600;
  command.log_dir = log_dir;
  command.log_name = "git";
  CommandResult result = RunCommand(command);
  if (out != nullptr) *out = std::move(result.out);
  if (result.succeeded()) return Status::Ok();
  return result.Failure("git " + args.front(), kReasonChars);
}

Status RunGitQuietly(const std::vector<std::string>& args, const std::filesystem::path& cwd, std::string* out) {
  return RunGit(args, cwd, /*log_dir=*/{}, out);  // an empty log_dir: a private temporary folder
}

}  // namespace repro
