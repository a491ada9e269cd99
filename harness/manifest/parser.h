// Reads and validates a manifest, reporting every problem in one pass with its position.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/manifest/diagnostic.h"
#include "harness/manifest/manifest.h"

namespace repro {

struct ManifestLoad {
  Manifest manifest;  // complete only when errors is empty
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

// Parses "text" as the manifest at "display_path"; relative paths in it resolve against
// "dir". Every error found is returned, in file order.
ManifestLoad ParseManifest(std::string text, const std::filesystem::path& display_path,
                           const std::filesystem::path& dir);

// Reads and parses the file at "path". Files over 10 MB, with NUL bytes or with invalid
// UTF-8 are refused before YAML parsing.
ManifestLoad LoadManifest(const std::filesystem::path& path);

// Defaults applied where the manifest is silent.
inline constexpr double kDefaultTimeoutSeconds = 24 * 3600;
inline constexpr size_t kMaxManifestBytes = 10 * 1000 * 1000;

}  // namespace repro
