// A reproduction in one file: `repro bundle` packs the manifest with its added files and
// patches, the reports (md, html, json), every attempt's logs and record, and a database
// holding only this manifest's runs, with a SHA256SUMS listing; `repro verify` reads it and
// names every file that changed, went missing or was slipped in.
//
// Attempt folders were writable by the released code, and a bundle may come from anyone: a
// bundle packs only regular files (never what a symlink points at, never a FIFO), and verify
// reads the archive in place (libarchive, nothing unpacked, no temporary folder), hashes
// only regular members and never a path SHA256SUMS names outside the bundle.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/manifest/plan.h"
#include "harness/report/evaluation.h"
#include "harness/store/store.h"
#include "harness/util/result.h"

namespace repro {

struct BundleWritten {
  int files = 0;                     // listed in its SHA256SUMS
  std::vector<std::string> refused;  // "<path>: not a regular file (a symbolic link)": attempt files left out
};
Result<BundleWritten> WriteBundle(const Evaluation& evaluation, const std::vector<RunSpec>& runs, Store& store,
                                  const std::filesystem::path& output);

struct VerifyResult {
  int files = 0;                       // listed in SHA256SUMS
  int intact = 0;                      // of those, present as regular files with the listed sha256
  std::vector<std::string> problems;   // "changed: logs/.../stdout.log (sha256 expected ..., found ...)"
  bool ok() const { return problems.empty(); }
};
// Problems name members as the archive spells them: the caller makes them visible before
// printing (util's VisibleText).
Result<VerifyResult> VerifyBundle(const std::filesystem::path& archive);

}  // namespace repro
