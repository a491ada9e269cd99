#include "harness/manifest/claim_parser.h"

#include "harness/manifest/metric_parser.h"

#include <algorithm>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "harness/util/text.h"

namespace repro {
namespace {

using yaml::Diagnostics;
using yaml::MapReader;

const std::vector<std::string> kClaimKeys = {"id", "source", "experiment", "metric", "reported", "reported_std",
                                             "tolerance", "better", "where", "for_all", "expect", "rank"};

// Keys that belong to one kind of claim only, and the kind they belong to.
const std::map<std::string, std::vector<ClaimKind>> kKeyKinds = {
    {"experiment", {ClaimKind::kValue}},
    {"reported", {ClaimKind::kValue}},
    {"reported_std", {ClaimKind::kValue}},
    {"tolerance", {ClaimKind::kValue}},
    {"for_all", {ClaimKind::kValue}},
    {"metric", {ClaimKind::kValue, ClaimKind::kRanking}},
    {"better", {ClaimKind::kValue, ClaimKind::kRanking}},
    {"expect", {ClaimKind::kComparison}},
    {"rank", {ClaimKind::kRanking}},
};

const char* KindName(ClaimKind kind) {
  switch (kind) {
    case ClaimKind::kValue: return "a value claim";
    case ClaimKind::kComparison: return "a comparison ('expect')";
    case ClaimKind::kRanking: return "a ranking ('rank')";
  }
  return "?";
}

class ClaimParser {
 public:
  ClaimParser(Manifest& manifest, Diagnostics& diagnostics) : m_(manifest), d_(diagnostics) {}

  void ParseAll(const YAML::Node& node) {
    yaml::ReadUniqueList(node, "claim",
                         "'claims' must be a non-empty list of claims, each with an 'id', 'experiment', 'metric' and 'reported'",
                         d_, m_.claims, [&](const YAML::Node& item, Claim& c) { return ParseClaim(item, c); });
  }


 private:
  std::string IdOf(const YAML::Node& item) {
    if (!item.IsMap() || !item["id"] || !item["id"].IsScalar()) return "";
    std::string id = item["id"].Scalar();
    static const std::regex valid("[A-Za-z0-9][A-Za-z0-9_./-]*");
    if (!std::regex_match(id, valid)) {
      d_.Add(item["id"], fmt::format("claim id '{}' may only use letters, digits and _ . - /", id));
    }
    return id;
  }

  bool ParseClaim(const YAML::Node& item, Claim& c) {
    std::string id = IdOf(item);
    std::string context = id.empty() ? "in a claim" : fmt::format("in claim '{}'", id);
    MapReader reader(item, context, kClaimKeys, d_);
    if (!reader.is_map()) return false;
    reader.String("id", /*required=*/true);
    c.id = id;
    c.line = yaml::LineOf(item);
    c.source = reader.String("source").value_or("");
    c.kind = reader.Find("expect") ? ClaimKind::kComparison : reader.Find("rank") ? ClaimKind::kRanking : ClaimKind::kValue;
    if (!CheckKeysFitKind(reader, c)) return !id.empty();
    switch (c.kind) {
      case ClaimKind::kValue: ParseValueClaim(item, reader, c); break;
      case ClaimKind::kComparison: ParseComparisonClaim(item, reader, c); break;
      case ClaimKind::kRanking: ParseRankingClaim(item, reader, c); break;
    }
    return !id.empty();
  }

  bool CheckKeysFitKind(const MapReader& reader, const Claim& c) {
    bool ok = true;
    for (const auto& [key, kinds] : kKeyKinds) {
      if (reader.Find(key) && std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
        d_.Add(*reader.Find(key), fmt::format("'{}' does not apply to {}; claim '{}' is {}", key, "this kind of claim", c.id,
                                              KindName(c.kind)));
        ok = false;
      }
    }
    return ok;
  }

  // ---- value claims ------------------------------------------------------

  void ParseValueClaim(const YAML::Node& item, const MapReader& reader, Claim& c) {
    c.experiment = reader.String("experiment", /*required=*/true).value_or("");
    c.metric = reader.String("metric", /*required=*/true).value_or("");
    ReadReported(reader, c);
    ParseTolerance(reader, c);
    if (auto better = reader.Choice("better", {"higher", "lower", "either"})) c.better = ParseBetter(*better);
    const Experiment* experiment = FindExperiment(reader, "experiment", c.experiment, c.id);
    if (experiment != nullptr) CheckMetric(reader, "metric", *experiment, c.metric, c.id);
    std::vector<const Experiment*> involved;
    if (experiment != nullptr) involved.push_back(experiment);
    bool where_ok = ParseWhere(reader, involved, c);
    if (auto for_all = reader.String("for_all")) {
      c.for_all = *for_all;
      if (experiment != nullptr && !CheckForAll(*reader.Find("for_all"), *experiment, c)) where_ok = false;
    }
    if (where_ok) {
      for (const Experiment* e : involved) CheckGridPinned(item, *e, c);
    }
  }

