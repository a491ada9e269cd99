#include "harness/manifest/metric_parser.h"

#include <fmt/format.h>

#include <set>
#include <unordered_map>

#include "harness/manifest/names.h"
#include "harness/manifest/paths.h"
#include "harness/manifest/template.h"
#include "harness/metrics/regex.h"
#include "harness/util/text.h"
#include "harness/util/units.h"

namespace repro {
namespace {

using yaml::Diagnostics;
using yaml::MapReader;

const std::vector<std::string> kMetricKeys = {"stdout", "stderr",      "file",     "stream",    "json", "jsonl",
                                              "csv",    "tensorboard", "lm_eval",  "regex",     "step", "reduce",
                                              "scale",  "unit",        "max_size", "replicates"};

// The keys that each name one format of a metric file.
const std::vector<std::pair<std::string, MetricSource>> kFileFormats = {{"json", MetricSource::kJson},
                                                                        {"jsonl", MetricSource::kJsonLines},
                                                                        {"csv", MetricSource::kCsv},
                                                                        {"tensorboard", MetricSource::kTensorBoard},
                                                                        {"lm_eval", MetricSource::kLmEval}};

// A plain name, or letters, digits and '_' around one "{name}".
bool IsMetricName(const std::string& name) {
  if (IsName(name, "_", "_", /*digit_first=*/false)) return true;
  size_t at = name.find("{name}");
  if (at == std::string::npos) return false;
  auto word = [](std::string_view part) { return part.empty() || IsName(part, "_", "_", /*digit_first=*/true); };
  return word(std::string_view(name).substr(0, at)) && word(std::string_view(name).substr(at + 6));
}

class MetricParser {
 public:
  MetricParser(Experiment& experiment, const Placeholders& placeholders, Diagnostics& diagnostics)
      : e_(experiment), placeholders_(placeholders), d_(diagnostics) {}

  void ParseAll(const YAML::Node& node) {
    std::string context = fmt::format("in experiment '{}'", yaml::Brief(e_.id));
    if (!node.IsMap() || node.size() == 0) {
      d_.Add(node, fmt::format("'metrics' {} must be a mapping of metric names to extractors", context));
      return;
    }
    std::set<std::string> seen;
    std::vector<std::pair<ReducerSpec, YAML::Node>> at_best;
    for (auto it = node.begin(); it != node.end(); ++it) {
      YAML::Node key = it->first, value = it->second;  // copies: yaml-cpp's iterator yields temporaries
      std::optional<std::string> name = yaml::ScalarText(key, "a metric name", d_);
      if (!name) continue;
      if (!seen.insert(*name).second) {
        d_.Add(key, fmt::format("duplicate key '{}' in metrics {}", *name, context));
        continue;
      }
      if (!IsMetricName(*name)) {
        d_.Add(key,
               fmt::format("metric name '{}' {} may only use letters, digits, '_' and one {{name}}", *name, context));
        continue;
      }
      if (std::optional<MetricSpec> spec = ParseMetric(*name, value)) {
        if (spec->reduce.kind == ReducerSpec::Kind::kAtBest) at_best.emplace_back(spec->reduce, value["reduce"]);
        e_.metrics.push_back(*spec);
      }
    }
    MetricIndex index(e_);
    for (const auto& [reduce, at] : at_best) {
      if (index.Has(reduce.other)) continue;
      d_.Add(at, fmt::format("'at_best' in experiment '{}' names unknown metric '{}'{}", yaml::Brief(e_.id),
                             reduce.other, d_.DidYouMean(reduce.other, index.names())));
    }
  }

