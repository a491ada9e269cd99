// Helpers for repro's tests: a scoped temporary folder, file writing, running the built
// binary, and the rule for tests that need something the machine may lack.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/util/outcome.h"
#include "harness/util/read_file.h"

extern char** environ;

namespace repro {
// Failed expectations name statuses and flags as repro writes them, not as numbers.
inline void PrintTo(AttemptStatus status, std::ostream* out) { *out << Name(status); }
inline void PrintTo(ValueFlag flag, std::ostream* out) { *out << Name(flag); }
}  // namespace repro

namespace repro::testing {

class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "repro-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void WriteText(const std::filesystem::path& path, const std::string& text, bool executable = false) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
  if (executable) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
  }
}

inline std::string ReadText(const std::filesystem::path& path) { return ReadFile(path).value_or(""); }

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs the repro binary under test with "args" in "cwd".
inline CommandResult RunRepro(const std::vector<std::string>& args, const std::filesystem::path& cwd) {
  ProcessSpec spec;
  spec.argv = {REPRO_BINARY};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  EnvPairs env = {{"NO_COLOR", "1"}};
  if (const char* slurm = std::getenv("SLURM_CONF")) env.emplace_back("SLURM_CONF", slurm);  // the test cluster
  spec.env = BuildChildEnvironment(env, {});
  ScopedTempDir logs;  // removed on return, so a test run leaves nothing in /tmp
  spec.stdout_path = logs.path() / "out";
  spec.stderr_path = logs.path() / "err";
  spec.timeout_seconds = 120;
  ProcessResult result = RunProcess(spec);
  return {result.exit_code.value_or(-1), ReadText(spec.stdout_path), ReadText(spec.stderr_path)};
}

// The "claim: reason" lines repro prints after its table, by claim id.
inline std::map<std::string, std::string> ReasonsByClaim(const std::string& out) {
  std::map<std::string, std::string> reasons;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos || line.find(' ') < colon) continue;
    reasons[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return reasons;
}

// Runs git in "cwd" with a fixed author and returns its trimmed stdout; fails the test when
// git fails. Its output goes through files in "scratch".
inline std::string RunGit(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                          const std::filesystem::path& scratch) {
  ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.env = BuildChildEnvironment({{"GIT_AUTHOR_NAME", "t"},
                                    {"GIT_AUTHOR_EMAIL", "t@example.org"},
                                    {"GIT_COMMITTER_NAME", "t"},
                                    {"GIT_COMMITTER_EMAIL", "t@example.org"}},
                                   {});
  spec.stdout_path = scratch / "git.out";
  spec.stderr_path = scratch / "git.err";
  spec.timeout_seconds = 60;
  ProcessResult result = RunProcess(spec);
  EXPECT_EQ(result.exit_code, 0) << "git " << args.front() << ": " << ReadText(spec.stderr_path);
  std::string out = ReadText(spec.stdout_path);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Whether Debian's Python (/usr/bin/python3, not a pyenv shim on PATH) can import "modules"
// ("nbclient, nbformat"): what tests of released Python code need before REPRO_REQUIRE.
inline bool DebianPythonImports(const std::string& modules) {
  ProcessSpec spec;
  spec.argv = {"/usr/bin/python3", "-c", "import " + modules};
  spec.cwd = "/";
  spec.env = BuildChildEnvironment({}, {});
  spec.stdout_path = "/dev/null";
  spec.stderr_path = "/dev/null";
  spec.timeout_seconds = 60;
  spec.kill_grace_seconds = 1;
  return RunProcess(spec).exit_code == 0;
}

// Starts the repro binary under test in the background, with this process's environment;
// its stdout and stderr go to <cwd>/runner.log.
inline pid_t SpawnRepro(const std::vector<std::string>& args, const std::filesystem::path& cwd) {
  std::vector<std::string> argv = {REPRO_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& arg : argv) raw.push_back(arg.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string log = (cwd / "runner.log").string();
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = -1;
  posix_spawn(&pid, REPRO_BINARY, &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// A test that needs something this machine may lack: in CI (CI=true) it fails and says
// what is missing; elsewhere it is skipped with the same message.
#define REPRO_REQUIRE(condition, what)                                                       \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      const char* ci = std::getenv("CI");                                                    \
      if (ci != nullptr && std::string(ci) == "true") FAIL() << "missing in CI: " << (what); \
      GTEST_SKIP() << "skipped, missing: " << (what) << " (run scripts/install-deps)";       \
    }                                                                                        \
  } while (0)

}  // namespace repro::testing
