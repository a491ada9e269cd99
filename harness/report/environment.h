// Why a claim may not have reproduced, as far as the environment tells: how the environment
// of its runs differs from the one the paper states (paper.environment), and how the
// environments of its own runs differ from each other.
#pragma once

#include <string>
#include <vector>

#include "harness/manifest/manifest.h"

namespace repro {

// "paper_environment": the manifest's paper.environment; "fingerprints": the JSON of each
// distinct environment the claim's runs ran in (fingerprint/fingerprint.h). One line a
// difference, e.g. "the paper used torch 1.13; these runs used torch 2.1.0".
std::vector<std::string> EnvironmentNotes(const NamedValues& paper_environment, const std::vector<std::string>& fingerprints);

}  // namespace repro
