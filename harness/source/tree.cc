#include "harness/source/tree.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "harness/source/git.h"
#include "harness/util/atomic_file.h"
#include "harness/util/hash.h"
#include "harness/util/read_file.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ReadPatterns(const fs::path& dir) {
  std::vector<std::string> patterns;
  std::stringstream lines(ReadFile(dir / kReproIgnoreFile).value_or(""));
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') patterns.push_back(line);
  }
  return patterns;
}

// Absolute, normalised, symlinks resolved where they exist: a results folder given as
// "../repo/results" and the same folder seen from the source must compare equal.
std::string Normal(const fs::path& path) {
  std::error_code ec;
  fs::path normal = fs::weakly_canonical(fs::absolute(path), ec);
  return (ec ? fs::absolute(path).lexically_normal() : normal).string();
}

bool IsBeneath(const std::string& path, const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    if (path == root ||
        (path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/'))
      return true;
  }
  return false;
}

// What is left out of a folder: repro's outputs and .reproignore's patterns.
struct Exclusions {
  std::string dir;                                      // Normal(dir)
  std::vector<std::string> outputs;                     // Normal(output)
  std::vector<std::string> patterns;                    // .reproignore
  mutable std::map<std::string, bool> results_folders;  // by relative path, as found

  // Whether the folder "relative" (never the top itself: a manifest may keep its database
  // there) is a results folder of any repro invocation, not only this one's.
  bool ResultsFolder(const std::string& relative) const {
    auto [it, inserted] = results_folders.try_emplace(relative, false);
    if (inserted) it->second = IsResultsFolder(fs::path(dir) / relative);
    return it->second;
  }
  // Whether "relative" is one of this invocation's outputs or lies in a results folder.
  bool Output(const std::string& relative) const {
    if (IsBeneath(dir + "/" + relative, outputs)) return true;
    for (size_t end = relative.find('/'); end != std::string::npos; end = relative.find('/', end + 1)) {
      if (ResultsFolder(relative.substr(0, end))) return true;
    }
    return false;
  }
};

// Adds "relative" (a file or symlink) with its own digest, and feeds the folder's digest
// exactly as util's Sha256Tree does, so a folder outside git keeps its identity.
Status AddFile(const fs::path& dir, const std::string& relative, Sha256& tree, std::vector<TreeFile>& files) {
  fs::path path = dir / relative;
  Sha256 file;
  tree.Update(relative);
  tree.Update(std::string_view("\0", 1));
  if (fs::is_symlink(path)) {
    std::string target = "symlink:" + fs::read_symlink(path).string();
    tree.Update(target);
    file.Update(target);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{fmt::format("cannot read {}", path.string())};
    std::vector<char> buffer(1 << 16);
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      std::string_view chunk(buffer.data(), static_cast<size_t>(in.gcount()));
      tree.Update(chunk);
      file.Update(chunk);
    }
    if (in.bad()) return Error{fmt::format("error while reading {}", path.string())};
  }
  tree.Update(std::string_view("\0", 1));
  files.push_back({relative, file.HexDigest()});
  return Status::Ok();
}

// Every file beneath "dir/base" but hidden entries and __pycache__ (tool state, not code).
Status Walk(const fs::path& dir, const std::string& base, const Exclusions& exclusions, std::vector<std::string>& found,
            std::vector<std::string>& left_out) {
  std::error_code ec;
  fs::path start = base.empty() ? dir : dir / base;
  fs::recursive_directory_iterator it(start, ec), end;
  if (ec) return Error{fmt::format("cannot list {}: {}", start.string(), ec.message())};
  for (; it != end; it.increment(ec)) {
    if (ec) return Error{fmt::format("cannot list {}: {}", start.string(), ec.message())};
    std::string name = it->path().filename().string();
    std::string relative = it->path().lexically_relative(dir).generic_string();
    bool is_dir = it->is_directory(ec) && !it->is_symlink(ec);
    bool skipped = (!name.empty() && name[0] == '.') || name == "__pycache__" || exclusions.Output(relative) ||
                   (is_dir && exclusions.ResultsFolder(relative));
    if (!skipped && ReproIgnores(exclusions.patterns, relative, is_dir)) {
      left_out.push_back(relative + (is_dir ? "/" : ""));
      skipped = true;
    }
    if (skipped) {
      if (is_dir) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec) || it->is_regular_file(ec)) found.push_back(relative);
  }
  return Status::Ok();
}

