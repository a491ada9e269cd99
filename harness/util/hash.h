// SHA-256 digests as lowercase hex, for run identities, manifests and source trees.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "harness/util/result.h"

namespace repro {

std::string Sha256Hex(std::string_view bytes);

// Digest of a file's bytes; an error names the file.
Result<std::string> Sha256File(const std::filesystem::path& path);

// Digest of a directory's content: every regular file's relative path and bytes, in
// sorted order. Hidden entries (".git", ".venv") and __pycache__ are skipped because they
// are tool state, not source; symlinks are hashed by their target text.
Result<std::string> Sha256Tree(const std::filesystem::path& dir);

}  // namespace repro
