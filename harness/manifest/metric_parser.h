// The 'metrics' of an experiment, and the placeholder check shared with commands.
// Internal to the manifest module.
#pragma once

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "harness/manifest/manifest.h"
#include "harness/manifest/yaml_reader.h"

namespace repro {

// The placeholders an experiment's command and metric files may use. Hashed: a command
// may name thousands of them and an experiment have thousands of parameters.
struct Placeholders {
  std::vector<std::string> names;  // in order, for messages
  std::unordered_set<std::string> known;
  bool Has(const std::string& name) const { return known.count(name) != 0; }
};

// Reports placeholders of "text" that are not in "known".
void CheckPlaceholders(const std::string& text, const YAML::Node& at, const Placeholders& known,
                       const std::string& context, yaml::Diagnostics& diagnostics);

// Reads every metric of "node" into experiment.metrics; reports every problem.
void ParseMetrics(const YAML::Node& node, Experiment& experiment, const Placeholders& placeholders,
                  yaml::Diagnostics& diagnostics);

// The metric names of one experiment, indexed once, so that each lookup costs the same
// however many metrics the experiment has. Answers as ExperimentHasMetric does.
class MetricIndex {
 public:
  explicit MetricIndex(const Experiment& experiment);
  bool Has(const std::string& metric) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::unordered_set<std::string> plain_;
  std::vector<std::pair<std::string, std::string>> templates_;  // prefix and suffix around "{name}"
  std::vector<std::string> names_;
};

// Whether "metric" names a metric of "experiment": a plain name, or one a "{name}"
// template can produce ("test_loss" from "{name}_loss").
bool ExperimentHasMetric(const Experiment& experiment, const std::string& metric);
// The spec that yields "metric": the plain name first, else the first template that fits.
const MetricSpec* FindMetricSpec(const Experiment& experiment, const std::string& metric);

}  // namespace repro
