#include "harness/manifest/manifest.h"

#include <algorithm>

#include "harness/manifest/template.h"

namespace repro {
namespace {

// "{seed}" as a placeholder (not inside "{{...}}"), or the REPRO_SEED variable that a shell
// command or a wrapper script names.
bool NamesSeed(const std::string& text) {
  if (text.find("REPRO_SEED") != std::string::npos) return true;
  Result<std::vector<std::string>> names = TemplatePlaceholders(text);
  return names && std::find(names->begin(), names->end(), "seed") != names->end();
}

}  // namespace

bool SeedReachesCode(const Experiment& experiment, const NamedValues& env) {
  if (experiment.seed_from_env) return true;
  for (const std::string& argument : experiment.command) {
    if (NamesSeed(argument)) return true;
  }
  for (const auto& [name, value] : env) {
    if (NamesSeed(value)) return true;
  }
  return false;
}

const char* BetterName(Better better) {
  switch (better) {
    case Better::kHigher:
      return "higher";
    case Better::kLower:
      return "lower";
    case Better::kEither:
      return "either";
  }
  return "?";
}

Source Manifest::SourceOf(const Experiment& experiment) const {
  Source own = source;
  if (!experiment.source) return own;
  if (!experiment.source->commit.empty()) {
    own.commit = experiment.source->commit;
    own.ref.clear();
  }
  if (experiment.source->patches) own.patches = *experiment.source->patches;
  return own;
}

NamedValues Manifest::EnvOf(const Experiment& experiment) const {
  NamedValues merged;
  for (const auto& variable : env) {  // not a structured binding: clang 14 cannot capture one
    bool replaced = std::any_of(experiment.env.begin(), experiment.env.end(),
                                [&](const auto& own) { return own.first == variable.first; });
    if (!replaced) merged.push_back(variable);
  }
  merged.insert(merged.end(), experiment.env.begin(), experiment.env.end());
  return merged;
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

std::string OwnCodeSuffix(const Experiment& experiment) {
  if (!experiment.source) return "";
  if (!experiment.source->commit.empty()) return " @" + experiment.source->commit.substr(0, 12);
  return " (its own patches)";
}

}  // namespace repro
