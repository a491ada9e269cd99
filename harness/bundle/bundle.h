// A reproduction in one file: `repro bundle` packs the manifest with its added files and
// patches, the reports (md, html, json), every attempt's logs and record, and a database
// holding only this manifest's runs, with a SHA256SUMS listing; `repro verify` unpacks it
// and names every file that changed, went missing or was slipped in.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/manifest/plan.h"
#include "harness/report/evaluation.h"
#include "harness/store/store.h"
#include "harness/util/result.h"

namespace repro {

Status WriteBundle(const Evaluation& evaluation, const std::vector<RunSpec>& runs, Store& store, const std::filesystem::path& output);

struct VerifyResult {
  int files = 0;                       // listed in SHA256SUMS
  std::vector<std::string> problems;   // "changed: logs/.../stdout.log (sha256 expected ..., found ...)"
  bool ok() const { return problems.empty(); }
};
Result<VerifyResult> VerifyBundle(const std::filesystem::path& archive);

}  // namespace repro
