// Why a claim may not have reproduced, as far as the environment tells: how the environment
// of its runs differs from the one the paper states (paper.environment), and how the
// environments of its own runs differ from each other.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/manifest/manifest.h"

namespace repro {

// "paper_environment": the manifest's paper.environment; "fingerprints": the JSON of each
// distinct environment the claim's runs ran in (fingerprint/fingerprint.h). One line a
// difference, e.g. "the paper used torch 1.13; these runs used torch 2.1.0".
std::vector<std::string> EnvironmentNotes(const NamedValues& paper_environment,
                                          const std::vector<std::string>& fingerprints);

// The environments of a report as one table a reviewer reads, printed or not: a row per
// thing (OS, kernel, CPU, memory, GPU, each interpreter, its packages and BLAS, repro), a
// value per environment ("" where one says nothing). Keys it does not know get a row of
// their own, so nothing recorded is hidden; text that is not a JSON object is one row.
struct EnvironmentRow {
  std::string name;
  std::vector<std::string> values;  // one per fingerprint, in order
};
std::vector<EnvironmentRow> EnvironmentTable(const std::vector<std::string>& fingerprints);

}  // namespace repro
