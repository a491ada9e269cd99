// Paths a stranger's manifest names, checked to stay where they belong: files beside the
// manifest, places in the code's working copy, metric files in the attempt's folder.
// Internal to the manifest module.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace repro {

// Whether a '/'-separated component of "path" is "..", or a glob that can match ".."
// (".*", ".?"): either reaches the parent folder.
bool HasParentComponent(std::string_view path);

// Why "path" is not a relative path inside a folder ("is absolute", ...), or nullopt.
std::optional<std::string> InsidePathProblem(std::string_view path);

// Whether "file", with every symlink resolved, lies inside "folder" (resolved too).
bool ResolvesInside(const std::filesystem::path& file, const std::filesystem::path& folder);

}  // namespace repro
