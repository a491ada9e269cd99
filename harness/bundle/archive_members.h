// Reads the files of a stranger's archive into memory, without unpacking it: a paper's
// arXiv source (.tar.gz, .tar, or a single gzipped .tex). Only regular files with a name
// that stays inside the archive are read; links, devices, absolute names and names that
// climb are skipped and named, and the count, each member and the total are capped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/util/result.h"

namespace repro {

struct ArchiveLimits {
  uint64_t total_bytes = uint64_t{64} << 20;  // of the members read
  uint64_t member_bytes = uint64_t{32} << 20;
  int members = 10000;  // headers looked at, read or not
};

struct ArchiveMembers {
  std::map<std::string, std::string> files;  // "tables/main.tex" -> its bytes
  std::vector<std::string> skipped;          // "../x.tex: its name climbs out of the archive (not read)"
  bool single_file = false;                  // a gzipped file, not a tar: its one member is always "data"
};

// The members of "archive" whose name "wanted" accepts ("./" and trailing slashes removed).
Result<ArchiveMembers> ReadArchiveMembers(const std::filesystem::path& archive,
                                          const std::function<bool(const std::string&)>& wanted,
                                          const ArchiveLimits& limits = {});

}  // namespace repro
