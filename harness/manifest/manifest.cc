#include "harness/manifest/manifest.h"

namespace repro {

const char* BetterName(Better better) {
  switch (better) {
    case Better::kHigher: return "higher";
    case Better::kLower: return "lower";
    case Better::kEither: return "either";
  }
  return "?";
}

const Experiment* Manifest::FindExperiment(const std::string& id) const {
  for (const Experiment& experiment : experiments) {
    if (experiment.id == id) return &experiment;
  }
  return nullptr;
}

const Claim* Manifest::FindClaim(const std::string& id) const {
  for (const Claim& claim : claims) {
    if (claim.id == id) return &claim;
  }
  return nullptr;
}

}  // namespace repro
