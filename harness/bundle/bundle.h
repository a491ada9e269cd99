// A reproduction in one file: `repro bundle` packs the manifest with its added files, patches
// and the files beside it that commands and setup use, the reports (md, html, json), every
// attempt's logs and record, the setup steps' logs, and a database holding only this
// manifest's runs, with a SHA256SUMS listing (and, with --sign, SHA256SUMS.sig); `repro
// verify` reads it and names every file that changed, went missing or was slipped in.
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

struct BundleOptions {
  std::filesystem::path sign_key;  // an SSH private key (or its .pub with ssh-agent): signs SHA256SUMS; empty: unsigned
};

struct BundleWritten {
  int files = 0;                     // listed in its SHA256SUMS
  std::vector<std::string> refused;  // "<path>: not a regular file (a symbolic link)": attempt files left out
  // The sha256 of its SHA256SUMS, which names every other file's: published with the review,
  // it makes any change to the bundle show, SHA256SUMS rewritten to match or not.
  std::string root_digest;
  bool is_signed = false;  // SHA256SUMS.sig holds an SSH signature over SHA256SUMS
};
Result<BundleWritten> WriteBundle(const Evaluation& evaluation, const std::vector<RunSpec>& runs, Store& store,
                                  const std::filesystem::path& output, const BundleOptions& options = {});

struct VerifyOptions {
  std::string digest;                     // the root digest published with the review; empty: not checked
  std::filesystem::path allowed_signers;  // with "identity": SHA256SUMS.sig is checked (ssh-keygen -Y verify)
  std::string identity;
};

struct VerifyResult {
  int files = 0;                      // listed in SHA256SUMS
  int intact = 0;                     // of those, present as regular files with the listed sha256
  std::vector<std::string> problems;  // "changed: logs/.../stdout.log (sha256 expected ..., found ...)"
  std::string root_digest;            // sha256 of the bundle's SHA256SUMS
  bool digest_matched = false;        // the digest given in VerifyOptions is the root digest
  bool has_signature = false;         // a SHA256SUMS.sig member is there
  std::string signature;              // ssh-keygen's words for a good signature; empty when not checked or bad
  int report_hashes = 0;              // hashes report.json vouches for, found equal in the bundle
  bool ok() const { return problems.empty(); }
};
// Besides SHA256SUMS, the hashes report.json lists (manifest, files beside it, logs) must
// match the bundled files, and with options, the root digest or the signature must hold:
// without them, whoever rewrites a log and its SHA256SUMS line goes unseen.
// Problems name members as the archive spells them: the caller makes them visible before
// printing (util's VisibleText).
Result<VerifyResult> VerifyBundle(const std::filesystem::path& archive, const VerifyOptions& options = {});

}  // namespace repro
