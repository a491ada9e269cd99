// Reads the scores an open model's card claims: the `model-index` of a Hugging Face model
// card's YAML front matter (each result: task, dataset, metrics with type and value). A card
// comes from a stranger: the file and its front matter are capped, the YAML is read bounded
// (yaml_json.h), and an entry that cannot be read is named by its place, never guessed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "harness/util/result.h"

namespace repro {

struct CardScore {
  std::string model;          // model-index[].name
  std::string task;           // task.name, else task.type ("Text Generation")
  std::string dataset;        // dataset.name, else dataset.type ("AI2 Reasoning Challenge (25-Shot)")
  std::string dataset_type;   // "ai2_arc"
  std::string config, split;  // dataset.config ("ARC-Challenge"), dataset.split ("test")
  std::string few_shot;       // dataset.args.num_few_shot, when given
  std::string metric;         // metrics[].type ("acc_norm")
  std::string metric_name;    // metrics[].name ("normalized accuracy"), may be empty
  std::string value;          // exactly as written ("64.59")
  std::string source;         // the result's source.name or url ("Open LLM Leaderboard")
  std::string where;          // "model-index[0].results[2].metrics[0]"
};

struct ModelCard {
  std::string model;  // the first model-index name, else the file's folder
  std::vector<CardScore> scores;
  std::vector<std::string> problems;  // "model-index[0].results[3]: no metrics (skipped)"
};

// The front matter of a model card's text ("name" for messages).
Result<ModelCard> ParseModelCard(std::string_view text, const std::string& name);
Result<ModelCard> ReadModelCard(const std::filesystem::path& path);

// "higher" or "lower" when a metric type says which is better (acc, f1, pass@1; perplexity,
// wer, loss), else "".
std::string BetterOfMetric(const std::string& metric_type);

}  // namespace repro
