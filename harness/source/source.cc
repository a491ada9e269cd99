#include "harness/source/source.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/source/git.h"
#include "harness/source/inputs.h"
#include "harness/source/tree.h"
#include "harness/util/confined_file.h"
#include "harness/util/hash.h"
#include "harness/util/read_file.h"

namespace repro {
namespace {

// Every git call of this file goes through source/git.h.
Status Git(const std::vector<std::string>& args, const std::filesystem::path& cwd, const std::filesystem::path& log_dir,
           std::string* out = nullptr) {
  return RunGit(args, cwd, log_dir, out);
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
  bool kernel_copy = true;  // until copy_file_range says it cannot (old kernels, odd filesystems)
  while (!ok) {
    ssize_t n = 0;
    if (kernel_copy) {
      n = ::copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
      if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
        kernel_copy = false;
        continue;
      }
    } else {
      char buffer[1 << 16];
      n = ::read(in, buffer, sizeof(buffer));
      if (n > 0 && ::write(out, buffer, static_cast<size_t>(n)) != n) n = -1;
    }
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
      if (!ec)
        fs::permissions(target, status.permissions() | fs::perms::owner_all, ec);  // writable: it is the attempt's own
    } else if (fs::is_regular_file(status)) {
      if (Status copied = CopyFile(entry.path(), target, status.permissions()); !copied) return Error{copied.error()};
      bytes += entry.file_size(ec);
    }
    if (ec) return Error{fmt::format("cannot copy {} into the working copy: {}", entry.path().string(), ec.message())};
  }
  if (ec) return Error{fmt::format("cannot read {}: {}", from.string(), ec.message())};
  return bytes;
}

Result<uint64_t> CopyFiles(const std::filesystem::path& from, const std::vector<std::string>& relative,
                           const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!fs::create_directory(to, ec) || ec) {
    return Error{fmt::format("cannot create {}: {}", to.string(), ec ? ec.message() : "it exists")};
  }
  uint64_t bytes = 0;
  for (const std::string& file : relative) {
    fs::path source = from / file, target = to / file;
    fs::create_directories(target.parent_path(), ec);
    fs::file_status status = fs::symlink_status(source, ec);
    if (!ec && fs::is_symlink(status)) {
      fs::copy_symlink(source, target, ec);
    } else if (!ec) {
      if (Status copied = CopyFile(source, target, status.permissions()); !copied) return Error{copied.error()};
      bytes += fs::file_size(source, ec);
    }
    if (ec) return Error{fmt::format("cannot copy {} into {}: {}", source.string(), to.string(), ec.message())};
  }
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

namespace {

// The identity of the code named by "base" ("git:<commit>" or "tree:<digest>"), with what
// is added to "source".
Result<std::string> IdentityFrom(const Manifest& manifest, const Source& source, const std::string& base) {
  if (!source.modified() && manifest.inputs.empty() && !source.submodules) return base;
  std::string text = base;
  if (source.submodules) text += "\nsubmodules";
  for (const AddedFile& file : source.files) {
    Result<std::string> hash = Sha256File(file.from);
    if (!hash) return Error{hash.error()};
    text += fmt::format("\nfile {} {}", file.to, *hash);
  }
  for (const std::filesystem::path& patch : source.patches) {
    Result<std::string> hash = Sha256File(patch);
    if (!hash) return Error{hash.error()};
    text += "\npatch " + *hash;
  }
  for (const Input& input : manifest.inputs) text += fmt::format("\ninput {} {}", input.path, input.sha256);
  return base + "+" + Sha256Hex(text).substr(0, 16);
}

}  // namespace

Result<std::string> SourceIdentity(const Manifest& manifest, const Source& source) {
  if (source.is_git()) {
    return IdentityFrom(
        manifest, source,
        source.commit.empty() ? "git-ref:" + source.ref : "git:" + source.commit);  // unresolved: validate, plan
  }
  Result<SourceTree> tree = ReadSourceTree(source.path, source.outputs);
  if (!tree) return Error{tree.error()};
  return IdentityFrom(manifest, source, "tree:" + tree->digest);
}