  void ReadReported(const MapReader& reader, Claim& c) {
    std::optional<std::string> text = reader.String("reported", /*required=*/true);
    if (!text) return;
    Result<ReportedValue> reported = ParseReported(*text);
    if (!reported) {
      d_.Add(*reader.Find("reported"), fmt::format("{} must be {}, got '{}'", reader.Describe("reported"), reported.error(), *text));
      return;
    }
    c.reported = *reported;
    if (auto std = reader.Number("reported_std", 0)) {
      if (c.reported.std) {
        d_.Add(*reader.Find("reported_std"), fmt::format("claim '{}' gives the std twice: in 'reported' ('{}') and in "
                                                         "'reported_std'; keep one", c.id, *text));
      } else {
        c.reported.std = *std * c.reported.scale;
      }
    }
  }

  void ParseTolerance(const MapReader& reader, Claim& c) {
    const YAML::Node* node = reader.Find("tolerance");
    if (node == nullptr) return;
    MapReader tol(*node, "in tolerance of claim '" + c.id + "'", {"abs", "rel", "sigma", "rounding"}, d_);
    if (auto abs = tol.Number("abs", 0)) c.tolerance_abs = *abs;
    if (auto rel = tol.Number("rel", 0)) c.tolerance_rel = *rel;
    if (auto sigma = tol.Number("sigma", 0)) {
      c.tolerance_sigma = *sigma;
      if (!reader.Find("reported_std") && reader.Find("reported") && !c.reported.std) {
        d_.Add(*tol.Find("sigma"), fmt::format("'sigma' in tolerance of claim '{}' needs the paper's std: write "
                                               "reported: \"{} +- <std>\" or add reported_std", c.id, c.reported.text));
      }
    }
    if (auto rounding = tol.Choice("rounding", {"true", "false"})) c.rounding = *rounding == "true";
  }

  bool CheckForAll(const YAML::Node& at, const Experiment& experiment, const Claim& c) {
    auto param = std::find_if(experiment.params.begin(), experiment.params.end(),
                              [&](const Param& p) { return p.name == c.for_all; });
    if (param == experiment.params.end()) {
      d_.Add(at, fmt::format("'for_all' in claim '{}' names unknown parameter '{}' of experiment '{}'{}", c.id, c.for_all,
                             experiment.id, DidYouMean(c.for_all, ParamNames(experiment))));
      return false;
    }
    if (std::any_of(c.where.begin(), c.where.end(), [&](const auto& w) { return w.first == c.for_all; })) {
      d_.Add(at, fmt::format("claim '{}' both picks and ranges over '{}'; keep 'where' or 'for_all'", c.id, c.for_all));
      return false;
    }
    return true;
  }

  // ---- comparison claims -----------------------------------------------------

  void ParseComparisonClaim(const YAML::Node& item, const MapReader& reader, Claim& c) {
    std::optional<std::string> text = reader.String("expect");
    if (!text) return;
    Result<Comparison> comparison = ParseComparison(*text);
    if (!comparison) {
      d_.Add(*reader.Find("expect"), fmt::format("cannot read 'expect' in claim '{}': {}", c.id, comparison.error()));
      return;
    }
    c.comparison = *comparison;
    std::vector<const Experiment*> involved;
    for (const MetricRef* ref : {&comparison->left, &comparison->right}) {
      const Experiment* experiment = FindExperiment(reader, "expect", ref->experiment, c.id);
      if (experiment == nullptr) continue;
      CheckMetric(reader, "expect", *experiment, ref->metric, c.id);
      if (std::find(involved.begin(), involved.end(), experiment) == involved.end()) involved.push_back(experiment);
    }
    if (ParseWhere(reader, involved, c)) {
      for (const Experiment* e : involved) CheckGridPinned(item, *e, c);
    }
  }

  // ---- ranking claims --------------------------------------------------------

  void ParseRankingClaim(const YAML::Node& item, const MapReader& reader, Claim& c) {
    c.metric = reader.String("metric", /*required=*/true).value_or("");
    std::optional<std::string> better = reader.Choice("better", {"higher", "lower"});
    if (!reader.Find("better")) {
      d_.Add(item, fmt::format("ranking claim '{}' must say which end is best: add better: higher or better: lower", c.id));
    }
    c.better = better ? ParseBetter(*better) : Better::kHigher;
    const YAML::Node& rank = *reader.Find("rank");
    if (!rank.IsSequence() || rank.size() < 2) {
      d_.Add(rank, fmt::format("'rank' in claim '{}' must list at least two experiment ids, best first", c.id));
      return;
    }
    std::vector<const Experiment*> involved;
    for (const YAML::Node& entry : rank) {
      std::optional<std::string> id = yaml::ScalarText(entry, "each entry of 'rank'", d_);
      if (!id) continue;
      if (std::find(c.ranking.begin(), c.ranking.end(), *id) != c.ranking.end()) {
        d_.Add(entry, fmt::format("'rank' in claim '{}' lists '{}' twice", c.id, *id));
        continue;
      }
      c.ranking.push_back(*id);
      const Experiment* experiment = m_.FindExperiment(*id);
      if (experiment == nullptr) {
        d_.Add(entry, fmt::format("claim '{}' ranks unknown experiment '{}'{}", c.id, *id, DidYouMean(*id, ExperimentIds())));
        continue;
      }
      if (!c.metric.empty() && !HasMetric(*experiment, c.metric)) {
        d_.Add(entry, fmt::format("claim '{}' ranks by metric '{}', which experiment '{}' does not have", c.id, c.metric, *id));
      }
      involved.push_back(experiment);
    }
    if (ParseWhere(reader, involved, c)) {
      for (const Experiment* e : involved) CheckGridPinned(item, *e, c);
    }
  }

