#include "harness/util/confined_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "harness/util/units.h"

namespace repro {
namespace fs = std::filesystem;

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

namespace {

// openat2(2) arrived in Linux 5.6; older kernels answer ENOSYS, and the walk below is used.
bool g_openat2_missing = false;

int OpenAt2(int dir_fd, const char* path, int flags, mode_t mode) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;  // O_TMPFILE includes O_DIRECTORY
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, dir_fd, path, &how, sizeof(how)));
}

// Without openat2: one component at a time, refusing every symlink (stricter than needed,
// never looser).
int OpenByWalk(int dir_fd, const fs::path& relative, int flags, mode_t mode) {
  std::vector<std::string> parts;
  for (const fs::path& part : relative) {
    if (part == "." || part.empty()) continue;
    if (part == "..") {
      errno = EXDEV;
      return -1;
    }
    parts.push_back(part.string());
  }
  if (parts.empty()) return ::openat(dir_fd, ".", flags | O_CLOEXEC, mode);
  UniqueFd current(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 3));
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    int next = ::openat(current.get(), parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) return -1;
    current = UniqueFd(next);
  }
  return ::openat(current.get(), parts.back().c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
}

std::string Why(int error, const fs::path& root, const fs::path& relative) {
  switch (error) {
    case EXDEV:
      return fmt::format("{} leads out of {} (through a symlink or '..'); refused", relative.string(), root.string());
    case ELOOP:
      return fmt::format("{} in {} is, or passes through, a symlink; refused", relative.string(), root.string());
    default:
      return fmt::format("{}: {}", (root / relative).string(), std::strerror(error));
  }
}

const char* KindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// The parent folder of root/relative, opened beneath root, and the entry's own name.
Result<std::pair<UniqueFd, std::string>> OpenParent(const fs::path& root, const fs::path& relative) {
  std::string name = relative.filename().string();
  if (name.empty() || name == "." || name == "..") return Error{fmt::format("{} names no file", relative.string())};
  Result<UniqueFd> parent = OpenBeneath(root, relative.parent_path(), O_PATH | O_DIRECTORY);
  if (!parent) return Error{parent.error()};
  return std::make_pair(std::move(parent).value(), std::move(name));
}

// Removes the entry "name" in "dir_fd" (a file or a symlink, never followed).
Status RemoveEntry(int dir_fd, const std::string& name, const fs::path& shown) {
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
    return Error{fmt::format("cannot replace {}: {}", shown.string(), std::strerror(errno))};
  }
  return Status::Ok();
}

}  // namespace

Result<fs::path> RelativeBeneath(const fs::path& root, const fs::path& path) {
  fs::path base = fs::absolute(root).lexically_normal();
  fs::path full = (path.is_absolute() ? path : fs::absolute(path)).lexically_normal();
  fs::path relative = full.lexically_relative(base);
  if (relative.empty() || *relative.begin() == "..") {
    return Error{fmt::format("{} is outside {}; refused", path.string(), root.string())};
  }
  return relative;
}

Result<UniqueFd> OpenBeneath(const fs::path& root, const fs::path& relative, int flags, mode_t mode) {
  if (relative.is_absolute()) return Error{fmt::format("{} is an absolute path; refused", relative.string())};
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (root_fd.get() < 0) return Error{fmt::format("cannot open {}: {}", root.string(), std::strerror(errno))};
  std::string path = relative.empty() ? "." : relative.string();
  int fd = -1;
  if (!g_openat2_missing) {
    fd = OpenAt2(root_fd.get(), path.c_str(), flags, mode);
    if (fd < 0 && errno == ENOSYS) g_openat2_missing = true;
  }
  if (g_openat2_missing) fd = OpenByWalk(root_fd.get(), relative, flags, mode);
  if (fd < 0) return Error{Why(errno, root, relative)};
  return UniqueFd(fd);
}

Status MakeDirectoriesBeneath(const fs::path& root, const fs::path& relative) {
  fs::path prefix;
  for (const fs::path& part : relative) {
    if (part == "." || part.empty()) continue;
    if (part == "..") return Error{Why(EXDEV, root, relative)};
    Result<UniqueFd> parent = OpenBeneath(root, prefix, O_PATH | O_DIRECTORY);
    if (!parent) return Error{parent.error()};
    if (::mkdirat(parent->get(), part.c_str(), 0755) != 0 && errno != EEXIST)
      return Error{Why(errno, root, prefix / part)};
    prefix /= part;
    // An existing entry must be a folder beneath root, not a symlink leading out of it.
    if (Result<UniqueFd> made = OpenBeneath(root, prefix, O_PATH | O_DIRECTORY); !made) return Error{made.error()};
  }
  return Status::Ok();
}

