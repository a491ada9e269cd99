// The 'metrics' of an experiment, and the placeholder check shared with commands.
// Internal to the manifest module.
#pragma once

#include <string>
#include <vector>

#include "harness/manifest/manifest.h"
#include "harness/manifest/yaml_reader.h"

namespace repro {

// Reports placeholders of "text" that are not in "known".
void CheckPlaceholders(const std::string& text, const YAML::Node& at, const std::vector<std::string>& known,
                       const std::string& context, yaml::Diagnostics& diagnostics);

// Reads every metric of "node" into experiment.metrics; reports every problem.
void ParseMetrics(const YAML::Node& node, Experiment& experiment, const std::vector<std::string>& placeholders,
                  yaml::Diagnostics& diagnostics);

// Whether "metric" names a metric of "experiment": a plain name, or one a "{name}"
// template can produce ("test_loss" from "{name}_loss").
bool ExperimentHasMetric(const Experiment& experiment, const std::string& metric);

}  // namespace repro
