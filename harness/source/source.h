// Makes a manifest's code available and names it exactly: a local folder by the digest of
// its content, a git repository by its pinned commit, cloned once into a cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "harness/manifest/manifest.h"
#include "harness/util/result.h"

namespace repro {

struct PreparedSource {
  std::filesystem::path dir;  // where commands run
  std::string identity;       // "git:<commit>" or "tree:<sha256>"
  std::string description;    // for reports: "https://github.com/x/y @ <commit>" or "./code (tree sha256 ...)"
};

// The identity without fetching anything (a git source is named by its commit).
Result<std::string> SourceIdentity(const Source& source);

// A local folder is used in place; a git repository is cloned into "cache_dir" once per
// commit and verified to be at that commit. Errors say what failed and how to get around it.
Result<PreparedSource> PrepareSource(const Source& source, const std::filesystem::path& cache_dir);

// Copies the source tree "from" (not its .git) into "to", which must not exist yet, so that
// an attempt can write anywhere in its code without touching the cached checkout or another
// attempt. Files are cloned (reflink) where the filesystem can, else copied; symlinks stay
// symlinks and modes are kept. Returns the number of bytes copied.
Result<uint64_t> MakeWorkingCopy(const std::filesystem::path& from, const std::filesystem::path& to);

// $REPRO_CACHE, else $XDG_CACHE_HOME/repro, else ~/.cache/repro.
std::filesystem::path DefaultCacheDir();

}  // namespace repro