Status ReplaceFileBeneath(const fs::path& root, const fs::path& relative, const fs::path& from) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat info {};
  if (in.get() < 0 || ::fstat(in.get(), &info) != 0) {
    return Error{fmt::format("cannot read {}: {}", from.string(), std::strerror(errno))};
  }
  if (!S_ISREG(info.st_mode)) return Error{fmt::format("{} is {}, not a file", from.string(), KindOf(info.st_mode))};
  mode_t mode = info.st_mode & 07777;
  if (Status made = MakeDirectoriesBeneath(root, relative.parent_path()); !made) return made;
  Result<std::pair<UniqueFd, std::string>> parent = OpenParent(root, relative);
  if (!parent) return Error{parent.error()};
  auto& [dir, name] = *parent;
  if (Status removed = RemoveEntry(dir.get(), name, root / relative); !removed) return removed;
  UniqueFd out(::openat(dir.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (out.get() < 0) return Error{Why(errno, root, relative)};
  std::vector<char> buffer(1 << 20);
  ssize_t n;
  while ((n = ::read(in.get(), buffer.data(), buffer.size())) > 0) {
    if (::write(out.get(), buffer.data(), static_cast<size_t>(n)) != n) {
      return Error{fmt::format("cannot write {}: {}", (root / relative).string(), std::strerror(errno))};
    }
  }
  if (n < 0) return Error{fmt::format("cannot read {}: {}", from.string(), std::strerror(errno))};
  return Status::Ok();
}

Status ReplaceWithSymlinkBeneath(const fs::path& root, const fs::path& relative, const fs::path& target) {
  if (Status made = MakeDirectoriesBeneath(root, relative.parent_path()); !made) return made;
  Result<std::pair<UniqueFd, std::string>> parent = OpenParent(root, relative);
  if (!parent) return Error{parent.error()};
  auto& [dir, name] = *parent;
  if (Status removed = RemoveEntry(dir.get(), name, root / relative); !removed) return removed;
  if (::symlinkat(target.c_str(), dir.get(), name.c_str()) != 0) return Error{Why(errno, root, relative)};
  return Status::Ok();
}

Status ReadConfined(const fs::path& root, const fs::path& path, uint64_t max_bytes,
                    const std::function<void(std::string_view)>& chunk) {
  Result<fs::path> relative = RelativeBeneath(root, path);
  if (!relative) return Error{relative.error()};
  // O_NONBLOCK: opening a FIFO must not wait for a writer that will never come.
  Result<UniqueFd> fd = OpenBeneath(root, *relative, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  if (!fd) return Error{fd.error()};
  struct stat info {};
  if (::fstat(fd->get(), &info) != 0)
    return Error{fmt::format("cannot stat {}: {}", path.string(), std::strerror(errno))};
  if (!S_ISREG(info.st_mode)) return Error{fmt::format("{} is {}; not read", path.string(), KindOf(info.st_mode))};
  if (static_cast<uint64_t>(info.st_size) > max_bytes) {
    return Error{fmt::format("{} is {}, more than the limit of {} (a metric's max_size raises it); not read",
                             path.string(), FormatBytes(info.st_size), FormatBytes(static_cast<int64_t>(max_bytes)))};
  }
  std::vector<char> buffer(1 << 20);
  uint64_t total = 0;
  ssize_t n;
  while (total < max_bytes && (n = ::read(fd->get(), buffer.data(), buffer.size())) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{fmt::format("cannot read {}: {}", path.string(), std::strerror(errno))};
    size_t taken = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(n), max_bytes - total));
    total += taken;
    chunk(std::string_view(buffer.data(), taken));
  }
  return Status::Ok();
}

Result<std::string> ReadConfinedFile(const fs::path& root, const fs::path& path, uint64_t max_bytes) {
  std::string text;
  Status read = ReadConfined(root, path, max_bytes, [&](std::string_view piece) { text.append(piece); });
  if (!read) return Error{read.error()};
  return text;
}

bool IsDirectoryBeneath(const fs::path& root, const fs::path& path) {
  Result<fs::path> relative = RelativeBeneath(root, path);
  if (!relative && fs::absolute(path).lexically_normal() != fs::absolute(root).lexically_normal()) return false;
  return OpenBeneath(root, relative ? *relative : fs::path(), O_PATH | O_DIRECTORY).ok();
}

}  // namespace repro
