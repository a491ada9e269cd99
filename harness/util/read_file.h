// Whole files and the ends of logs, read from paths repro chose itself. A file the released
// code may have replaced is read through regular_file.h instead.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/util/result.h"

namespace repro {

Result<std::string> ReadFile(const std::filesystem::path& path);

// The last "count" lines of a text file (read from its last 64 KiB, so a huge log costs no
// more than a small one); empty when the file is missing.
std::vector<std::string> LastLines(const std::filesystem::path& path, size_t count);

}  // namespace repro
