#include "harness/exec/sandbox.h"

#include <unistd.h>

#include <fmt/format.h>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/util/atomic_file.h"

namespace repro {

std::vector<std::string> SandboxCommand(const std::vector<std::string>& argv, const std::filesystem::path& work,
                                        const std::filesystem::path& writable) {
  std::vector<std::string> command = {
      "bwrap",
      "--ro-bind", "/", "/",           // the system and the source: readable, never written
      "--dev", "/dev", "--proc", "/proc",  // a /proc of its own PID namespace
      "--tmpfs", "/tmp",
      "--bind", writable.string(), writable.string(),
      "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
      "--die-with-parent",             // the namespace ends with the attempt's supervisor
      "--new-session",                 // no TIOCSTI into the terminal
      "--chdir", work.string(),
      "--"};
  command.insert(command.end(), argv.begin(), argv.end());
  return command;
}

Status CheckSandbox() {
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  ProcessSpec spec;
  spec.argv = SandboxCommand({"true"}, dir, dir);
  spec.cwd = dir;
  spec.env = BuildChildEnvironment({}, {});
  spec.stdout_path = "/dev/null";
  spec.stderr_path = dir / fmt::format("repro-sandbox-check-{}.log", ::getpid());
  spec.timeout_seconds = 30;
  ProcessResult result = RunProcess(spec);
  std::string said = ReadFile(spec.stderr_path).value_or("");
  std::error_code ignored;
  std::filesystem::remove(spec.stderr_path, ignored);
  while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
  if (result.end == ProcessEnd::kExited && result.exit_code == 0) return Status::Ok();
  if (result.end == ProcessEnd::kStartFailed) {
    return Error{"isolation: sandbox needs bubblewrap (the bwrap command), which is not installed: install the "
                 "package bubblewrap (apt-get install bubblewrap), or run with --isolation none"};
  }
  return Error{fmt::format("isolation: sandbox is not available here: bwrap cannot create its namespaces ({}). "
                           "It needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 and "
                           "user.max_user_namespaces > 0) or root; or run with --isolation none",
                           said.empty() ? result.message : said)};
}

}  // namespace repro
