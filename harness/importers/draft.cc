#include "harness/importers/draft.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "harness/util/text.h"

namespace repro {
namespace {

// A YAML double-quoted scalar: any text reads back as itself.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string MetricName(const std::string& column) {
  std::string name = IdSlug(column);
  for (char& c : name) c = c == '-' ? '_' : c;
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "m_" + name;
  return name;
}

std::string Unique(const std::string& id, std::set<std::string>& used) {
  std::string unique = id;
  for (int n = 2; !used.insert(unique).second; ++n) unique = fmt::format("{}-{}", id, n);
  return unique;
}

struct Draft {
  std::string claims, tables, experiments;
  std::set<std::string> used_ids, rows_seen;
};

void AddTable(const LatexTable& table, Draft& draft) {
  std::string table_id = fmt::format("table{}", table.number);
  std::string place = table.label.empty() ? fmt::format("Table {}", table.number)
                                          : fmt::format("Table {} ({})", table.number, table.label);
  draft.tables += fmt::format("  - id: {}\n    caption: {}\n    columns: [", table_id, Quoted(table.caption));
  for (size_t c = 0; c < table.columns.size(); ++c) draft.tables += (c ? ", " : "") + Quoted(table.columns[c]);
  draft.tables += "]\n    rows:\n";
  // Rows of different subtables may share a label ("Original" over two datasets): those get
  // their subtable's letter, as the paper prints it under each, "(a)", "(b)".
  std::map<std::string, std::set<int>> tabulars_of;
  for (const LatexTable::Row& row : table.rows) tabulars_of[row.label].insert(row.tabular);
  for (const LatexTable::Row& row : table.rows) {
    bool repeated = tabulars_of[row.label].size() > 1;
    std::string part = repeated ? std::string(1, static_cast<char>('a' + (row.tabular - 1) % 26)) : "";
    std::string experiment = IdSlug(row.label) + (repeated ? "-" + part : "");
    std::string row_place = repeated ? fmt::format("{} ({})", place, part) : place;
    std::vector<std::string> cells;
    for (size_t c = 0; c < row.cells.size() && c < table.columns.size(); ++c) {
      const LatexCell& cell = row.cells[c];
      if (!cell.number) {
        cells.push_back("null");
        continue;
      }
      std::string id = Unique(fmt::format("{}/{}/{}", table_id, experiment, IdSlug(table.columns[c])), draft.used_ids);
      cells.push_back(id);
      const std::string& better = table.better[c];
      draft.claims +=
          fmt::format("  - id: {}\n    source: {}\n    experiment: {}\n    metric: {}\n    reported: {}\n", id,
                      Quoted(fmt::format("{}, row '{}', column '{}'", row_place, row.label, table.columns[c])),
                      experiment, MetricName(table.columns[c]), Quoted(cell.number->text));
      if (!cell.number->std_text.empty()) draft.claims += fmt::format("    reported_std: {}\n", cell.number->std_text);
      draft.claims += better.empty() ? "    # better: higher or lower? (the header does not say)\n"
                                     : fmt::format("    better: {}\n", better);
      if (cell.number->percent)
        draft.claims += "    # printed as a percentage: give the metric 'scale: 100' if the code prints a fraction\n";
    }
    draft.tables += fmt::format("      - {{label: {}, cells: [{}]}}\n", Quoted(row.label), fmt::join(cells, ", "));
    if (draft.rows_seen.insert(experiment).second) {
      draft.experiments += fmt::format(
          "#  - id: {}          # {}, row '{}'\n#    command: [python, TODO.py, --seed, \"{{seed}}\"]\n"
          "#    metrics:\n",
          experiment, row_place, row.label);
      for (const std::string& column : table.columns) {
        draft.experiments += fmt::format("#      {}: {{stdout: 'TODO (?<value>[-0-9.eE]+)'}}\n", MetricName(column));
      }
    }
  }
}

// "acc_norm" of "ai2_arc" "ARC-Challenge": the metric an lm-eval experiment would store it as.
std::string CardMetricName(const CardScore& score) {
  std::string dataset = score.dataset_type.empty() ? score.dataset : score.dataset_type;
  if (!score.config.empty()) dataset += "_" + score.config;
  return MetricName(dataset + "_" + score.metric);
}

std::string CardClaim(const CardScore& score, const std::string& id) {
  std::string better = BetterOfMetric(score.metric);
  std::string claim =
      fmt::format("  - id: {}\n    source: {}\n    experiment: lm-eval\n    metric: {}\n    reported: {}\n", id,
                  Quoted(fmt::format("model card, model-index: {} {}", score.dataset, score.metric)),
                  CardMetricName(score), Quoted(score.value));
  claim += better.empty() ? "    # better: higher or lower? (the metric type does not say)\n"
                          : fmt::format("    better: {}\n", better);
  std::vector<std::string> details;
  if (!score.config.empty()) details.push_back("config " + score.config);
  if (!score.split.empty()) details.push_back("split " + score.split);
  if (!score.few_shot.empty()) details.push_back(score.few_shot + "-shot");
  if (!score.source.empty()) details.push_back("reported by " + score.source);
  if (!details.empty()) claim += fmt::format("    # {}\n", Join(details, ", "));
  if (better == "higher" && ParseDecimal(score.value).value_or(0) > 1) {
    claim += "    # a percentage: lm-eval writes fractions, so the metric needs 'scale: 100'\n";
  }
  return claim;
}

std::string CardExperiment(const ModelCard& card) {
  std::string out = fmt::format(
      "#  - id: lm-eval          # {}\n"
      "#    command: [lm_eval, --model, hf, --model_args, \"pretrained=TODO\", --tasks, \"TODO\",\n"
      "#              --output_path, \"{{out}}\", --seed, \"{{seed}}\"]\n"
      "#    metrics:\n",
      card.model.empty() ? "the model" : card.model);
  std::set<std::string> written;
  for (const CardScore& score : card.scores) {
    std::string name = CardMetricName(score);
    if (!written.insert(name).second) continue;
    out += fmt::format("#      {}: {{file: \"{{out}}/*/results_*.json\", lm_eval: \"TODO-TASK/{},none\"{}}}\n", name,
                       score.metric, ParseDecimal(score.value).value_or(0) > 1 ? ", scale: 100" : "");
  }
  return out;
}

std::string DraftHeader(const std::string& tool, const std::string& from, const std::string& title) {
  return fmt::format(
      "# A draft made by `repro import {}` from {}. What is left for you is marked TODO;\n"
      "# `repro validate` on this file names each missing piece.\nschema: 1\npaper:\n  title: {}\n",
      tool, from, Quoted(title));
}

constexpr const char* kSourceTodo =
    "source: {path: .}  # TODO: the released code, as {git: URL, commit: FULL-40-HEX-HASH}\n";

}  // namespace

