// Timing a command the way the bench's figures need: wall time from just before the fork to
// the reaping, and wait4's resource usage of the command with its children.
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "harness/util/time.h"
#include "tests/bench/bench.h"

namespace repro_bench {

void ReleaseFreeMemory() { ::malloc_trim(0); }

Timed RunTimed(const std::vector<std::string>& args, const fs::path& cwd) {
  ReleaseFreeMemory();
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (std::string& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::string dir = cwd.string();
  Timed timed;
  double start = repro::MonotonicSeconds();
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (!dir.empty() && ::chdir(dir.c_str()) != 0) ::_exit(126);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (pid < 0 || ::wait4(pid, &status, 0, &timed.usage) != pid) return timed;
  timed.seconds = repro::MonotonicSeconds() - start;
  if (WIFEXITED(status)) timed.exit_code = WEXITSTATUS(status);
  return timed;
}

bool OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0) return true;
  return false;
}

}  // namespace repro_bench
