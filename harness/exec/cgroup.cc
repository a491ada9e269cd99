#include "harness/exec/cgroup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace repro {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRoot = "/sys/fs/cgroup";

// This process's group in each hierarchy, from /proc/self/cgroup: "" is the v2 group, and
// "memory" or "pids" the v1 ones.
std::map<std::string, std::string> OwnGroups() {
  std::map<std::string, std::string> groups;
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
    std::stringstream list(controllers);
    std::string controller;
    if (controllers.empty()) groups[""] = path;
    while (std::getline(list, controller, ',')) groups[controller] = path;
  }
  return groups;
}

std::string ReadSmallFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WriteSmallFile(const fs::path& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("cannot open {}: {}", path.string(), std::strerror(errno))};
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int error = errno;
  ::close(fd);
  if (!ok) return Error{fmt::format("cannot write '{}' to {}: {}", text, path.string(), std::strerror(error))};
  return Status::Ok();
}

// The value after "key " in a flat keyed file such as memory.events ("oom_kill 2").
int64_t KeyedValue(const fs::path& path, const std::string& key) {
  std::ifstream in(path);
  std::string name;
  int64_t value = 0;
  while (in >> name >> value) {
    if (name == key) return value;
  }
  return 0;
}

// Where this process's group lives in a hierarchy mounted at "mount": its own folder when
// visible, else the mount's root (inside a cgroup namespace the two are the same).
fs::path GroupDir(const fs::path& mount, const std::string& own) {
  fs::path dir = mount / fs::path(own).relative_path();
  return fs::is_directory(dir) ? dir : mount;
}

bool Delegates(const fs::path& dir, const std::string& controller) {
  std::stringstream list(ReadSmallFile(dir / "cgroup.subtree_control"));
  std::string name;
  while (list >> name) {
    if (name == controller) return true;
  }
  return false;
}

// Groups left by runners that were killed before they could remove them; whatever still
// runs in them belongs to a dead runner's attempt and is ended first.
void RemoveStaleGroups(const fs::path& parent) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("repro-", 0) != 0) continue;
    pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + 6));
    if (owner > 0 && owner != ::getpid() && ::kill(owner, 0) != 0 && errno == ESRCH) {
      KillGroupMembers({entry.path().string()});
      ::rmdir(entry.path().c_str());
    }
  }
}

// The folders under which this process makes its groups: the v2 one, or the v1 memory and pids ones.
std::vector<fs::path> GroupParents() {
  std::map<std::string, std::string> own = OwnGroups();
  std::vector<fs::path> parents;
  fs::path v2_mount =
      fs::exists(fs::path(kRoot) / "cgroup.controllers") ? fs::path(kRoot) : fs::path(kRoot) / "unified";
  if (own.count("") && fs::exists(v2_mount / "cgroup.controllers")) parents.push_back(GroupDir(v2_mount, own[""]));
  for (const char* controller : {"memory", "pids"}) {
    if (own.count(controller) && fs::is_directory(fs::path(kRoot) / controller)) {
      parents.push_back(GroupDir(fs::path(kRoot) / controller, own[controller]));
    }
  }
  return parents;
}

Result<fs::path> MakeGroup(const fs::path& parent, const std::string& name) {
  static std::set<std::string> swept;  // once per parent and process: the sweep reads the whole folder
  if (swept.insert(parent.string()).second) RemoveStaleGroups(parent);
  fs::path dir = parent / name;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Error{fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno))};
  }
  return dir;
}

}  // namespace

int KillGroupMembers(const std::vector<std::string>& dirs) {
  int signalled = 0;
  for (const std::string& dir : dirs) {
    if (fs::exists(fs::path(dir) / "cgroup.kill")) (void)WriteSmallFile(fs::path(dir) / "cgroup.kill", "1");
  }
  for (int round = 0; round < 1000; ++round) {
    bool any = false;
    for (const std::string& dir : dirs) {
      std::ifstream in(fs::path(dir) / "cgroup.procs");
      pid_t pid;
      while (in >> pid) {
        any = true;
        if (::kill(pid, SIGKILL) == 0) ++signalled;
      }
    }
    if (!any) break;
  }
  return signalled;
}

std::vector<std::string> GroupsOfRunner(pid_t runner) {
  std::string prefix = fmt::format("repro-{}-", runner);
  std::vector<std::string> groups;
  for (const fs::path& parent : GroupParents()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
      if (entry.path().filename().string().rfind(prefix, 0) == 0) groups.push_back(entry.path().string());
    }
  }
  return groups;
}

