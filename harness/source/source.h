// Makes a manifest's code available and names it exactly: a local folder by the digest of
// its content, a git repository by its pinned commit, cloned once into a cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/manifest/manifest.h"
#include "harness/util/result.h"

namespace repro {

struct PreparedSource {
  std::filesystem::path dir;  // the code as attempts copy it; setup runs here
  std::string identity;       // "git:<commit>" or "tree:<sha256>", "+<digest>" when files, patches or inputs are added
  std::string description;    // for reports: "https://github.com/x/y @ <commit>" or "./code (tree sha256 ...)"
  std::vector<std::string> warnings;  // said before the runs (Git LFS pointers, say)
  // How the checkout differs from its commit (files missing or changed), each a deviation
  // for the report: git can exit 0 from a checkout that could not write every file.
  std::vector<std::string> deviations;
  // A local folder's code: whether git listed it, what was left out (ignored by git or
  // .reproignore) and every file with its sha256 (tree.h), kept so that compare can say
  // later what changed since the runs.
  bool from_git = false;
  std::vector<std::string> left_out;
  std::string tree_files;
};

// The identity without fetching anything (a git source is named by its commit): the code
// (a local folder as tree.h lists it), and the content of every added file, patch and input.
// "source" is the manifest's own, or an experiment's (Manifest::SourceOf).
Result<std::string> SourceIdentity(const Manifest& manifest, const Source& source);
inline Result<std::string> SourceIdentity(const Manifest& manifest) {
  return SourceIdentity(manifest, manifest.source);
}

// The commit a source's ref (short hash, branch, tag) names, from a mirror of the repository
// in the cache. "update" fetches the mirror first (repro run); without it the mirror as last
// fetched answers (compare, report), so they judge the code that run ran.
Result<std::string> ResolveRef(const Source& source, const std::filesystem::path& cache_dir, bool update);

// How a checkout given with --source differs from what the manifest pins ("pinned_commit",
// empty for a path source): not a git checkout, another HEAD, uncommitted changes. Each is a
// deviation for the report.
std::vector<std::string> CheckoutDeviations(const std::filesystem::path& dir, const std::string& pinned_commit);

// How the git checkout "dir" differs from "commit": files git lists at that commit that are
// missing or changed, and files it does not, one line each for the report; a checkout git
// cannot compare is named too. Untracked files are not counted: setup steps build in the
// checkout. Empty when the tree is the commit's.
std::vector<std::string> TreeDeviations(const std::filesystem::path& dir, const std::string& commit);

// TreeDeviations of the cached checkout of a git source, when repro run has made one
// (compare and report judge the code that run ran); empty for a path source or no checkout.
std::vector<std::string> CachedCheckoutDeviations(const Source& source, const std::filesystem::path& cache_dir);

// What names a setup: the source identity, the steps and the env. Setup runs once per
// identity, and reports find its recorded steps by it.
std::string SetupIdentity(const Manifest& manifest, const std::string& source_identity);

// A local folder's code (tree.h: git's view, never repro's outputs) is copied once per
// identity into the cache; a git repository is cloned into "cache_dir" once per
// commit and verified to be at that commit. With added files, patches or inputs, the code is
// prepared once per identity in the cache: copied, files added, patches applied with git
// apply, inputs fetched, verified and linked. Errors say what failed and how to get around it.
Result<PreparedSource> PrepareSource(const Manifest& manifest, const Source& source,
                                     const std::filesystem::path& cache_dir);
inline Result<PreparedSource> PrepareSource(const Manifest& manifest, const std::filesystem::path& cache_dir) {
  return PrepareSource(manifest, manifest.source, cache_dir);
}

// What the run changes of the released code, with hashes, for every report: patches, added
// files and inputs, and the code of each experiment that has its own commit or patches.
std::vector<std::string> Deviations(const Manifest& manifest);

// Copies the source tree "from" (not its .git) into "to", which must not exist yet, so that
// an attempt can write anywhere in its code without touching the cached checkout or another
// attempt. Files are cloned (reflink) where the filesystem can, else copied; symlinks stay
// symlinks and modes are kept. Returns the number of bytes copied.
Result<uint64_t> MakeWorkingCopy(const std::filesystem::path& from, const std::filesystem::path& to);

// Copies the files "relative" (paths beneath "from", with '/') into "to", which must not
// exist yet, as MakeWorkingCopy does: how a local folder becomes its prepared copy.
Result<uint64_t> CopyFiles(const std::filesystem::path& from, const std::vector<std::string>& relative,
                           const std::filesystem::path& to);

// $REPRO_CACHE, else $XDG_CACHE_HOME/repro, else ~/.cache/repro.
std::filesystem::path DefaultCacheDir();

}  // namespace repro