 private:
  std::optional<MetricSpec> ParseMetric(const std::string& name, const YAML::Node& node) {
    std::string context = fmt::format("in metric '{}' of experiment '{}'", yaml::Brief(name), yaml::Brief(e_.id));
    MapReader reader(node, context, kMetricKeys, d_);
    if (!reader.is_map()) return std::nullopt;
    MetricSpec spec;
    spec.name = name;
    int origins = 0;
    for (const char* key : {"stdout", "stderr", "file", "stream"}) origins += reader.Find(key) ? 1 : 0;
    if (origins != 1) {
      d_.Add(node, fmt::format("{} {} say where the values are: exactly one of 'stdout', 'stderr' (a regex), 'file' or "
                               "'stream'",
                               context, origins == 0 ? "must" : "must only"));
      return spec;  // still declares the name, so claims naming it get no second error
    }
    if (reader.Find("stdout") || reader.Find("stderr")) {
      ParseRegex(reader, spec, context);
    } else if (reader.Find("file") && reader.Find("regex")) {
      ParseTextFile(reader, spec, context);
    } else {
      ParseStructured(reader, spec, context);
    }
    if (spec.HasNameTemplate() && !spec.IsRegex()) {
      d_.Add(node,
             fmt::format("metric name '{}' has {{name}}, which only a regex with a (?<name>...) group can fill", name));
    }
    if (const YAML::Node* reduce = reader.Find("reduce")) ParseReducer(*reduce, spec, context);
    ParseReplicates(reader, spec, context);
    if (auto scale = reader.String("scale")) {
      std::optional<double> value = ParseDecimal(*scale);
      if (!value || *value == 0) {
        d_.Add(*reader.Find("scale"),
               fmt::format("'scale' {} must be a non-zero number such as 100, got '{}'", context, *scale));
      } else {
        spec.scale = *value;
      }
    }
    spec.unit = reader.String("unit").value_or("");
    if (auto size = reader.String("max_size")) {
      std::optional<int64_t> bytes = ParseBytes(*size);
      if (!reader.Find("file")) {
        d_.Add(*reader.Find("max_size"), fmt::format("'max_size' {} only goes with 'file'", context));
      } else if (!bytes || *bytes <= 0) {
        d_.Add(*reader.Find("max_size"),
               fmt::format("'max_size' {} must be a size such as 512M or 8G, got '{}'", context, *size));
      } else {
        spec.max_bytes = *bytes;
      }
    }
    // Even a broken spec declares the metric, so claims naming it get no second error.
    return spec;
  }

  void ParseRegex(const MapReader& reader, MetricSpec& spec, const std::string& context) {
    const char* key = reader.Find("stdout") ? "stdout" : "stderr";
    spec.source = reader.Find("stdout") ? MetricSource::kStdout : MetricSource::kStderr;
    spec.pattern = reader.String(key).value_or("");
    for (const char* other : {"json", "jsonl", "csv", "tensorboard", "lm_eval", "step"}) {
      if (reader.Find(other))
        d_.Add(*reader.Find(other), fmt::format("'{}' {} only goes with 'file' or 'stream'", other, context));
    }
    if (const YAML::Node* regex = reader.Find("regex")) {
      d_.Add(*regex,
             fmt::format("'regex' {} goes with 'file' (a text file the code writes); on output, the pattern is the "
                         "value of '{}' itself",
                         context, key));
    }
    CheckRegex(*reader.Find(key), spec, context);
  }

  // A regex over the lines of a file the code writes (result.txt, log.txt).
  void ParseTextFile(const MapReader& reader, MetricSpec& spec, const std::string& context) {
    spec.source = MetricSource::kTextFile;
    spec.pattern = reader.String("regex").value_or("");
    for (const char* other : {"json", "jsonl", "csv", "tensorboard", "lm_eval", "step"}) {
      if (reader.Find(other)) {
        d_.Add(*reader.Find(other),
               fmt::format("'{}' {} does not go with 'regex': a file is read either as text under a regex "
                           "or as one format",
                           other, context));
      }
    }
    ParseFile(reader, spec, context);
    CheckRegex(*reader.Find("regex"), spec, context);
  }