std::string DraftManifest(const ModelCard& card, const std::string& from) {
  std::string out =
      DraftHeader("model-card", from, card.model.empty() ? "TODO: the model's name" : "Model card of " + card.model);
  out += kSourceTodo;
  out += "experiments: []  # TODO: an experiment that evaluates the model, for instance:\n" + CardExperiment(card);
  out +=
      "# lm-eval's _stderr is read as the run's spread: the benchmark's sampling error, wider than the card's\n"
      "# digits. Declare what counts as the same score on each claim, e.g. tolerance: {abs: 0.5}.\n";
  out += "claims:\n";
  std::set<std::string> used;
  for (const CardScore& score : card.scores) {
    out += CardClaim(score, Unique(IdSlug(score.dataset) + "/" + IdSlug(score.metric), used));
  }
  return out;
}

std::string IdSlug(const std::string& text) {
  std::string slug;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) {
      slug += static_cast<char>(std::tolower(u));
    } else if (c == '.' && !slug.empty() && slug.back() != '-') {
      slug += '.';
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && (slug.back() == '-' || slug.back() == '.')) slug.pop_back();
  return slug.empty() ? "row" : slug;
}

std::string DraftManifest(const LatexPaper& paper, const std::vector<const LatexTable*>& tables,
                          const std::string& from) {
  Draft draft;
  std::vector<const LatexTable*> chosen = tables;
  if (chosen.empty()) {
    for (const LatexTable& table : paper.tables) chosen.push_back(&table);
  }
  for (const LatexTable* table : chosen) AddTable(*table, draft);
  std::string out = DraftHeader("latex", from, paper.title.empty() ? "TODO: the paper's title" : paper.title);
  if (!paper.authors.empty()) {
    out += "  authors: [";
    for (size_t a = 0; a < paper.authors.size(); ++a) out += (a ? ", " : "") + Quoted(paper.authors[a]);
    out += "]\n";
  }
  out += kSourceTodo;
  out += "experiments: []  # TODO: one experiment per row of the tables, for instance:\n" + draft.experiments;
  out += "claims:\n" + draft.claims;
  out += "tables:\n" + draft.tables;
  return out;
}

}  // namespace repro
