#include "harness/runner/setup_folder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "harness/source/source.h"
#include "harness/util/atomic_file.h"
#include "harness/util/time.h"

namespace repro {
namespace {

constexpr const char* kMarker = ".repro-setup-completed";

}  // namespace

Result<SetupFolder> SetupFolder::Lock(const std::filesystem::path& cache_dir, const std::string& key) {
  std::filesystem::path dir = cache_dir / "prepared" / ("setup-" + key.substr(0, 24));
  std::error_code ec;
  std::filesystem::create_directories(dir.parent_path(), ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", dir.parent_path().string(), ec.message())};
  std::string lock = dir.string() + ".lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error{fmt::format("cannot open {}: {}", lock, std::strerror(errno))};
  // Another runner setting up the same code: wait for it, then use what it made.
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int error = errno;
      ::close(fd);
      return Error{fmt::format("cannot lock {}: {}", lock, std::strerror(error))};
    }
  }
  return SetupFolder(dir, fd);
}

SetupFolder::SetupFolder(SetupFolder&& other) noexcept : dir_(std::move(other.dir_)), lock_fd_(other.lock_fd_) {
  other.lock_fd_ = -1;
}

SetupFolder::~SetupFolder() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

bool SetupFolder::Completed() const {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir_ / kMarker, ec);
}

Status SetupFolder::Fresh(const std::filesystem::path& code) {
  Discard();
  if (Result<uint64_t> copied = MakeWorkingCopy(code, dir_); !copied) return Error{copied.error()};
  return Status::Ok();
}

Status SetupFolder::MarkCompleted() { return WriteFileAtomically(dir_ / kMarker, NowUtcIso8601() + "\n"); }

void SetupFolder::Discard() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace repro