  void CheckRegex(const YAML::Node& at, const MetricSpec& spec, const std::string& context) {
    Result<Regex> regex = Regex::Compile(spec.pattern);
    if (!regex) {
      d_.Add(at, fmt::format("invalid regex {}: {}", context, regex.error()));
    } else if (!regex->HasGroup("value")) {
      d_.Add(at, fmt::format("regex {} has no named group 'value'; write (?<value>...) around the number", context));
    } else if (regex->HasGroup("n") && !regex->HasGroup("std") && !regex->HasGroup("stderr")) {
      d_.Add(at, fmt::format("regex {} has a group 'n' but no group 'std' or 'stderr': 'n' counts the values a printed "
                             "\"± x\" summarises",
                             context));
    } else if (regex->HasGroup("name") != spec.HasNameTemplate()) {
      d_.Add(at, spec.HasNameTemplate()
                     ? fmt::format("regex {} has no group 'name' to fill {{name}} in the metric name", context)
                     : fmt::format("regex {} has a group 'name'; put {{name}} in the metric name, e.g. '{}_{{name}}'",
                                   context, spec.name));
    }
  }

  void ParseStructured(const MapReader& reader, MetricSpec& spec, const std::string& context) {
    int formats = 0;
    for (const auto& [key, source] : kFileFormats) {
      if (!reader.Find(key)) continue;
      ++formats;
      spec.source = source;
      spec.selector = reader.String(key).value_or("");
    }
    // Before the count: a regex on a stream is a pattern written in the wrong place, and the
    // generic "needs exactly one of" would hide what to write instead.
    if (const YAML::Node* regex = reader.Find("regex")) {
      d_.Add(*regex,
             fmt::format("'regex' {} reads a 'file' as text; it does not go with 'stream' (write the pattern as "
                         "'stdout: PATTERN')",
                         context));
      if (formats == 0) return;
    }
    if (formats != 1) {
      d_.Add(reader.node(),
             fmt::format("{} needs exactly one of 'json' (a JSON pointer), 'jsonl' (a field), 'csv' (a column), "
                         "'tensorboard' (a tag), 'lm_eval' (TASK/METRIC of lm-evaluation-harness results) or, with "
                         "'file', 'regex' (a pattern over its lines)",
                         context));
      return;
    }
    if (reader.Find("file")) {
      ParseFile(reader, spec, context);
    } else {
      spec.stream = reader.Choice("stream", {"stdout", "stderr"}).value_or("stdout");
      if (spec.source != MetricSource::kJsonLines) {
        d_.Add(*reader.Find("stream"), fmt::format("'stream' {} only reads JSON Lines ('jsonl'); use 'file' for {}",
                                                   context, MetricSourceName(spec.source)));
      }
    }
    if (spec.source == MetricSource::kLmEval) CheckLmEvalSelector(*reader.Find("lm_eval"), spec.selector, context);
    if (spec.source == MetricSource::kJson && !spec.selector.empty() && spec.selector[0] != '/') {
      d_.Add(*reader.Find("json"),
             fmt::format("'json' {} must be a JSON pointer such as /test/acc, got '{}'", context, spec.selector));
    }
    if (const YAML::Node* step = reader.Find("step")) {
      spec.step_field = reader.String("step").value_or("");
      if (spec.source != MetricSource::kJsonLines && spec.source != MetricSource::kCsv) {
        d_.Add(*step,
               fmt::format("'step' {} only goes with 'jsonl' or 'csv' (other formats carry their steps)", context));
      }
    }
  }

  // "arc_challenge/acc_norm,none": a task of the results file and one of its metrics.
  void CheckLmEvalSelector(const YAML::Node& at, const std::string& selector, const std::string& context) {
    size_t slash = selector.rfind('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == selector.size()) {
      d_.Add(at, fmt::format("'lm_eval' {} must be TASK/METRIC, such as arc_challenge/acc_norm,none (the filter after "
                             "the comma may be left out), got '{}'",
                             context, selector));
    } else if (selector.find("_stderr", slash) != std::string::npos) {
      d_.Add(at, fmt::format("'lm_eval' {} names a _stderr: name the metric itself ('{}'); its stderr is read beside "
                             "it as the run's own spread",
                             context,
                             selector.substr(0, selector.find("_stderr", slash)) +
                                 selector.substr(selector.find("_stderr", slash) + 7)));
    }
  }

