#include "harness/importers/model_card.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "harness/manifest/yaml_json.h"
#include "harness/util/confined_file.h"
#include "harness/util/text.h"

namespace repro {
namespace {

using nlohmann::json;

constexpr uint64_t kMaxCardBytes = 16 << 20;
constexpr size_t kMaxFrontMatterBytes = 4 << 20;

// The text between a first line "---" and the next line "---" (or "..."), with the lines
// before it kept empty so that YAML's line numbers are the file's; nullopt without one.
std::optional<std::string> FrontMatter(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte-order mark
  if (!text.starts_with("---\n") && !text.starts_with("---\r\n")) return std::nullopt;
  size_t start = text.find('\n') + 1;
  for (size_t line = start; line < text.size();) {
    size_t end = std::min(text.find('\n', line), text.size());
    std::string_view content = text.substr(line, end - line);
    if (content.ends_with('\r')) content.remove_suffix(1);
    if (content == "---" || content == "...") return "\n" + std::string(text.substr(start, line - start));
    line = end + 1;
  }
  return std::nullopt;
}

// A string member of an object, or "" (a card's optional fields are often absent or null).
std::string Text(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& Member(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string FirstOf(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

void ReadMetrics(const json& result, CardScore base, const std::string& where, ModelCard& card) {
  const json& metrics = Member(result, "metrics");
  if (!metrics.is_array() || metrics.empty()) {
    card.problems.push_back(fmt::format("{}: no metrics (skipped)", where));
    return;
  }
  for (size_t m = 0; m < metrics.size(); ++m) {
    CardScore score = base;
    score.where = fmt::format("{}.metrics[{}]", where, m);
    score.metric = Text(metrics[m], "type");
    score.metric_name = Text(metrics[m], "name");
    score.value = Text(metrics[m], "value");
    if (score.metric.empty()) {
      card.problems.push_back(fmt::format("{}: no metric type (skipped)", score.where));
    } else if (!ParseDecimal(score.value)) {
      card.problems.push_back(
          fmt::format("{}: the value '{}' of {} is not a number (skipped)", score.where, score.value, score.metric));
    } else {
      card.scores.push_back(std::move(score));
    }
  }
}

void ReadModel(const json& model, size_t index, ModelCard& card) {
  std::string name = Text(model, "name");
  if (card.model.empty()) card.model = name;
  const json& results = Member(model, "results");
  if (!results.is_array()) {
    card.problems.push_back(fmt::format("model-index[{}]: no list of results (skipped)", index));
    return;
  }
  for (size_t r = 0; r < results.size(); ++r) {
    const json& task = Member(results[r], "task");
    const json& dataset = Member(results[r], "dataset");
    const json& source = Member(results[r], "source");
    CardScore base;
    base.model = name;
    base.task = FirstOf(Text(task, "name"), Text(task, "type"));
    base.dataset = FirstOf(Text(dataset, "name"), Text(dataset, "type"));
    base.dataset_type = Text(dataset, "type");
    base.config = Text(dataset, "config");
    base.split = Text(dataset, "split");
    base.few_shot = Text(Member(dataset, "args"), "num_few_shot");
    base.source = FirstOf(Text(source, "name"), Text(source, "url"));
    std::string where = fmt::format("model-index[{}].results[{}]", index, r);
    if (base.dataset.empty()) {
      card.problems.push_back(fmt::format("{}: no dataset name or type (skipped)", where));
      continue;
    }
    ReadMetrics(results[r], std::move(base), where, card);
  }
}

}  // namespace

Result<ModelCard> ParseModelCard(std::string_view text, const std::string& name) {
  std::optional<std::string> front = FrontMatter(text);
  if (!front) return Error{fmt::format("{} has no YAML front matter (a first line '---')", name)};
  if (front->size() > kMaxFrontMatterBytes)
    return Error{fmt::format("{}: the front matter is over {} bytes", name, kMaxFrontMatterBytes)};
  Result<json> yaml = YamlToJson(*front, name);
  if (!yaml) return Error{yaml.error()};
  const json& index = Member(*yaml, "model-index");
  if (!index.is_array() || index.empty()) {
    return Error{
        fmt::format("{}: the front matter has no 'model-index' (the card claims no scores "
                    "in a form a program can read)",
                    name)};
  }
  ModelCard card;
  for (size_t m = 0; m < index.size(); ++m) ReadModel(index[m], m, card);
  if (card.scores.empty() && !card.problems.empty()) return Error{fmt::format("{}: {}", name, card.problems.front())};
  return card;
}

Result<ModelCard> ReadModelCard(const std::filesystem::path& path) {
  std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
  Result<std::string> text = ReadConfinedFile(folder, path, kMaxCardBytes);
  if (!text) return Error{text.error()};
  Result<ModelCard> card = ParseModelCard(*text, path.string());
  if (card && card->model.empty()) card->model = path.parent_path().filename().string();
  return card;
}

std::string BetterOfMetric(const std::string& metric_type) {
  static const std::array<std::string_view, 13> kHigher = {
      "acc", "accuracy", "acc_norm", "f1", "exact_match", "em", "bleu", "rouge", "pass@", "mc1", "mc2", "map", "ndcg"};
  static const std::array<std::string_view, 6> kLower = {"perplexity", "ppl", "wer", "cer", "loss", "bits_per_byte"};
  std::string type = metric_type;
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view lower : kLower) {
    if (type.starts_with(lower) || type.find(lower) != std::string::npos) return "lower";
  }
  for (std::string_view higher : kHigher) {
    if (type.starts_with(higher)) return "higher";
  }
  return "";
}

}  // namespace repro