std::vector<std::string> Deviations(const Manifest& manifest) {
  std::vector<std::string> lines;
  auto hash = [](const std::filesystem::path& file) { return Sha256File(file).value_or("unreadable"); };
  auto relative = [&](const std::filesystem::path& file) { return file.lexically_relative(manifest.dir).string(); };
  for (const std::filesystem::path& patch : manifest.source.patches) {
    lines.push_back(fmt::format("patch {} applied (sha256 {})", relative(patch), hash(patch)));
  }
  for (const AddedFile& file : manifest.source.files) {
    lines.push_back(fmt::format("file {} added as {} (sha256 {})", relative(file.from), file.to, hash(file.from)));
  }
  if (!manifest.source.ref.empty()) {
    lines.push_back(fmt::format("commit '{}' is a ref, resolved to {} when run; it can move", manifest.source.ref,
                                manifest.source.commit.empty() ? "(not yet resolved)" : manifest.source.commit));
  }
  for (const Experiment& experiment : manifest.experiments) {
    if (!experiment.source) continue;
    if (!experiment.source->commit.empty()) {
      lines.push_back(fmt::format("experiment '{}' runs commit {} (the manifest's: {})", experiment.id,
                                  experiment.source->commit,
                                  manifest.source.commit.empty() ? manifest.source.ref : manifest.source.commit));
    }
    if (!experiment.source->patches) continue;
    if (experiment.source->patches->empty())
      lines.push_back(fmt::format("experiment '{}' applies no patch", experiment.id));
    for (const std::filesystem::path& patch : *experiment.source->patches) {
      lines.push_back(
          fmt::format("experiment '{}': patch {} applied (sha256 {})", experiment.id, relative(patch), hash(patch)));
    }
  }
  for (const Input& input : manifest.inputs) {
    lines.push_back(fmt::format("input {} (sha256 {}) from {}", input.path, input.sha256,
                                !input.url.empty()            ? input.url
                                : !input.from_written.empty() ? input.from_written
                                                              : relative(input.from)));
  }
  return lines;
}

namespace {

namespace fs = std::filesystem;

fs::path CheckoutDir(const Source& source, const fs::path& cache_dir) {
  return cache_dir / "git" /
         fmt::format("{}-{}{}", Sha256Hex(source.git).substr(0, 12), source.commit,
                     source.submodules ? "-submodules" : "");
}

// The cached checkout of a git source at its commit (with its submodules when asked),
// cloned on first use.
Result<fs::path> CheckOutGit(const Source& source, const fs::path& cache_dir) {
  fs::path dir = CheckoutDir(source, cache_dir);
  std::error_code ec;
  fs::create_directories(cache_dir / "git", ec);
  if (ec) return Error{fmt::format("cannot create the source cache {}: {}", cache_dir.string(), ec.message())};
  if (fs::is_directory(dir / ".git")) {
    Result<std::string> head = HeadCommit(dir, cache_dir / "git");
    if (head && *head == source.commit) return dir;
    return Error{fmt::format("the cached checkout {} is not at {} (found {}); delete that folder and run again",
                             dir.string(), source.commit, head ? *head : head.error())};
  }
  // Clone beside the final folder and rename it into place, so an interrupted clone never
  // looks like a finished one.
  fs::path partial = dir;
  partial += fmt::format(".partial-{}", ::getpid());
  fs::remove_all(partial, ec);
  Status cloned =
      Git({"clone", "--quiet", "--no-checkout", source.git, partial.string()}, cache_dir / "git", cache_dir / "git");
  if (!cloned) {
    fs::remove_all(partial, ec);
    return Error{
        fmt::format("cannot clone {}: {}\nTwo ways around it: point git at a reachable mirror "
                    "(git config --global url.<mirror>.insteadOf {}), or clone it yourself and set "
                    "'source: {{path: <checkout>}}' in a copy of the manifest",
                    source.git, cloned.error(), source.git)};
  }
  Status checked_out = Git({"checkout", "--quiet", "--detach", source.commit}, partial, cache_dir / "git");
  Result<std::string> head =
      checked_out ? HeadCommit(partial, cache_dir / "git") : Result<std::string>(Error{checked_out.error()});
  if (!head || *head != source.commit) {
    fs::remove_all(partial, ec);
    return Error{fmt::format("commit {} is not in {}: {}", source.commit, source.git,
                             head ? "checked out " + *head : head.error())};
  }
  if (source.submodules) {
    if (Status sub = Git({"submodule", "update", "--init", "--recursive", "--quiet"}, partial, cache_dir / "git");
        !sub) {
      fs::remove_all(partial, ec);
      return Error{fmt::format("cannot check out the submodules of {}: {}", source.git, sub.error())};
    }
  }
  fs::rename(partial, dir, ec);
  if (ec) return Error{fmt::format("cannot move the clone into {}: {}", dir.string(), ec.message())};
  return dir;
}

}  // namespace