  void ParseFile(const MapReader& reader, MetricSpec& spec, const std::string& context) {
    spec.file = reader.String("file").value_or("");
    CheckPlaceholders(spec.file, *reader.Find("file"), placeholders_, context, d_);
    if (std::optional<std::string> problem = MetricFileProblem(spec.file)) {
      d_.Add(*reader.Find("file"), fmt::format("'file' {} {}; metric files are read from the run's own folder: write "
                                               "{{out}}/NAME or a path relative to the working copy",
                                               context, *problem));
    }
  }

  // Repeats inside one run: every value is a sample, so no reducer picks one of them.
  void ParseReplicates(const MapReader& reader, MetricSpec& spec, const std::string& context) {
    if (reader.Choice("replicates", {"true", "false"}).value_or("false") != "true") return;
    spec.replicates = true;
    if (const YAML::Node* reduce = reader.Find("reduce")) {
      d_.Add(*reduce,
             fmt::format("'reduce' {} does not go with 'replicates: true': every value is a sample (the stored "
                         "value is their mean); remove 'reduce'",
                         context));
    }
    spec.reduce = ReducerSpec{};
    spec.reduce.kind = ReducerSpec::Kind::kMean;
  }

  // A metric file outside the attempt's folder would let a manifest report any file of the
  // machine as a result (or read /etc/shadow into the database): the path may start with
  // {out}, and otherwise neither it nor a parameter value in it may be absolute or climb.
  std::optional<std::string> MetricFileProblem(const std::string& file) {
    Result<std::vector<std::string>> names = TemplatePlaceholders(file);
    if (!names) return std::nullopt;  // CheckPlaceholders reported it
    bool under_out = file.rfind("{out}", 0) == 0;
    Bindings shape = {{"seed", "0"}, {"out", ""}, {"manifest_dir", ""}};
    for (const std::string& name : *names) {
      if (name == "manifest_dir") return "names {manifest_dir}, the manifest's folder";
      if (name == "out" && !under_out) return "has {out} after its start";
      if (const Param* param = FindParam(name)) {
        if (std::optional<std::string> value = ClimbingValue(*param)) {
          return fmt::format("takes parameter '{}', whose value '{}' is absolute or has a '..' component", name,
                             *value);
        }
        shape[name] = "p";
      }
    }
    Result<std::string> path = ExpandTemplate(file, shape);
    if (!path) return std::nullopt;  // an unknown placeholder: reported already
    if (!under_out && !path->empty() && path->front() == '/') return "is absolute";
    if (HasParentComponent(*path)) return "has a '..' component";
    return std::nullopt;
  }

  const Param* FindParam(const std::string& name) {
    if (params_.empty()) {
      for (const Param& param : e_.params) params_.emplace(param.name, &param);
    }
    auto it = params_.find(name);
    return it == params_.end() ? nullptr : it->second;
  }

  // A value of "param" that is absolute or climbs, checked once per parameter.
  std::optional<std::string> ClimbingValue(const Param& param) {
    auto [it, fresh] = climbing_.emplace(param.name, std::nullopt);
    if (!fresh) return it->second;
    for (const std::string& value : param.values) {
      if ((!value.empty() && value.front() == '/') || HasParentComponent(value)) return it->second = yaml::Brief(value);
    }
    return std::nullopt;
  }

