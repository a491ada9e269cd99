// A local folder's code, file by file, as repro identifies and copies it. In a git work tree
// it is what git tracks plus the untracked files git does not ignore; elsewhere every file but
// hidden entries and __pycache__. Never a path `.reproignore` names, and never repro's own
// outputs when they lie inside the folder (this invocation's results folder, database and
// cache, and any other results folder, known by its marker file or its repro.db): code that
// changes whenever repro writes a log could never be run twice under one identity.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/util/result.h"

namespace repro {

struct TreeFile {
  std::string path;    // relative to the folder, with '/'
  std::string sha256;  // of the content; of "symlink:<target>" for a symlink
};

struct SourceTree {
  std::filesystem::path dir;
  bool from_git = false;              // listed by git
  std::vector<TreeFile> files;        // sorted by path
  std::string digest;                 // the folder's identity: a SHA-256 over paths and contents
  std::vector<std::string> left_out;  // present but not code: ignored by git or .reproignore ("build/", "result.txt")
};

// The file of ignore patterns a folder may hold at its top, gitignore-style.
inline constexpr const char* kReproIgnoreFile = ".reproignore";

// The file repro writes into each results folder it runs into, so that the folder is never
// taken for code (a second --results inside a manifest's own folder).
inline constexpr const char* kResultsMarkerFile = ".repro-results";

// Whether "dir" is a results folder of repro: it holds the marker or a repro.db.
bool IsResultsFolder(const std::filesystem::path& dir);
// Creates "dir" if need be and marks it as a results folder.
Status MarkResultsFolder(const std::filesystem::path& dir);

// Lists and hashes the code in "dir". "outputs" are absolute paths of what repro writes
// (folders or files); whatever lies at or beneath one is not code.
Result<SourceTree> ReadSourceTree(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& outputs);

// "files" as text, one "sha256 path" line each, for the store; and back.
std::string TreeFilesText(const std::vector<TreeFile>& files);
std::vector<TreeFile> ParseTreeFiles(const std::string& text);

// How the code changed between two listings, for a person: "2 files differ since the runs:
// train.py (changed), notes.txt (new)". Empty when they are the same.
std::string DescribeTreeChange(const std::vector<TreeFile>& then, const std::vector<TreeFile>& now);

// Whether the .reproignore "patterns" (one per line, gitignore-style: '#' comments, a
// trailing '/' for folders only, a '/' inside or in front anchors at the top, '*' '?' '[...]')
// name "relative", a path with '/' that is a folder when "is_dir".
bool ReproIgnores(const std::vector<std::string>& patterns, const std::string& relative, bool is_dir);

}  // namespace repro