Result<std::unique_ptr<Cgroup>> Cgroup::Create(const std::string& name, const CgroupLimits& limits) {
  std::map<std::string, std::string> own = OwnGroups();
  std::unique_ptr<Cgroup> group(new Cgroup());
  group->limits_ = limits;
  std::string full_name = fmt::format("repro-{}-{}", ::getpid(), name);

  fs::path v2_mount =
      fs::exists(fs::path(kRoot) / "cgroup.controllers") ? fs::path(kRoot) : fs::path(kRoot) / "unified";
  if (own.count("") && fs::exists(v2_mount / "cgroup.controllers")) {
    fs::path parent = GroupDir(v2_mount, own[""]);
    if (Delegates(parent, "memory") && Delegates(parent, "pids")) {
      Result<fs::path> dir = MakeGroup(parent, full_name);
      if (!dir) return Error{dir.error()};
      group->v2_ = true;
      group->dirs_ = {dir->string()};
      group->memory_dir_ = group->pids_dir_ = dir->string();
    }
  }
  if (!group->v2_) {
    if (!own.count("memory") || !own.count("pids") || !fs::is_directory(fs::path(kRoot) / "memory") ||
        !fs::is_directory(fs::path(kRoot) / "pids")) {
      return Error{
          "no cgroup to put the attempt in: neither a cgroup v2 group that delegates the memory and pids "
          "controllers (run repro inside one, e.g. systemd-run --user --scope -p Delegate=yes) nor "
          "writable cgroup v1 memory and pids hierarchies"};
    }
    for (const char* controller : {"memory", "pids"}) {
      Result<fs::path> dir = MakeGroup(GroupDir(fs::path(kRoot) / controller, own[controller]), full_name);
      if (!dir) return Error{dir.error()};
      group->dirs_.push_back(dir->string());
      (std::string(controller) == "memory" ? group->memory_dir_ : group->pids_dir_) = dir->string();
    }
  }

  const fs::path memory = group->memory_dir_, pids = group->pids_dir_;
  if (limits.memory_bytes > 0) {
    std::string bytes = std::to_string(limits.memory_bytes);
    Status set = group->v2_ ? WriteSmallFile(memory / "memory.max", bytes)
                            : WriteSmallFile(memory / "memory.limit_in_bytes", bytes);
    if (!set) return Error{set.error()};
    // Without this, a tree over its limit pages out to swap instead of ending.
    if (group->v2_) {
      (void)WriteSmallFile(memory / "memory.swap.max", "0");
    } else if (fs::exists(memory / "memory.memsw.limit_in_bytes")) {
      (void)WriteSmallFile(memory / "memory.memsw.limit_in_bytes", bytes);
    }
  }
  if (limits.max_processes > 0) {
    if (Status set = WriteSmallFile(pids / "pids.max", std::to_string(limits.max_processes)); !set)
      return Error{set.error()};
  }
  for (const std::string& dir : group->dirs_) {
    int fd = ::open((fs::path(dir) / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Error{fmt::format("cannot open {}/cgroup.procs: {}", dir, std::strerror(errno))};
    group->join_fds_.push_back(fd);
  }
  return group;
}

Cgroup::~Cgroup() {
  CloseJoinFds();
  for (const std::string& dir : dirs_) {
    // Members are gone by now (the tree was killed and reaped); a straggler is killed.
    for (int attempt = 0; attempt < 50 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++attempt) {
      KillAll();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
}

void Cgroup::CloseJoinFds() {
  for (int fd : join_fds_) ::close(fd);
  join_fds_.clear();
}

std::vector<pid_t> Cgroup::Members() const {
  std::vector<pid_t> members;
  for (const std::string& dir : dirs_) {
    std::ifstream in(fs::path(dir) / "cgroup.procs");
    pid_t pid;
    while (in >> pid) members.push_back(pid);
  }
  return members;
}

void Cgroup::KillAll() const { KillGroupMembers(dirs_); }

int64_t Cgroup::oom_kills() const {
  if (memory_dir_.empty()) return 0;
  return KeyedValue(fs::path(memory_dir_) / (v2_ ? "memory.events" : "memory.oom_control"), "oom_kill");
}

bool Cgroup::process_limit_reached() const {
  return !pids_dir_.empty() && KeyedValue(fs::path(pids_dir_) / "pids.events", "max") > 0;
}

}  // namespace repro
