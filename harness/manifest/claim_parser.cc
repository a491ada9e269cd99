#include "harness/manifest/claim_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "harness/manifest/metric_parser.h"
#include "harness/manifest/names.h"
#include "harness/util/text.h"

namespace repro {
namespace {

using yaml::Diagnostics;
using yaml::MapReader;

const std::vector<std::string> kClaimKeys = {"id",        "source", "experiment", "metric",  "reported", "reported_std",
                                             "tolerance", "better", "where",      "for_all", "expect",   "rank"};

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
    case ClaimKind::kValue:
      return "a value claim";
    case ClaimKind::kComparison:
      return "a comparison ('expect')";
    case ClaimKind::kRanking:
      return "a ranking ('rank')";
  }
  return "?";
}

// What claims look up in one experiment, indexed once: a manifest may hold a hundred
// thousand claims about experiments with thousands of parameters, values and metrics.
struct ExperimentIndex {
  explicit ExperimentIndex(const Experiment& e) : experiment(&e), metrics(e) {
    for (const Param& param : e.params) {
      param_names.push_back(param.name);
      params.emplace(param.name, &param);
      values[param.name].insert(param.values.begin(), param.values.end());
      if (param.values.size() > 1) open.push_back(param.name);
    }
  }
  bool IsOpen(const std::string& param) const {
    auto it = values.find(param);
    return it != values.end() && it->second.size() > 1;
  }

  const Experiment* experiment;
  MetricIndex metrics;
  std::unordered_map<std::string, const Param*> params;
  std::unordered_map<std::string, std::unordered_set<std::string>> values;  // each parameter's grid
  std::vector<std::string> param_names;
  std::vector<std::string> open;  // parameters with several values, in order
};

class ClaimParser {
 public:
  ClaimParser(Manifest& manifest, Diagnostics& diagnostics) : m_(manifest), d_(diagnostics) {
    for (const Experiment& e : m_.experiments) {
      experiments_.try_emplace(e.id, e);
      experiment_ids_.push_back(e.id);
    }
  }

  void ParseAll(const YAML::Node& node) {
    yaml::ReadUniqueList(
        node, "claim",
        "'claims' must be a non-empty list of claims, each with an 'id', 'experiment', 'metric' and 'reported'", d_,
        m_.claims, [&](const YAML::Node& item, Claim& c) { return ParseClaim(item, c); });
  }

 private:
  std::string IdOf(const YAML::Node& item) {
    if (!item.IsMap() || !item["id"] || !item["id"].IsScalar()) return "";
    std::string id = item["id"].Scalar();
    if (!IsName(id, "", "_./-", /*digit_first=*/true)) {
      d_.Add(item["id"], fmt::format("claim id '{}' may only use letters, digits and _ . - /", id));
    }
    return id;
  }

  bool ParseClaim(const YAML::Node& item, Claim& c) {
    std::string id = IdOf(item);
    std::string context = id.empty() ? "in a claim" : fmt::format("in claim '{}'", yaml::Brief(id));
    MapReader reader(item, context, kClaimKeys, d_);
    if (!reader.is_map()) return false;
    reader.String("id", /*required=*/true);
    c.id = id;
    c.line = yaml::LineOf(item);
    c.source = reader.String("source").value_or("");
    c.kind = reader.Find("expect") ? ClaimKind::kComparison
             : reader.Find("rank") ? ClaimKind::kRanking
                                   : ClaimKind::kValue;
    if (!CheckKeysFitKind(reader, c)) return !id.empty();
    switch (c.kind) {
      case ClaimKind::kValue:
        ParseValueClaim(item, reader, c);
        break;
      case ClaimKind::kComparison:
        ParseComparisonClaim(item, reader, c);
        break;
      case ClaimKind::kRanking:
        ParseRankingClaim(item, reader, c);
        break;
    }
    return !id.empty();
  }

  bool CheckKeysFitKind(const MapReader& reader, const Claim& c) {
    bool ok = true;
    for (const auto& [key, kinds] : kKeyKinds) {
      if (reader.Find(key) && std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
        d_.Add(*reader.Find(key), fmt::format("'{}' does not apply to {}; claim '{}' is {}", key, "this kind of claim",
                                              c.id, KindName(c.kind)));
        ok = false;
      }
    }
    return ok;
  }

  // ---- value claims ------------------------------------------------------