  void ParseReducer(const YAML::Node& node, MetricSpec& spec, const std::string& context) {
    using Kind = ReducerSpec::Kind;
    const std::string expected =
        "last, first, min, max, mean, {mean_last: K}, {at_step: N} or {at_best: METRIC, best: max|min}";
    if (node.IsScalar()) {
      static const std::map<std::string, Kind> kSimple = {{"last", Kind::kLast},
                                                          {"first", Kind::kFirst},
                                                          {"min", Kind::kMin},
                                                          {"max", Kind::kMax},
                                                          {"mean", Kind::kMean}};
      auto it = kSimple.find(node.Scalar());
      if (it == kSimple.end()) {
        std::vector<std::string> names = {"last", "first", "min", "max", "mean", "mean_last", "at_step", "at_best"};
        d_.Add(node, fmt::format("'reduce' {} must be {}, got '{}'{}", context, expected, node.Scalar(),
                                 d_.DidYouMean(node.Scalar(), names)));
        return;
      }
      spec.reduce.kind = it->second;
      return;
    }
    MapReader reader(node, "in 'reduce' " + context, {"mean_last", "at_step", "at_best", "best"}, d_);
    if (!reader.is_map()) return;
    if (auto count = reader.Integer("mean_last", 1)) {
      spec.reduce.kind = Kind::kMeanLast;
      spec.reduce.count = *count;
    } else if (auto step = reader.Integer("at_step", 0)) {
      spec.reduce.kind = Kind::kAtStep;
      spec.reduce.step = *step;
    } else if (auto other = reader.String("at_best")) {
      spec.reduce.kind = Kind::kAtBest;
      spec.reduce.other = *other;
      spec.reduce.other_max = reader.Choice("best", {"max", "min"}).value_or("max") == "max";
    } else if (!reader.Find("mean_last") && !reader.Find("at_step")) {
      d_.Add(node, fmt::format("'reduce' {} must be {}", context, expected));
    }
  }

  Experiment& e_;
  const Placeholders& placeholders_;
  Diagnostics& d_;
  std::unordered_map<std::string, const Param*> params_;
  std::unordered_map<std::string, std::optional<std::string>> climbing_;
};

}  // namespace

void CheckPlaceholders(const std::string& text, const YAML::Node& at, const Placeholders& known,
                       const std::string& context, yaml::Diagnostics& diagnostics) {
  Result<std::vector<std::string>> names = TemplatePlaceholders(text);
  if (!names) {
    diagnostics.Add(at, fmt::format("{} {}", names.error(), context));
    return;
  }
  for (const std::string& name : *names) {
    if (!known.Has(name)) {
      diagnostics.Add(at, fmt::format("unknown placeholder '{{{}}}' {}{}; known: {}", yaml::Brief(name), context,
                                      diagnostics.DidYouMean(name, known.names), yaml::JoinSome(known.names, ", ")));
    }
  }
}

void ParseMetrics(const YAML::Node& node, Experiment& experiment, const Placeholders& placeholders,
                  yaml::Diagnostics& diagnostics) {
  MetricParser(experiment, placeholders, diagnostics).ParseAll(node);
}

MetricIndex::MetricIndex(const Experiment& experiment) {
  for (const MetricSpec& spec : experiment.metrics) {
    names_.push_back(spec.name);
    size_t at = spec.name.find("{name}");
    if (at == std::string::npos) {
      plain_.insert(spec.name);
    } else {
      templates_.emplace_back(spec.name.substr(0, at), spec.name.substr(at + 6));
    }
  }
}

bool MetricIndex::Has(const std::string& metric) const {
  if (plain_.count(metric) != 0) return true;
  // Templates are few (each needs a regex with a 'name' group); they are tried in turn.
  for (const auto& [prefix, suffix] : templates_) {
    if (metric.size() > prefix.size() + suffix.size() && metric.compare(0, prefix.size(), prefix) == 0 &&
        metric.compare(metric.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

const MetricSpec* FindMetricSpec(const Experiment& experiment, const std::string& metric) {
  for (const MetricSpec& spec : experiment.metrics) {
    if (spec.name == metric) return &spec;
  }
  for (const MetricSpec& spec : experiment.metrics) {
    size_t at = spec.name.find("{name}");
    if (at == std::string::npos) continue;
    std::string prefix = spec.name.substr(0, at), suffix = spec.name.substr(at + 6);
    if (metric.size() > prefix.size() + suffix.size() && metric.rfind(prefix, 0) == 0 &&
        metric.compare(metric.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return &spec;
    }
  }
  return nullptr;
}

bool ExperimentHasMetric(const Experiment& experiment, const std::string& metric) {
  return FindMetricSpec(experiment, metric) != nullptr;
}

}  // namespace repro
