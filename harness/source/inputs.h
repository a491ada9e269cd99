// Data inputs (datasets, checkpoints): fetched once into the cache under their sha256,
// verified, and handed to attempts as read-only links.
#pragma once

#include <filesystem>

#include "harness/manifest/manifest.h"
#include "harness/util/result.h"

namespace repro {

// The cached, verified copy of "input": copied from its 'from' or downloaded from its 'url'
// (with curl) when not cached yet. Errors name the input, the expected and found hash, and
// where repro looked.
Result<std::filesystem::path> FetchInput(const Input& input, const std::filesystem::path& cache_dir);

}  // namespace repro