  void ParseValueClaim(const YAML::Node& item, const MapReader& reader, Claim& c) {
    const YAML::Node* named = reader.Find("experiment");
    std::vector<const ExperimentIndex*> involved;
    if (named != nullptr && named->IsSequence()) {
      involved = ParseExperimentList(*named, c);
    } else {
      c.experiment = reader.String("experiment", /*required=*/true).value_or("");
      if (const ExperimentIndex* experiment = FindExperiment(reader, "experiment", c.experiment, c.id))
        involved.push_back(experiment);
    }
    c.metric = reader.String("metric", /*required=*/true).value_or("");
    ReadReported(reader, c);
    ParseTolerance(reader, c);
    if (auto better = reader.Choice("better", {"higher", "lower", "either"})) c.better = ParseBetter(*better);
    for (const ExperimentIndex* experiment : involved) CheckMetric(reader, "metric", *experiment, c.metric, c.id);
    bool where_ok = ParseWhere(reader, involved, c);
    if (auto for_all = reader.String("for_all")) {
      c.for_all = *for_all;
      if (!c.experiments.empty()) {
        d_.Add(*reader.Find("for_all"),
               fmt::format("'for_all' in claim '{}' does not go with several experiments: write one claim per "
                           "experiment",
                           yaml::Brief(c.id)));
        where_ok = false;
      } else if (involved.size() == 1 && !CheckForAll(*reader.Find("for_all"), *involved.front(), c)) {
        where_ok = false;
      }
    }
    if (where_ok) {
      for (const ExperimentIndex* e : involved) CheckGridPinned(item, *e, c);
    }
  }

