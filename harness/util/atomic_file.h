// Whole-file writes that are all-or-nothing: a reader sees the old file or the new one,
// never half of either, even after a crash or kill -9 in the middle of the write.
#pragma once

#include <filesystem>
#include <string_view>

#include "harness/util/result.h"

namespace repro {

// Writes "content" to a temporary file beside "path", flushes it to disk, then renames it
// over "path". On failure "path" is untouched and the temporary file is removed.
// "durable" false skips the two fsyncs: still all-or-nothing for readers, but the newest
// version may be lost in a power cut (for copies of facts kept durably elsewhere).
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content, bool durable = true);

}  // namespace repro
