#include "harness/bundle/archive_members.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace repro {
namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;
constexpr size_t kChunk = 1 << 16;

std::string ArchiveError(archive* a) {
  const char* said = archive_error_string(a);
  return said != nullptr ? said : "unknown error";
}

// Why a member's name may not be used as a path beneath the archive's folder, or "".
std::string NameProblem(const std::string& name) {
  if (name.empty()) return "an empty name";
  if (name.front() == '/') return "an absolute name";
  for (size_t start = 0; start <= name.size();) {
    size_t slash = std::min(name.find('/', start), name.size());
    if (name.compare(start, slash - start, "..") == 0 && slash - start == 2) return "a name that climbs out";
    start = slash + 1;
  }
  return "";
}

Status ReadData(archive* a, const std::string& name, uint64_t& total, const ArchiveLimits& limits, std::string& bytes) {
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  for (int r; (r = archive_read_data_block(a, &block, &size, &offset)) != ARCHIVE_EOF;) {
    if (r < ARCHIVE_WARN) return Error{fmt::format("cannot read {}: {}", name, ArchiveError(a))};
    if (bytes.size() + size > limits.member_bytes)
      return Error{fmt::format("{} is larger than {} bytes", name, limits.member_bytes)};
    total += size;
    if (total > limits.total_bytes)
      return Error{fmt::format("the archive holds more than {} bytes of wanted files", limits.total_bytes)};
    bytes.append(static_cast<const char*>(block), size);
  }
  return Status::Ok();
}

}  // namespace

Result<ArchiveMembers> ReadArchiveMembers(const std::filesystem::path& path,
                                          const std::function<bool(const std::string&)>& wanted,
                                          const ArchiveLimits& limits) {
  // O_NONBLOCK: a FIFO named like an archive must not hang the reader.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Error{fmt::format("cannot open {}", path.string())};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{fmt::format("{} is not a file", path.string())};
  }
  ArchivePtr reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(reader.get());  // no filter that runs an external program
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_raw(reader.get());  // arXiv's single-file sources: a gzipped .tex
  if (archive_read_open_fd(reader.get(), fd, kChunk) != ARCHIVE_OK) {
    std::string why = ArchiveError(reader.get());
    ::close(fd);
    return Error{fmt::format("{} is not an archive repro can read: {}", path.string(), why)};
  }
  ArchiveMembers members;
  members.single_file = archive_format(reader.get()) == ARCHIVE_FORMAT_RAW;
  uint64_t total = 0;
  int seen = 0;
  archive_entry* entry = nullptr;
  Status status = Status::Ok();
  for (int r; status && (r = archive_read_next_header(reader.get(), &entry)) != ARCHIVE_EOF;) {
    if (r < ARCHIVE_WARN) {
      status = Error{fmt::format("{}: {}", path.string(), ArchiveError(reader.get()))};
      break;
    }
    members.single_file = archive_format(reader.get()) == ARCHIVE_FORMAT_RAW;
    if (++seen > limits.members) {
      status = Error{fmt::format("{} holds more than {} members", path.string(), limits.members)};
      break;
    }
    // A gzipped single file may carry its original name in the gzip header, or none.
    std::string name = members.single_file             ? "data"
                       : archive_entry_pathname(entry) ? archive_entry_pathname(entry)
                                                       : "";
    while (name.starts_with("./")) name.erase(0, 2);
    while (name.size() > 1 && name.back() == '/') name.pop_back();
    if (archive_entry_filetype(entry) == AE_IFDIR || !wanted(name)) continue;
    std::string problem = NameProblem(name);
    if (problem.empty() && (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr))
      problem = "not a regular file";
    if (!problem.empty()) {
      members.skipped.push_back(fmt::format("{}: {} (not read)", name, problem));
      continue;
    }
    std::string bytes;
    status = ReadData(reader.get(), name, total, limits, bytes);
    if (status) members.files[name] = std::move(bytes);
  }
  ::close(fd);
  if (!status) return Error{status.error()};
  return members;
}

}  // namespace repro