Result<std::string> ResolveRef(const Source& source, const fs::path& cache_dir, bool update) {
  fs::path mirror = cache_dir / "git" / fmt::format("{}.mirror", Sha256Hex(source.git).substr(0, 12));
  fs::path logs = cache_dir / "git";
  std::error_code ec;
  fs::create_directories(logs, ec);
  if (!fs::is_directory(mirror)) {
    if (!update) {
      return Error{
          fmt::format("source commit '{}' is a branch, tag or short hash, resolved by repro run, which has not "
                      "run yet; run it, or pin the full 40-hex hash",
                      source.ref)};
    }
    fs::path partial = mirror;
    partial += fmt::format(".partial-{}", ::getpid());
    fs::remove_all(partial, ec);
    if (Status cloned = Git({"clone", "--mirror", "--quiet", source.git, partial.string()}, logs, logs); !cloned) {
      fs::remove_all(partial, ec);
      return Error{
          fmt::format("cannot clone {} to resolve '{}': {}\nTwo ways around it: point git at a reachable mirror "
                      "(git config --global url.<mirror>.insteadOf {}), or pin the full commit hash and clone it "
                      "yourself with 'source: {{path: <checkout>}}'",
                      source.git, source.ref, cloned.error(), source.git)};
    }
    fs::rename(partial, mirror, ec);
    if (ec && !fs::is_directory(mirror))
      return Error{fmt::format("cannot move the mirror into {}: {}", mirror.string(), ec.message())};
    fs::remove_all(partial, ec);
  } else if (update) {
    if (Status fetched = Git({"fetch", "--prune", "--quiet"}, mirror, logs); !fetched) {
      return Error{fmt::format("cannot update {} to resolve '{}': {}", source.git, source.ref, fetched.error())};
    }
  }
  std::string out;
  if (Status parsed = Git({"rev-parse", "--verify", "--quiet", source.ref + "^{commit}"}, mirror, logs, &out);
      !parsed) {
    return Error{fmt::format("'{}' is not a branch, tag or commit of {}", source.ref, source.git)};
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::vector<std::string> CheckoutDeviations(const fs::path& dir, const std::string& pinned_commit) {
  std::vector<std::string> found;
  fs::path logs = fs::temp_directory_path() / fmt::format("repro-checkout-{}", ::getpid());
  std::error_code ec;
  fs::create_directories(logs, ec);
  Result<std::string> head = HeadCommit(dir, logs);
  if (!head) {
    found.push_back(
        pinned_commit.empty()
            ? fmt::format("code from --source {}, not a git checkout", dir.string())
            : fmt::format("code from --source {}, not a git checkout: that it is commit {} cannot be checked",
                          dir.string(), pinned_commit));
  } else {
    if (!pinned_commit.empty() && *head != pinned_commit) {
      found.push_back(
          fmt::format("checkout {} is at {}, not at the manifest's commit {}", dir.string(), *head, pinned_commit));
    }
    std::string status;
    if (Git({"status", "--porcelain", "--untracked-files=normal"}, dir, logs, &status)) {
      std::vector<std::string> changed;
      std::stringstream lines(status);
      for (std::string line; std::getline(lines, line);) {
        if (line.size() > 3) changed.push_back(line.substr(3));
      }
      if (!changed.empty()) {
        found.push_back(
            fmt::format("checkout {} has uncommitted changes in {} file(s): {}{}", dir.string(), changed.size(),
                        fmt::join(changed.begin(), changed.begin() + std::min<size_t>(changed.size(), 5), ", "),
                        changed.size() > 5 ? ", ..." : ""));
      }
    }
  }
  fs::remove_all(logs, ec);
  return found;
}

namespace {

// "a, b, c, ..." of at most five names: a report line stays readable however much is gone.
std::string FirstNames(const std::vector<std::string>& names) {
  return fmt::format("{}{}", fmt::join(names.begin(), names.begin() + std::min<size_t>(names.size(), 5), ", "),
                     names.size() > 5 ? ", ..." : "");
}

}  // namespace

// git status compares HEAD with the index and the index with the files, re-reading a file
// whose stat data changed, so a file the checkout never wrote (a blob the mirror lacked) or
// one changed since shows without hashing the whole tree each time a report is made.
std::vector<std::string> TreeDeviations(const fs::path& dir, const std::string& commit) {
  fs::path logs = fs::temp_directory_path() / fmt::format("repro-tree-{}", ::getpid());
  std::error_code ec;
  fs::create_directories(logs, ec);
  std::string out;
  // --no-optional-locks: a report only reads; it never rewrites the cache's index.
  Status status = Git({"--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=no", "--no-renames"},
                      dir, logs, &out);
  fs::remove_all(logs, ec);
  if (!status) {
    return {
        fmt::format("the checkout {} could not be compared with commit {}: {}", dir.string(), commit, status.error())};
  }
  std::vector<std::string> missing, changed;
  std::stringstream entries(out);
  for (std::string entry; std::getline(entries, entry, '\0');) {
    if (entry.size() < 4) continue;
    bool gone = entry[0] == 'D' || entry[1] == 'D';
    (gone ? missing : changed).push_back(entry.substr(3));
  }
  std::vector<std::string> found;
  if (!missing.empty()) {
    found.push_back(fmt::format("the checkout of commit {} lacks {} file(s) of that commit: {} (in {})", commit,
                                missing.size(), FirstNames(missing), dir.string()));
  }
  if (!changed.empty()) {
    found.push_back(fmt::format("the checkout of commit {} has {} file(s) that differ from that commit: {} (in {})",
                                commit, changed.size(), FirstNames(changed), dir.string()));
  }
  return found;
}

std::vector<std::string> CachedCheckoutDeviations(const Source& source, const fs::path& cache_dir) {
  if (!source.is_git() || source.commit.empty()) return {};
  fs::path dir = CheckoutDir(source, cache_dir);
  std::error_code ec;
  if (!fs::is_directory(dir / ".git", ec)) return {};
  return TreeDeviations(dir, source.commit);
}

std::string SetupIdentity(const Manifest& manifest, const std::string& source_identity) {
  std::string text = source_identity;
  for (const auto& step : manifest.setup) {
    for (const std::string& arg : step) text += "\n" + arg;
    text += "\n--";
  }
  for (const auto& [name, value] : manifest.env) text += "\nenv:" + name + "=" + value;
  return Sha256Hex(text);
}

namespace {

// Files that are Git LFS pointers, not the content they stand for (no git-lfs at clone time).
std::vector<std::string> LfsPointers(const fs::path& dir) {
  static constexpr std::string_view kHeader = "version https://git-lfs.github.com/spec/v1";
  std::vector<std::string> pointers;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || it->file_size(ec) > 1024) continue;
    std::string head = ReadFile(it->path()).value_or("");
    if (head.compare(0, kHeader.size(), kHeader) == 0) pointers.push_back(it->path().lexically_relative(dir).string());
  }
  std::sort(pointers.begin(), pointers.end());
  return pointers;
}

// The code with added files, applied patches and linked inputs, made once per identity.
Result<fs::path> PrepareModified(const Manifest& manifest, const Source& source, const fs::path& base,
                                 const std::string& identity, const fs::path& cache_dir) {
  fs::path dir = cache_dir / "prepared" / Sha256Hex(identity).substr(0, 24);
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return dir;
  fs::path partial = dir;
  partial += fmt::format(".partial-{}", ::getpid());
  fs::remove_all(partial, ec);
  auto fail = [&](std::string message) -> Result<fs::path> {
    fs::remove_all(partial, ec);
    return Error{std::move(message)};
  };
  if (Result<uint64_t> copied = MakeWorkingCopy(base, partial); !copied) return fail(copied.error());
  // Released code may ship symlinks where these go: every write resolves beneath the copy.
  for (const AddedFile& file : source.files) {
    if (Status added = ReplaceFileBeneath(partial, file.to, file.from); !added) {
      return fail(fmt::format("cannot add {} as {}: {}", file.from.string(), file.to, added.error()));
    }
  }
  for (const fs::path& patch : source.patches) {
    if (Status applied = Git({"apply", "--whitespace=nowarn", patch.string()}, partial, cache_dir / "prepared");
        !applied) {
      return fail(fmt::format("patch {} does not apply to {}: {}", patch.string(), base.string(), applied.error()));
    }
  }
  for (const Input& input : manifest.inputs) {
    Result<fs::path> cached = FetchInput(input, cache_dir);
    if (!cached) return fail(cached.error());
    // An input replaces a placeholder the code ships with.
    if (Status linked = ReplaceWithSymlinkBeneath(partial, input.path, *cached); !linked) {
      return fail(fmt::format("cannot link input {} into the code: {}", input.path, linked.error()));
    }
  }
  fs::rename(partial, dir, ec);
  if (ec && fs::is_directory(dir)) {  // another runner made it first, with the same content
    fs::remove_all(partial, ec);
    return dir;
  }
  if (ec) return fail(fmt::format("cannot move the prepared code into {}: {}", dir.string(), ec.message()));
  return dir;
}

// A local folder's code as tree.h lists it, copied once per digest: attempts and setup
// then never see what the folder holds besides its code (repro's own results, ignored files).
Result<fs::path> PrepareTree(const SourceTree& tree, const fs::path& cache_dir) {
  fs::path dir = cache_dir / "prepared" / ("tree-" + tree.digest.substr(0, 24));
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return dir;
  fs::path partial = dir;
  partial += fmt::format(".partial-{}", ::getpid());
  fs::remove_all(partial, ec);
  std::vector<std::string> paths;
  for (const TreeFile& file : tree.files) paths.push_back(file.path);
  if (Result<uint64_t> copied = CopyFiles(tree.dir, paths, partial); !copied) {
    fs::remove_all(partial, ec);
    return Error{copied.error()};
  }
  fs::rename(partial, dir, ec);
  if (ec && fs::is_directory(dir))
    fs::remove_all(partial, ec);  // another runner made it first
  else if (ec)
    return Error{fmt::format("cannot move the copy of {} into {}: {}", tree.dir.string(), dir.string(), ec.message())};
  return dir;
}

// The local folder of a path source, read once: its identity and its prepared copy.
Status PrepareLocal(const Manifest& manifest, const Source& source, const fs::path& cache_dir,
                    PreparedSource& prepared) {
  Result<SourceTree> tree = ReadSourceTree(source.path, source.outputs);
  if (!tree) return Error{tree.error()};
  Result<std::string> identity = IdentityFrom(manifest, source, "tree:" + tree->digest);
  if (!identity) return Error{identity.error()};
  Result<fs::path> copy = PrepareTree(*tree, cache_dir);
  if (!copy) return Error{copy.error()};
  prepared.identity = *identity;
  prepared.dir = *copy;
  prepared.description = fmt::format("{} (tree sha256 {})", source.path.string(), tree->digest.substr(0, 12));
  prepared.from_git = tree->from_git;
  prepared.left_out = tree->left_out;
  prepared.tree_files = TreeFilesText(tree->files);
  return Status::Ok();
}

}  // namespace

