// Files in folders whose contents released code may have arranged (an attempt's folder, a
// working copy, a prepared copy of the code). Every path is resolved beneath the folder it
// belongs to (openat2 with RESOLVE_BENEATH, or, where the kernel lacks it, a walk that
// refuses every symlink), so a planted symlink can never lead a read or a write out of it;
// reads accept only regular files, never block on a FIFO and stop at a size cap.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "harness/util/result.h"

namespace repro {

// A file descriptor, closed when it goes out of scope.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd();
  int get() const { return fd_; }
  int release();

 private:
  int fd_ = -1;
};

// "path" (absolute, or relative to the current folder) as a path relative to "root", or an
// error naming it when it lies outside root lexically (a ".." climbing out, another tree).
Result<std::filesystem::path> RelativeBeneath(const std::filesystem::path& root, const std::filesystem::path& path);

// Opens "relative" beneath "root" with open(2) "flags" and "mode"; every component, the
// targets of symlinks included, must stay inside root. O_CLOEXEC is always added.
Result<UniqueFd> OpenBeneath(const std::filesystem::path& root, const std::filesystem::path& relative, int flags,
                             mode_t mode = 0644);

// Creates the folders of "relative" beneath "root" as needed (like mkdir -p, confined).
Status MakeDirectoriesBeneath(const std::filesystem::path& root, const std::filesystem::path& relative);

// Puts a copy of the file "from" (with its permissions) at root/relative, replacing whatever
// entry is there: an existing symlink is replaced, never written through.
Status ReplaceFileBeneath(const std::filesystem::path& root, const std::filesystem::path& relative,
                          const std::filesystem::path& from);

// Puts a symlink to "target" at root/relative, replacing whatever entry is there.
Status ReplaceWithSymlinkBeneath(const std::filesystem::path& root, const std::filesystem::path& relative,
                                 const std::filesystem::path& target);

// Reads a file that released code may have written: "path" must lie beneath "root" and be a
// regular file of at most "max_bytes"; its bytes reach "chunk" in pieces, in order. A
// symlink out of root, a FIFO, a device, a folder or a larger file is refused by name.
Status ReadConfined(const std::filesystem::path& root, const std::filesystem::path& path, uint64_t max_bytes,
                    const std::function<void(std::string_view)>& chunk);
// The same, whole.
Result<std::string> ReadConfinedFile(const std::filesystem::path& root, const std::filesystem::path& path,
                                     uint64_t max_bytes);

// Whether "path" is a folder beneath "root" (symlinks resolved, and confined, as above).
bool IsDirectoryBeneath(const std::filesystem::path& root, const std::filesystem::path& path);

}  // namespace repro
