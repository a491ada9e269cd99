#include "harness/source/source.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/util/atomic_file.h"
#include "harness/util/hash.h"

namespace repro {
namespace {

std::string Tail(const std::string& text, size_t max_chars) {
  std::string tail = text.size() > max_chars ? text.substr(text.size() - max_chars) : text;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail;
}

// Runs git with its output captured in "log_dir"; the error carries git's own words.
Status Git(const std::vector<std::string>& args, const std::filesystem::path& cwd, const std::filesystem::path& log_dir,
           std::string* out = nullptr) {
  ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.env = BuildChildEnvironment({{"GIT_TERMINAL_PROMPT", "0"}}, {});
  spec.stdout_path = log_dir / "git.stdout.log";
  spec.stderr_path = log_dir / "git.stderr.log";
  spec.timeout_seconds = 3600;
  ProcessResult result = RunProcess(spec);
  if (out != nullptr) *out = ReadFile(spec.stdout_path).value_or("");
  if (result.end == ProcessEnd::kExited && result.exit_code == 0) return Status::Ok();
  std::string stderr_text = Tail(ReadFile(spec.stderr_path).value_or(""), 600);
  return Error{fmt::format("git {} failed ({}{}): {}", args.front(), ProcessEndName(result.end),
                           result.exit_code ? fmt::format(", exit {}", *result.exit_code) : "",
                           stderr_text.empty() ? result.message : stderr_text)};
}

Result<std::string> HeadCommit(const std::filesystem::path& dir, const std::filesystem::path& log_dir) {
  std::string out;
  if (Status status = Git({"rev-parse", "HEAD"}, dir, log_dir, &out); !status) return Error{status.error()};
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// A reflink shares the blocks until either side writes (btrfs, xfs); elsewhere a real copy.
Status CopyFile(const std::filesystem::path& from, const std::filesystem::path& to, std::filesystem::perms perms) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Error{fmt::format("cannot read {}: {}", from.string(), std::strerror(errno))};
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(perms));
  if (out < 0) {
    int error = errno;
    ::close(in);
    return Error{fmt::format("cannot create {}: {}", to.string(), std::strerror(error))};
  }
  bool ok = ::ioctl(out, FICLONE, in) == 0;
  while (!ok) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
    if (n == 0) ok = true;
    if (n < 0) break;
  }
  int error = errno;
  ::close(in);
  ::close(out);
  if (!ok) return Error{fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), std::strerror(error))};
  return Status::Ok();
}

}  // namespace

Result<uint64_t> MakeWorkingCopy(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!fs::create_directory(to, ec) || ec) {
    return Error{fmt::format("cannot create the working copy {}: {}", to.string(), ec ? ec.message() : "it exists")};
  }
  uint64_t bytes = 0;
  fs::recursive_directory_iterator it(from, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (entry.path().filename() == ".git") {
      it.disable_recursion_pending();  // history is not code; the commit is recorded instead
      continue;
    }
    fs::path target = to / entry.path().lexically_relative(from);
    fs::file_status status = entry.symlink_status(ec);
    if (ec) break;
    if (fs::is_symlink(status)) {
      fs::copy_symlink(entry.path(), target, ec);
    } else if (fs::is_directory(status)) {
      fs::create_directory(target, ec);
      if (!ec) fs::permissions(target, status.permissions() | fs::perms::owner_all, ec);  // writable: it is the attempt's own
    } else if (fs::is_regular_file(status)) {
      if (Status copied = CopyFile(entry.path(), target, status.permissions()); !copied) return Error{copied.error()};
      bytes += entry.file_size(ec);
    }
    if (ec) return Error{fmt::format("cannot copy {} into the working copy: {}", entry.path().string(), ec.message())};
  }
  if (ec) return Error{fmt::format("cannot read {}: {}", from.string(), ec.message())};
  return bytes;
}

std::filesystem::path DefaultCacheDir() {
  if (const char* cache = std::getenv("REPRO_CACHE"); cache != nullptr && cache[0] != '\0') return cache;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] != '\0') {
    return std::filesystem::path(xdg) / "repro";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "/tmp") / ".cache" / "repro";
}

Result<std::string> SourceIdentity(const Source& source) {
  if (source.is_git()) return "git:" + source.commit;
  Result<std::string> tree = Sha256Tree(source.path);
  if (!tree) return Error{tree.error()};
  return "tree:" + *tree;
}

Result<PreparedSource> PrepareSource(const Source& source, const std::filesystem::path& cache_dir) {
  Result<std::string> identity = SourceIdentity(source);
  if (!identity) return Error{identity.error()};
  if (!source.is_git()) {
    return PreparedSource{source.path, *identity,
                          fmt::format("{} (tree sha256 {})", source.path.string(), identity->substr(5, 12))};
  }
  std::string description = fmt::format("{} @ {}", source.git, source.commit);
  std::filesystem::path dir = cache_dir / "git" / fmt::format("{}-{}", Sha256Hex(source.git).substr(0, 12), source.commit);
  std::error_code ec;
  std::filesystem::create_directories(cache_dir / "git", ec);
  if (ec) return Error{fmt::format("cannot create the source cache {}: {}", cache_dir.string(), ec.message())};
  if (std::filesystem::is_directory(dir / ".git")) {
    Result<std::string> head = HeadCommit(dir, cache_dir / "git");
    if (head && *head == source.commit) return PreparedSource{dir, *identity, description};
    return Error{fmt::format("the cached checkout {} is not at {} (found {}); delete that folder and run again",
                             dir.string(), source.commit, head ? *head : head.error())};
  }
  // Clone beside the final folder and rename it into place, so an interrupted clone never
  // looks like a finished one.
  std::filesystem::path partial = dir;
  partial += fmt::format(".partial-{}", ::getpid());
  std::filesystem::remove_all(partial, ec);
  Status cloned = Git({"clone", "--quiet", "--no-checkout", source.git, partial.string()}, cache_dir / "git", cache_dir / "git");
  if (!cloned) {
    std::filesystem::remove_all(partial, ec);
    return Error{fmt::format("cannot clone {}: {}\nTwo ways around it: point git at a reachable mirror "
                             "(git config --global url.<mirror>.insteadOf {}), or clone it yourself and set "
                             "'source: {{path: <checkout>}}' in a copy of the manifest",
                             source.git, cloned.error(), source.git)};
  }
  Status checked_out = Git({"checkout", "--quiet", "--detach", source.commit}, partial, cache_dir / "git");
  Result<std::string> head = checked_out ? HeadCommit(partial, cache_dir / "git") : Result<std::string>(Error{checked_out.error()});
  if (!head || *head != source.commit) {
    std::filesystem::remove_all(partial, ec);
    return Error{fmt::format("commit {} is not in {}: {}", source.commit, source.git, head ? "checked out " + *head : head.error())};
  }
  std::filesystem::rename(partial, dir, ec);
  if (ec) return Error{fmt::format("cannot move the clone into {}: {}", dir.string(), ec.message())};
  return PreparedSource{dir, *identity, description};
}

}  // namespace repro