std::vector<std::string> SplitNul(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, '\0');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// Git's view: tracked files (deleted ones skipped) and untracked ones it does not ignore. A
// folder entry (a submodule, a nested repository) is walked like a folder outside git.
Status ListWithGit(const fs::path& dir, const Exclusions& exclusions, std::vector<std::string>& found,
                   std::vector<std::string>& left_out) {
  std::string listed, ignored;
  if (Status s = RunGitQuietly(
          {"-c", "core.quotePath=off", "ls-files", "-z", "--cached", "--others", "--exclude-standard"}, dir, &listed);
      !s)
    return s;
  std::error_code ec;
  for (const std::string& relative : SplitNul(listed)) {
    // .reproignore configures repro, like its outputs it is not code (and outside git it is hidden).
    if (exclusions.Output(relative) || relative == kReproIgnoreFile) continue;
    fs::file_status status = fs::symlink_status(dir / relative, ec);
    if (ec || !fs::exists(status)) continue;
    bool is_dir = fs::is_directory(status);
    if (ReproIgnores(exclusions.patterns, relative, is_dir)) {
      left_out.push_back(relative + (is_dir ? "/" : ""));
    } else if (is_dir) {
      if (Status s = Walk(dir, relative, exclusions, found, left_out); !s) return s;
    } else if (fs::is_regular_file(status) || fs::is_symlink(status)) {  // never a FIFO or a device
      found.push_back(relative);
    }
  }
  // What git ignores is named, so a stale output of the user's own runs is seen to be left out.
  if (RunGitQuietly(
          {"-c", "core.quotePath=off", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"},
          dir, &ignored)) {
    for (std::string& relative : SplitNul(ignored)) {
      bool is_dir = relative.back() == '/';
      std::string bare = is_dir ? relative.substr(0, relative.size() - 1) : relative;
      if (!exclusions.Output(bare) && !(is_dir && exclusions.ResultsFolder(bare))) left_out.push_back(relative);
    }
  }
  return Status::Ok();
}

bool InsideGitWorkTree(const fs::path& dir) {
  std::string out;
  return RunGitQuietly({"rev-parse", "--is-inside-work-tree"}, dir, &out) && out.rfind("true", 0) == 0;
}

}  // namespace

bool IsResultsFolder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / kResultsMarkerFile, ec) || fs::is_regular_file(dir / "repro.db", ec);
}

Status MarkResultsFolder(const fs::path& dir) {
  if (IsResultsFolder(dir)) return Status::Ok();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", dir.string(), ec.message())};
  return WriteFileAtomically(dir / kResultsMarkerFile,
                             "This folder holds repro's results (attempt folders, logs, a database). repro leaves it\n"
                             "out of the code of any folder it lies in, so that its runs keep their identity.\n");
}

bool ReproIgnores(const std::vector<std::string>& patterns, const std::string& relative, bool is_dir) {
  for (std::string pattern : patterns) {
    bool dir_only = pattern.size() > 1 && pattern.back() == '/';
    if (dir_only) pattern.pop_back();
    bool anchored = pattern.find('/') != std::string::npos;
    if (!pattern.empty() && pattern[0] == '/') pattern.erase(0, 1);
    // Each leading part of the path is a folder; the whole path is one only when "is_dir".
    for (size_t end = relative.find('/');; end = relative.find('/', end + 1)) {
      bool whole = end == std::string::npos;
      std::string prefix = relative.substr(0, end);
      std::string name = prefix.substr(prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/') + 1);
      bool folder = !whole || is_dir;
      if (!dir_only || folder) {
        if (anchored ? ::fnmatch(pattern.c_str(), prefix.c_str(), FNM_PATHNAME) == 0
                     : ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0)
          return true;
      }
      if (whole) break;
    }
  }
  return false;
}

Result<SourceTree> ReadSourceTree(const fs::path& dir, const std::vector<fs::path>& outputs) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{fmt::format("cannot list {}: not a folder", dir.string())};
  Exclusions exclusions{Normal(dir), {}, ReadPatterns(dir), {}};
  for (const fs::path& output : outputs) exclusions.outputs.push_back(Normal(output));
  SourceTree tree;
  tree.dir = dir;
  tree.from_git = InsideGitWorkTree(dir);
  std::vector<std::string> found;
  Status listed = tree.from_git ? ListWithGit(dir, exclusions, found, tree.left_out)
                                : Walk(dir, "", exclusions, found, tree.left_out);
  if (!listed) return Error{listed.error()};
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::sort(tree.left_out.begin(), tree.left_out.end());
  Sha256 digest;
  for (const std::string& relative : found) {
    if (Status added = AddFile(dir, relative, digest, tree.files); !added) return Error{added.error()};
  }
  tree.digest = digest.HexDigest();
  return tree;
}

std::string TreeFilesText(const std::vector<TreeFile>& files) {
  std::string text;
  for (const TreeFile& file : files) text += file.sha256 + " " + file.path + "\n";
  return text;
}

std::vector<TreeFile> ParseTreeFiles(const std::string& text) {
  std::vector<TreeFile> files;
  std::stringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    size_t space = line.find(' ');
    if (space != std::string::npos) files.push_back({line.substr(space + 1), line.substr(0, space)});
  }
  return files;
}

std::string DescribeTreeChange(const std::vector<TreeFile>& then, const std::vector<TreeFile>& now) {
  std::map<std::string, std::string> before, after;
  for (const TreeFile& file : then) before[file.path] = file.sha256;
  for (const TreeFile& file : now) after[file.path] = file.sha256;
  std::vector<std::string> changes;
  for (const auto& [path, sha] : after) {
    auto it = before.find(path);
    if (it == before.end())
      changes.push_back(path + " (new)");
    else if (it->second != sha)
      changes.push_back(path + " (changed)");
  }
  for (const auto& [path, sha] : before) {
    if (!after.count(path)) changes.push_back(path + " (removed)");
  }
  if (changes.empty()) return "";
  size_t shown = std::min<size_t>(changes.size(), 8);
  return fmt::format("{} file{} differ{} since the runs: {}{}", changes.size(), changes.size() == 1 ? "" : "s",
                     changes.size() == 1 ? "s" : "", fmt::join(changes.begin(), changes.begin() + shown, ", "),
                     changes.size() > shown ? ", ..." : "");
}

}  // namespace repro