  // ---- shared ------------------------------------------------------------------

  static Better ParseBetter(const std::string& text) {
    return text == "higher" ? Better::kHigher : text == "lower" ? Better::kLower : Better::kEither;
  }

  std::vector<std::string> ExperimentIds() const {
    std::vector<std::string> ids;
    for (const Experiment& e : m_.experiments) ids.push_back(e.id);
    return ids;
  }

  static std::vector<std::string> ParamNames(const Experiment& experiment) {
    std::vector<std::string> names;
    for (const Param& p : experiment.params) names.push_back(p.name);
    return names;
  }

  static bool HasMetric(const Experiment& experiment, const std::string& metric) { return ExperimentHasMetric(experiment, metric); }

  const Experiment* FindExperiment(const MapReader& reader, const std::string& key, const std::string& id,
                                   const std::string& claim) {
    if (id.empty()) return nullptr;
    const Experiment* experiment = m_.FindExperiment(id);
    if (experiment == nullptr) {
      d_.Add(*reader.Find(key), fmt::format("claim '{}' names unknown experiment '{}'{}", claim, id, DidYouMean(id, ExperimentIds())));
    }
    return experiment;
  }

  void CheckMetric(const MapReader& reader, const std::string& key, const Experiment& experiment, const std::string& metric,
                   const std::string& claim) {
    if (metric.empty() || HasMetric(experiment, metric)) return;
    std::vector<std::string> names;
    for (const MetricSpec& m : experiment.metrics) names.push_back(m.name);
    d_.Add(*reader.Find(key), fmt::format("claim '{}' names unknown metric '{}' of experiment '{}'{}", claim, metric,
                                          experiment.id, DidYouMean(metric, names)));
  }

  // Reads 'where'; each parameter must belong to some experiment involved, and its value
  // must be in the grid of every involved experiment that has it.
  bool ParseWhere(const MapReader& reader, const std::vector<const Experiment*>& involved, Claim& c) {
    const YAML::Node* node = reader.Find("where");
    if (node == nullptr) return true;
    std::string context = fmt::format("in claim '{}'", c.id);
    if (!node->IsMap()) {
      d_.Add(*node, fmt::format("'where' {} must map parameter names to one value each", context));
      return false;
    }
    bool ok = true;
    for (auto it = node->begin(); it != node->end(); ++it) {
      YAML::Node key = it->first, value_node = it->second;  // copies: yaml-cpp's iterator yields temporaries
      auto name = yaml::ScalarText(key, "a parameter name in 'where'", d_);
      auto value = yaml::ScalarText(value_node, "a value in 'where'", d_);
      if (!name || !value) {
        ok = false;
        continue;
      }
      bool known = false;
      std::vector<std::string> names;
      for (const Experiment* experiment : involved) {
        for (const Param& param : experiment->params) {
          names.push_back(param.name);
          if (param.name != *name) continue;
          known = true;
          if (std::find(param.values.begin(), param.values.end(), *value) == param.values.end()) {
            d_.Add(value_node, fmt::format("'where' {} picks {}={}, which is not in the grid of experiment '{}' ({})", context,
                                           *name, *value, experiment->id, Join(param.values, ", ")));
            ok = false;
          }
        }
      }
      if (!known && !involved.empty()) {
        d_.Add(key, fmt::format("'where' {} names unknown parameter '{}'{}", context, *name, DidYouMean(*name, names)));
        ok = false;
        continue;
      }
      c.where.emplace_back(*name, *value);
    }
    return ok;
  }

  void CheckGridPinned(const YAML::Node& item, const Experiment& experiment, const Claim& c) {
    std::vector<std::string> open;
    for (const Param& param : experiment.params) {
      bool pinned = param.name == c.for_all ||
                    std::any_of(c.where.begin(), c.where.end(), [&](const auto& w) { return w.first == param.name; });
      if (param.values.size() > 1 && !pinned) open.push_back(param.name);
    }
    if (!open.empty()) {
      d_.Add(item, fmt::format("claim '{}' must pick one grid point of experiment '{}': add 'where' with a value for {}{}",
                               c.id, experiment.id, Join(open, ", "),
                               c.kind == ClaimKind::kValue ? " (or for_all: " + open.front() + ")" : ""));
    }
  }

  Manifest& m_;
  Diagnostics& d_;
};

}  // namespace

void ParseClaims(const YAML::Node& node, Manifest& manifest, yaml::Diagnostics& diagnostics) {
  ClaimParser(manifest, diagnostics).ParseAll(node);
}

}  // namespace repro
