// SHA-256 digests as lowercase hex, for run identities, manifests and source trees.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "harness/util/result.h"

namespace repro {

// SHA-256 fed piece by piece, for bytes that stream past (files, archive members).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view bytes);
  // The digest of everything given so far; call once.
  std::string HexDigest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256Hex(std::string_view bytes);

// Digest of a file's bytes; an error names the file.
Result<std::string> Sha256File(const std::filesystem::path& path);

// Digest of a directory's content: every regular file's relative path and bytes, in
// sorted order. Hidden entries (".git", ".venv") and __pycache__ are skipped because they
// are tool state, not source; symlinks are hashed by their target text.
Result<std::string> Sha256Tree(const std::filesystem::path& dir);

}  // namespace repro
