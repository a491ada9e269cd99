#include "harness/exec/process_tree.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "harness/util/time.h"

namespace repro {

// A token unique to one attempt's process tree, inherited by every descendant through the
// environment: how a descendant that left the process group (setsid) is still found.
std::string NewTreeToken(int handle) {
  return fmt::format("{}-{}-{}", ::getpid(), handle, static_cast<unsigned long long>(MonotonicSeconds() * 1e9));
}

namespace {

// Pids of live processes with an environment entry "REPRO_TREE=<token>": the whole token
// when "whole", else any token beginning with it.
std::vector<pid_t> ScanForToken(const std::string& token, bool whole) {
  std::vector<pid_t> found;
  std::string needle = std::string(kTreeVariable) + "=" + token;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    int fd = ::open((entry.path() / "environ").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    std::string environ_text;
    char buffer[8192];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) environ_text.append(buffer, static_cast<size_t>(n));
    ::close(fd);
    for (size_t at = environ_text.find(needle); at != std::string::npos; at = environ_text.find(needle, at + 1)) {
      bool starts_entry = at == 0 || environ_text[at - 1] == '\0';
      bool ends_entry = at + needle.size() == environ_text.size() || environ_text[at + needle.size()] == '\0';
      if (starts_entry && (ends_entry || !whole)) {
        found.push_back(static_cast<pid_t>(std::stol(name)));
        break;
      }
    }
  }
  return found;
}

}  // namespace

std::vector<pid_t> ProcessesWithToken(const std::string& token) { return ScanForToken(token, /*whole=*/true); }

std::vector<pid_t> ProcessesWithTokenPrefix(const std::string& prefix) { return ScanForToken(prefix, /*whole=*/false); }

// Whether this process has children it did not start itself: orphans of some attempt's
// tree, re-parented here because this process is a subreaper. nullopt when the kernel
// cannot list children (CONFIG_PROC_CHILDREN), and the caller must assume there may be.
std::optional<bool> HasForeignChildren(const std::vector<pid_t>& own) {
  std::ifstream in(fmt::format("/proc/self/task/{}/children", ::getpid()));
  if (!in) return std::nullopt;
  pid_t pid;
  while (in >> pid) {
    if (std::find(own.begin(), own.end(), pid) == own.end()) return true;
  }
  return false;
}

}  // namespace repro