  // 'experiment: [latest, as-written]': the claim is judged against each, side by side (an
  // experiment's own commit against the manifest's, say). Each must be known and named once.
  std::vector<const ExperimentIndex*> ParseExperimentList(const YAML::Node& list, Claim& c) {
    std::vector<const ExperimentIndex*> involved;
    if (list.size() == 0) {
      d_.Add(list,
             fmt::format("'experiment' in claim '{}' must name an experiment, or a list of them", yaml::Brief(c.id)));
      return involved;
    }
    std::vector<std::string> ids;
    for (const YAML::Node& entry : list) {
      std::optional<std::string> id =
          yaml::ScalarText(entry, fmt::format("an experiment id in claim '{}'", yaml::Brief(c.id)), d_);
      if (!id) continue;
      if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
        d_.Add(entry, fmt::format("claim '{}' names experiment '{}' twice", yaml::Brief(c.id), yaml::Brief(*id)));
        continue;
      }
      ids.push_back(*id);
      const ExperimentIndex* experiment = Lookup(*id);
      if (experiment == nullptr) {
        d_.Add(entry, fmt::format("claim '{}' names unknown experiment '{}'{}", yaml::Brief(c.id), *id,
                                  d_.DidYouMean(*id, experiment_ids_)));
        continue;
      }
      involved.push_back(experiment);
    }
    if (!ids.empty()) c.experiment = ids.front();
    if (ids.size() > 1) c.experiments = std::move(ids);
    return involved;
  }

  void ReadReported(const MapReader& reader, Claim& c) {
    std::optional<std::string> text = reader.String("reported", /*required=*/true);
    if (!text) return;
    Result<ReportedValue> reported = ParseReported(*text);
    if (!reported) {
      d_.Add(*reader.Find("reported"),
             fmt::format("{} must be {}, got '{}'", reader.Describe("reported"), reported.error(), *text));
      return;
    }
    c.reported = *reported;
    if (auto std = reader.Number("reported_std", 0)) {
      if (c.reported.std) {
        d_.Add(*reader.Find("reported_std"), fmt::format("claim '{}' gives the std twice: in 'reported' ('{}') and in "
                                                         "'reported_std'; keep one",
                                                         c.id, *text));
      } else {
        c.reported.std = *std * c.reported.scale;
      }
    }
  }

  void ParseTolerance(const MapReader& reader, Claim& c) {
    const YAML::Node* node = reader.Find("tolerance");
    if (node == nullptr) return;
    MapReader tol(*node, "in tolerance of claim '" + yaml::Brief(c.id) + "'", {"abs", "rel", "sigma", "rounding"}, d_);
    if (auto abs = tol.Number("abs", 0)) c.tolerance_abs = *abs;
    if (auto rel = tol.Number("rel", 0)) c.tolerance_rel = *rel;
    if (auto sigma = tol.Number("sigma", 0)) {
      c.tolerance_sigma = *sigma;
      if (!reader.Find("reported_std") && reader.Find("reported") && !c.reported.std) {
        d_.Add(*tol.Find("sigma"), fmt::format("'sigma' in tolerance of claim '{}' needs the paper's std: write "
                                               "reported: \"{} +- <std>\" or add reported_std",
                                               c.id, c.reported.text));
      }
    }
    if (auto rounding = tol.Choice("rounding", {"true", "false"})) c.rounding = *rounding == "true";
  }

  bool CheckForAll(const YAML::Node& at, const ExperimentIndex& experiment, const Claim& c) {
    if (experiment.values.count(c.for_all) == 0) {
      d_.Add(at, fmt::format("'for_all' in claim '{}' names unknown parameter '{}' of experiment '{}'{}",
                             yaml::Brief(c.id), c.for_all, yaml::Brief(experiment.experiment->id),
                             d_.DidYouMean(c.for_all, experiment.param_names)));
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
    std::vector<const ExperimentIndex*> involved;
    for (const MetricRef* ref : {&comparison->left, &comparison->right}) {
      const ExperimentIndex* experiment = FindExperiment(reader, "expect", ref->experiment, c.id);
      if (experiment == nullptr) continue;
      CheckMetric(reader, "expect", *experiment, ref->metric, c.id);
      if (std::find(involved.begin(), involved.end(), experiment) == involved.end()) involved.push_back(experiment);
    }
    if (ParseWhere(reader, involved, c)) {
      for (const ExperimentIndex* e : involved) CheckGridPinned(item, *e, c);
    }
  }

  // ---- ranking claims --------------------------------------------------------

  void ParseRankingClaim(const YAML::Node& item, const MapReader& reader, Claim& c) {
    c.metric = reader.String("metric", /*required=*/true).value_or("");
    std::optional<std::string> better = reader.Choice("better", {"higher", "lower"});
    if (!reader.Find("better")) {
      d_.Add(item,
             fmt::format("ranking claim '{}' must say which end is best: add better: higher or better: lower", c.id));
    }
    c.better = better ? ParseBetter(*better) : Better::kHigher;
    const YAML::Node& rank = *reader.Find("rank");
    if (!rank.IsSequence() || rank.size() < 2) {
      d_.Add(rank, fmt::format("'rank' in claim '{}' must list at least two experiment ids, best first", c.id));
      return;
    }
    std::vector<const ExperimentIndex*> involved;
    std::unordered_set<std::string> listed;
    for (const YAML::Node& entry : rank) {
      std::optional<std::string> id = yaml::ScalarText(entry, "each entry of 'rank'", d_);
      if (!id) continue;
      if (!listed.insert(*id).second) {
        d_.Add(entry, fmt::format("'rank' in claim '{}' lists '{}' twice", yaml::Brief(c.id), *id));
        continue;
      }
      c.ranking.push_back(*id);
      const ExperimentIndex* experiment = Lookup(*id);
      if (experiment == nullptr) {
        d_.Add(entry, fmt::format("claim '{}' ranks unknown experiment '{}'{}", yaml::Brief(c.id), *id,
                                  d_.DidYouMean(*id, experiment_ids_)));
        continue;
      }
      if (!c.metric.empty() && !experiment->metrics.Has(c.metric)) {
        d_.Add(entry, fmt::format("claim '{}' ranks by metric '{}', which experiment '{}' does not have",
                                  yaml::Brief(c.id), yaml::Brief(c.metric), *id));
      }
      involved.push_back(experiment);
    }
    if (ParseWhere(reader, involved, c)) {
      for (const ExperimentIndex* e : involved) CheckGridPinned(item, *e, c);
    }
  }

  // ---- shared ------------------------------------------------------------------

  static Better ParseBetter(const std::string& text) {
    return text == "higher" ? Better::kHigher : text == "lower" ? Better::kLower : Better::kEither;
  }

  const ExperimentIndex* Lookup(const std::string& id) const {
    auto it = experiments_.find(id);
    return it == experiments_.end() ? nullptr : &it->second;
  }

  const ExperimentIndex* FindExperiment(const MapReader& reader, const std::string& key, const std::string& id,
                                        const std::string& claim) {
    if (id.empty()) return nullptr;
    const ExperimentIndex* experiment = Lookup(id);
    if (experiment == nullptr) {
      d_.Add(*reader.Find(key), fmt::format("claim '{}' names unknown experiment '{}'{}", yaml::Brief(claim), id,
                                            d_.DidYouMean(id, experiment_ids_)));
    }
    return experiment;
  }

  void CheckMetric(const MapReader& reader, const std::string& key, const ExperimentIndex& experiment,
                   const std::string& metric, const std::string& claim) {
    if (metric.empty() || experiment.metrics.Has(metric)) return;
    d_.Add(*reader.Find(key),
           fmt::format("claim '{}' names unknown metric '{}' of experiment '{}'{}", yaml::Brief(claim), metric,
                       yaml::Brief(experiment.experiment->id), d_.DidYouMean(metric, experiment.metrics.names())));
  }

  // Candidates for a did-you-mean over the parameters of "involved", copied only when few.
  std::string SuggestParameter(const std::string& name, const std::vector<const ExperimentIndex*>& involved) {
    if (involved.size() == 1) return d_.DidYouMean(name, involved.front()->param_names);
    std::vector<std::string> names;
    for (const ExperimentIndex* experiment : involved) {
      if (names.size() + experiment->param_names.size() > 1000) return "";
      names.insert(names.end(), experiment->param_names.begin(), experiment->param_names.end());
    }
    return d_.DidYouMean(name, names);
  }

  // Reads 'where'; each parameter must belong to some experiment involved, and its value
  // must be in the grid of every involved experiment that has it.
  bool ParseWhere(const MapReader& reader, const std::vector<const ExperimentIndex*>& involved, Claim& c) {
    const YAML::Node* node = reader.Find("where");
    if (node == nullptr) return true;
    std::string context = fmt::format("in claim '{}'", yaml::Brief(c.id));
    if (!node->IsMap()) {
      d_.Add(*node, fmt::format("'where' {} must map parameter names to one value each", context));
      return false;
    }
    bool ok = true;
    std::unordered_set<std::string> seen;
    for (auto it = node->begin(); it != node->end(); ++it) {
      YAML::Node key = it->first, value_node = it->second;  // copies: yaml-cpp's iterator yields temporaries
      auto name = yaml::ScalarText(key, "a parameter name in 'where'", d_);
      auto value = yaml::ScalarText(value_node, "a value in 'where'", d_);
      if (!name || !value) {
        ok = false;
        continue;
      }
      if (!seen.insert(*name).second) {  // yaml-cpp keeps repeated keys
        d_.Add(key, fmt::format("duplicate key '{}' in 'where' {}", *name, context));
        ok = false;
        continue;
      }
      bool known = false;
      for (const ExperimentIndex* experiment : involved) {
        auto param = experiment->values.find(*name);
        if (param == experiment->values.end()) continue;
        known = true;
        if (param->second.count(*value) == 0) {
          const Param& declared = *experiment->params.at(*name);
          d_.Add(value_node,
                 fmt::format("'where' {} picks {}={}, which is not in the grid of experiment '{}' ({})", context, *name,
                             *value, yaml::Brief(experiment->experiment->id), yaml::JoinSome(declared.values, ", ")));
          ok = false;
        }
      }
      if (!known && !involved.empty()) {
        d_.Add(key, fmt::format("'where' {} names unknown parameter '{}'{}", context, *name,
                                SuggestParameter(*name, involved)));
        ok = false;
        continue;
      }
      c.where.emplace_back(*name, *value);
    }
    return ok;
  }

  // Counts the claim's picks among the experiment's open parameters, so a claim costs its
  // own size, not the experiment's; only when some are missing are they looked for.
  void CheckGridPinned(const YAML::Node& item, const ExperimentIndex& experiment, const Claim& c) {
    std::unordered_set<std::string> pinned;
    for (const auto& [name, value] : c.where) {
      if (experiment.IsOpen(name)) pinned.insert(name);
    }
    if (!c.for_all.empty() && experiment.IsOpen(c.for_all)) pinned.insert(c.for_all);
    size_t missing = experiment.open.size() - pinned.size();
    if (missing == 0) return;
    constexpr size_t kNamed = 8;
    std::vector<std::string> open;
    for (size_t i = 0; i < experiment.open.size() && open.size() < kNamed; ++i) {
      if (pinned.count(experiment.open[i]) == 0) open.push_back(experiment.open[i]);
    }
    std::string names = Join(open, ", ");
    if (missing > open.size()) names += fmt::format(", ... ({} more)", missing - open.size());
    d_.Add(item,
           fmt::format("claim '{}' must pick one grid point of experiment '{}': add 'where' with a value for {}{}",
                       yaml::Brief(c.id), yaml::Brief(experiment.experiment->id), names,
                       c.kind == ClaimKind::kValue ? " (or for_all: " + open.front() + ")" : ""));
  }

  Manifest& m_;
  Diagnostics& d_;
  std::unordered_map<std::string, ExperimentIndex> experiments_;  // by id
  std::vector<std::string> experiment_ids_;                       // in order, for did-you-means
};

}  // namespace

void ParseClaims(const YAML::Node& node, Manifest& manifest, yaml::Diagnostics& diagnostics) {
  ClaimParser(manifest, diagnostics).ParseAll(node);
}

}  // namespace repro