Result<PreparedSource> PrepareSource(const Manifest& manifest, const Source& source, const fs::path& cache_dir) {
  PreparedSource prepared;
  if (!source.is_git()) {
    if (Status local = PrepareLocal(manifest, source, cache_dir, prepared); !local) return Error{local.error()};
  } else {
    Result<std::string> identity = SourceIdentity(manifest, source);
    if (!identity) return Error{identity.error()};
    prepared.identity = *identity;
    Result<fs::path> checkout = CheckOutGit(source, cache_dir);
    if (!checkout) return Error{checkout.error()};
    prepared.dir = *checkout;
    prepared.description = fmt::format("{} @ {}", source.git, source.commit);
    prepared.deviations = TreeDeviations(prepared.dir, source.commit);
  }
  if (std::vector<std::string> pointers = LfsPointers(prepared.dir); !pointers.empty()) {
    prepared.warnings.push_back(fmt::format(
        "{} file(s) of the code are Git LFS pointers, not their content: {}{}. Install git-lfs and run 'git lfs pull' "
        "in {}, "
        "or name them as inputs",
        pointers.size(), fmt::join(pointers.begin(), pointers.begin() + std::min<size_t>(pointers.size(), 5), ", "),
        pointers.size() > 5 ? ", ..." : "", prepared.dir.string()));
  }
  if (source.modified() || !manifest.inputs.empty()) {
    Result<fs::path> modified = PrepareModified(manifest, source, prepared.dir, prepared.identity, cache_dir);
    if (!modified) return Error{modified.error()};
    prepared.dir = *modified;
  }
  return prepared;
}

}  // namespace repro
