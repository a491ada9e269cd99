#include "harness/exec/sandbox.h"

#include <fmt/format.h>

#include "harness/exec/command.h"
#include "harness/exec/environment.h"

namespace repro {

std::vector<std::string> SandboxCommand(const std::vector<std::string>& argv, const std::filesystem::path& work,
                                        const std::filesystem::path& writable) {
  std::vector<std::string> command = {"bwrap",
                                      "--ro-bind",
                                      "/",
                                      "/",  // the system and the source: readable, never written
                                      "--dev",
                                      "/dev",
                                      "--proc",
                                      "/proc",  // a /proc of its own PID namespace
                                      "--tmpfs",
                                      "/tmp",
                                      "--bind",
                                      writable.string(),
                                      writable.string(),
                                      "--unshare-pid",
                                      "--unshare-net",
                                      "--unshare-ipc",
                                      "--unshare-uts",
                                      "--die-with-parent",  // the namespace ends with the attempt's supervisor
                                      "--new-session",      // no TIOCSTI into the terminal
                                      "--chdir",
                                      work.string(),
                                      "--"};
  command.insert(command.end(), argv.begin(), argv.end());
  return command;
}

Status CheckSandbox() {
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  Command command;
  command.argv = SandboxCommand({"true"}, dir, dir);
  command.cwd = dir;
  command.env = BuildChildEnvironment({}, {});
  command.timeout_seconds = 30;
  CommandResult result = RunCommand(command);
  if (result.succeeded()) return Status::Ok();
  if (result.not_started()) {
    return Error{
        "isolation: sandbox needs bubblewrap (the bwrap command), which is not installed: install the "
        "package bubblewrap (apt-get install bubblewrap), or run with --isolation none"};
  }
  return Error{
      fmt::format("isolation: sandbox is not available here: bwrap cannot create its namespaces ({}). "
                  "It needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 and "
                  "user.max_user_namespaces > 0) or root; or run with --isolation none",
                  result.Reason())};
}

}  // namespace repro
