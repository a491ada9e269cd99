#include "harness/manifest/selection.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "harness/util/text.h"

namespace repro {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

const std::string* ParamValue(const NamedValues& params, const std::string& name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

// Every pair of "where" that names a parameter of "params" has the same value there.
bool Agrees(const NamedValues& params, const NamedValues& where) {
  for (const auto& [name, value] : where) {
    const std::string* found = ParamValue(params, name);
    if (found != nullptr && *found != value) return false;
  }
  return true;
}

Status CheckIds(const Selection& selection, const Manifest& manifest) {
  std::vector<std::string> experiments, claims;
  for (const Experiment& experiment : manifest.experiments) experiments.push_back(experiment.id);
  for (const Claim& claim : manifest.claims) claims.push_back(claim.id);
  for (const std::string& id : selection.experiments) {
    if (!Contains(experiments, id)) {
      return Error{fmt::format("--experiment '{}' is not an experiment of {}{}; it has: {}", id, manifest.path.string(),
                               DidYouMean(id, experiments), fmt::join(experiments, ", "))};
    }
  }
  for (const std::string& id : selection.claims) {
    if (!Contains(claims, id)) {
      return Error{
          fmt::format("--claim '{}' is not a claim of {}{}", id, manifest.path.string(), DidYouMean(id, claims))};
    }
  }
  return Status::Ok();
}

// A --where name must be a parameter of some experiment, and its value one of that parameter's.
Status CheckWhere(const Selection& selection, const Manifest& manifest) {
  for (const auto& [name, value] : selection.where) {
    std::vector<std::string> names, values;
    for (const Experiment& experiment : manifest.experiments) {
      for (const Param& param : experiment.params) {
        names.push_back(param.name);
        if (param.name == name) values.insert(values.end(), param.values.begin(), param.values.end());
      }
    }
    if (!Contains(names, name)) {
      return Error{fmt::format("--where {}={}: no experiment has a parameter '{}'{}", name, value, name,
                               DidYouMean(name, names))};
    }
    if (!Contains(values, value)) {
      return Error{fmt::format("--where {}={}: '{}' is not a value of parameter '{}' (values: {})", name, value, value,
                               name, fmt::join(values, ", "))};
    }
  }
  return Status::Ok();
}

bool ClaimNeedsRun(const Claim& claim, const RunSpec& run) {
  return Contains(ClaimExperiments(claim), run.experiment->id) && Agrees(run.params, claim.where);
}

// A claim the selection can judge without the runs it leaves out.
bool ClaimSelected(const Selection& selection, const Claim& claim) {
  if (!selection.claims.empty()) return Contains(selection.claims, claim.id);
  if (!selection.experiments.empty()) {
    for (const std::string& experiment : ClaimExperiments(claim)) {
      if (!Contains(selection.experiments, experiment)) return false;
    }
  }
  for (const auto& [name, value] : selection.where) {
    if (claim.for_all == name) return false;  // it holds at every value, and only one is run
    const std::string* at = ParamValue(claim.where, name);
    if (at != nullptr && *at != value) return false;
  }
  return true;
}

bool RunSelected(const Selection& selection, const Manifest& manifest, const RunSpec& run) {
  if (!selection.experiments.empty() && !Contains(selection.experiments, run.experiment->id)) return false;
  if (!Agrees(run.params, selection.where)) return false;
  if (selection.claims.empty()) return true;
  for (const Claim& claim : manifest.claims) {
    if (Contains(selection.claims, claim.id) && ClaimNeedsRun(claim, run)) return true;
  }
  return false;
}

// Cells of claims left out become empty; rows and tables left empty go.
void PruneTables(Manifest& manifest) {
  std::vector<PaperTable> kept;
  for (PaperTable& table : manifest.tables) {
    std::vector<PaperTable::Row> rows;
    for (PaperTable::Row& row : table.rows) {
      bool any = false;
      for (std::string& cell : row.cells) {
        if (!cell.empty() && manifest.FindClaim(cell) == nullptr) cell.clear();
        any = any || !cell.empty();
      }
      if (any) rows.push_back(std::move(row));
    }
    table.rows = std::move(rows);
    if (!table.rows.empty()) kept.push_back(std::move(table));
  }
  manifest.tables = std::move(kept);
}

}  // namespace

Result<std::pair<std::string, std::string>> ParseWhere(const std::string& text) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return Error{fmt::format("--where takes NAME=VALUE (a parameter and one of its values), got '{}'", text)};
  }
  return std::make_pair(text.substr(0, equals), text.substr(equals + 1));
}

std::vector<std::string> ClaimExperiments(const Claim& claim) {
  switch (claim.kind) {
    case ClaimKind::kValue:
      return claim.ValueExperiments();
    case ClaimKind::kComparison:
      return claim.comparison
                 ? std::vector<std::string>{claim.comparison->left.experiment, claim.comparison->right.experiment}
                 : std::vector<std::string>{};
    case ClaimKind::kRanking:
      return claim.ranking;
  }
  return {};
}

Status ApplySelection(const Selection& selection, Manifest& manifest, std::vector<RunSpec>& runs) {
  if (selection.empty()) return Status::Ok();
  if (Status ids = CheckIds(selection, manifest); !ids) return ids;
  if (Status where = CheckWhere(selection, manifest); !where) return where;
  std::vector<RunSpec> kept;
  for (RunSpec& run : runs) {
    if (RunSelected(selection, manifest, run)) kept.push_back(std::move(run));
  }
  if (kept.empty()) return Error{"the selection (--experiment, --claim, --where) names no run of this manifest"};
  runs = std::move(kept);
  std::erase_if(manifest.claims, [&](const Claim& claim) { return !ClaimSelected(selection, claim); });
  PruneTables(manifest);
  return Status::Ok();
}

}  // namespace repro
