// Files in an attempt folder, which the released code could have replaced after repro wrote
// them: stderr.log turned into a symlink to /etc/shadow, or into a FIFO no one ever writes.
// Reports and bundles read such files only through RegularFile: opened without following a
// symlink and without blocking, and used only when the opened file is a regular file.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "harness/util/result.h"

namespace repro {

class RegularFile {
 public:
  // The error names the path and what is there instead ("a symbolic link", "a FIFO"); a
  // missing file says "missing".
  static Result<RegularFile> Open(const std::filesystem::path& path);
  RegularFile(RegularFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RegularFile& operator=(RegularFile&& other) noexcept;
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;
  ~RegularFile();

  // A path naming the file this object opened (/proc/self/fd/N), for readers that take a
  // path: it reaches the file that was checked, whatever is at the original path by now.
  std::filesystem::path Path() const;
  // The sha256 of the file's bytes, read through this descriptor (no second open: a report
  // hashes tens of thousands of logs).
  Result<std::string> Sha256Hex() const;

 private:
  explicit RegularFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// A report's sha256 of a file: the digest, "missing", or "unreadable" (also for a symlink, a
// FIFO or anything else that is not a regular file: the report vouches for no other file).
std::string HashOfRegularFile(const std::filesystem::path& path);

// The last "count" lines of a regular file; empty when it is missing or not a regular file.
std::vector<std::string> LastLinesOfRegularFile(const std::filesystem::path& path, size_t count);

}  // namespace repro
