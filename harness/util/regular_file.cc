#include "harness/util/regular_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "harness/util/hash.h"
#include "harness/util/read_file.h"

namespace repro {
namespace {

const char* KindOf(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

}  // namespace

Result<RegularFile> RegularFile::Open(const std::filesystem::path& path) {
  // O_NOFOLLOW: a symlink fails with ELOOP instead of being followed; O_NONBLOCK: opening a
  // FIFO returns at once instead of waiting for a writer; O_NOCTTY: a terminal device does
  // not become ours. What was opened is judged by fstat on the descriptor, not by the name.
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    if (error == ENOENT) return Error::NotFound("missing");
    if (error == ELOOP) return Error{"not a regular file (a symbolic link)"};
    return Error{fmt::format("unreadable ({})", std::strerror(error))};
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return Error{fmt::format("not a regular file ({})", KindOf(info.st_mode))};
  }
  return RegularFile(fd);
}

RegularFile& RegularFile::operator=(RegularFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

RegularFile::~RegularFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::filesystem::path RegularFile::Path() const { return fmt::format("/proc/self/fd/{}", fd_); }

Result<std::string> RegularFile::Sha256Hex() const {
  Sha256 digest;
  std::array<char, 1 << 16> buffer;  // uninitialised: filled by pread before use
  for (off_t offset = 0;;) {
    ssize_t got = ::pread(fd_, buffer.data(), buffer.size(), offset);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Error{fmt::format("unreadable ({})", std::strerror(errno))};
    if (got == 0) return digest.HexDigest();
    digest.Update(std::string_view(buffer.data(), static_cast<size_t>(got)));
    offset += got;
  }
}

std::string HashOfRegularFile(const std::filesystem::path& path) {
  Result<RegularFile> file = RegularFile::Open(path);
  if (!file) return file.IsNotFound() ? "missing" : "unreadable";
  Result<std::string> hash = file->Sha256Hex();
  return hash ? *hash : "unreadable";
}

std::vector<std::string> LastLinesOfRegularFile(const std::filesystem::path& path, size_t count) {
  Result<RegularFile> file = RegularFile::Open(path);
  return file ? LastLines(file->Path(), count) : std::vector<std::string>{};
}

}  // namespace repro
