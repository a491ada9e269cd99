#include "harness/util/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace repro {
namespace {

Error ErrnoError(std::string_view what, const std::filesystem::path& path) {
  return Error{fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(errno))};
}

Status WriteAll(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{std::strerror(errno)};
    content.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content, bool durable) {
  std::filesystem::path temp = path;
  temp += fmt::format(".tmp.{}", ::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create", temp);
  Status written = WriteAll(fd, content);
  bool synced = written.ok() && (!durable || ::fsync(fd) == 0);
  int saved_errno = errno;
  ::close(fd);
  if (!written.ok() || !synced) {
    ::unlink(temp.c_str());
    errno = saved_errno;
    return Error{
        fmt::format("cannot write {}: {}", path.string(), written.ok() ? std::strerror(saved_errno) : written.error())};
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Error error = ErrnoError("rename into place", path);
    ::unlink(temp.c_str());
    return error;
  }
  if (!durable) return Status::Ok();
  // Make the rename itself durable.
  std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

}  // namespace repro
