// The 'claims' section of a manifest: value, comparison and ranking claims, checked
// against the experiments already read. Internal to the manifest module.
#pragma once

#include "harness/manifest/manifest.h"
#include "harness/manifest/yaml_reader.h"

namespace repro {

// Appends every valid claim of "node" to manifest.claims; reports every problem.
void ParseClaims(const YAML::Node& node, Manifest& manifest, yaml::Diagnostics& diagnostics);

}  // namespace repro
