#include "harness/manifest/yaml_reader.h"

#include <fmt/format.h>

#include "harness/util/text.h"
#include "harness/util/units.h"

namespace repro::yaml {

void Diagnostics::Add(const YAML::Node& at, std::string message) {
  YAML::Mark mark = at.Mark();
  if (mark.is_null()) {
    AddAt(0, 0, std::move(message));
  } else {
    AddAt(mark.line + 1, mark.column + 1, std::move(message));
  }
}

void Diagnostics::AddAt(int line, int column, std::string message) {
  list_.push_back(Diagnostic{file_, line, column, std::move(message)});
}

std::string Diagnostics::DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  constexpr size_t kLongestTypo = 64;
  if (word.size() > kLongestTypo) return "";
  int64_t cost = 0;
  for (const std::string& candidate : candidates)
    cost += static_cast<int64_t>(word.size() * std::min(candidate.size(), kLongestTypo) + 1);
  if (cost > suggestion_budget_) return "";
  suggestion_budget_ -= cost;
  return repro::DidYouMean(word, candidates);
}

std::string Brief(std::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return std::string(text);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return std::string(text.substr(0, cut)) + "...";
}

std::string JoinSome(const std::vector<std::string>& parts, std::string_view separator, size_t max) {
  if (parts.size() <= max) return Join(parts, separator);
  std::vector<std::string> shown(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(max));
  return fmt::format("{}{}... ({} more)", Join(shown, separator), separator, parts.size() - max);
}

std::string KindName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return fmt::format("'{}'", node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "?";
}

int LineOf(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

MapReader::MapReader(const YAML::Node& node, std::string context, const std::vector<std::string>& allowed,
                     Diagnostics& diagnostics)
    : node_(node), context_(std::move(context)), diagnostics_(diagnostics) {
  if (!node.IsMap()) {
    diagnostics.Add(node, fmt::format("expected a mapping {}, found {}", context_, KindName(node)));
    return;
  }
  is_map_ = true;
  std::map<std::string, int> first_line;
  for (auto it = node.begin(); it != node.end(); ++it) {
    YAML::Node key = it->first;  // a copy: yaml-cpp's iterator yields temporaries
    if (!key.IsScalar()) {
      diagnostics.Add(key, fmt::format("keys {} must be names, found {}", context_, KindName(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    if (auto seen = first_line.find(name); seen != first_line.end()) {
      diagnostics.Add(key, fmt::format("duplicate key '{}' {} (first at line {})", name, context_, seen->second));
      continue;
    }
    first_line[name] = LineOf(key);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      diagnostics.Add(key, fmt::format("unknown key '{}' {}{}", name, context_, diagnostics.DidYouMean(name, allowed)));
      continue;
    }
    values_[name] = it->second;
  }
}

const YAML::Node* MapReader::Find(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

const YAML::Node* MapReader::Require(const std::string& key) const {
  const YAML::Node* value = Find(key);
  if (value == nullptr && is_map_) diagnostics_.Add(node_, fmt::format("missing key '{}' {}", key, context_));
  return value;
}

std::string MapReader::Describe(const std::string& key) const { return fmt::format("'{}' {}", key, context_); }

std::optional<std::string> MapReader::String(const std::string& key, bool required) const {
  const YAML::Node* value = required ? Require(key) : Find(key);
  if (value == nullptr) return std::nullopt;
  return ScalarText(*value, Describe(key), diagnostics_);
}

std::optional<int64_t> MapReader::Integer(const std::string& key, int64_t min, bool required, int64_t max) const {
  std::optional<std::string> text = String(key, required);
  if (!text) return std::nullopt;
  std::optional<double> number = ParseDecimal(*text);
  std::optional<int64_t> whole = number ? WholeNumber(*number) : std::nullopt;
  if (!whole || *whole < min || *whole > max) {
    std::string range =
        max == kLargestWhole ? fmt::format("of at least {}", min) : fmt::format("from {} to {}", min, max);
    diagnostics_.Add(*Find(key), fmt::format("{} must be a whole number {}, got '{}'", Describe(key), range, *text));
    return std::nullopt;
  }
  return whole;
}

std::optional<double> MapReader::Number(const std::string& key, double min, bool required) const {
  std::optional<std::string> text = String(key, required);
  if (!text) return std::nullopt;
  std::optional<double> number = ParseDecimal(*text);
  if (!number || *number < min) {
    diagnostics_.Add(*Find(key),
                     fmt::format("{} must be a finite number of at least {}, got '{}'", Describe(key), min, *text));
    return std::nullopt;
  }
  return number;
}

std::optional<double> MapReader::Duration(const std::string& key) const {
  std::optional<std::string> text = String(key);
  if (!text) return std::nullopt;
  std::optional<double> seconds = ParseDuration(*text);
  if (!seconds) {
    diagnostics_.Add(
        *Find(key), fmt::format("{} must be a duration such as 90s, 30m, 2h or 1h30m, got '{}'", Describe(key), *text));
  }
  return seconds;
}

std::optional<int64_t> MapReader::Bytes(const std::string& key) const {
  std::optional<std::string> text = String(key);
  if (!text) return std::nullopt;
  std::optional<int64_t> bytes = ParseBytes(*text);
  if (!bytes) {
    diagnostics_.Add(*Find(key), fmt::format("{} must be a size such as 512M or 4G, got '{}'", Describe(key), *text));
  }
  return bytes;
}

std::optional<std::string> MapReader::Choice(const std::string& key, const std::vector<std::string>& choices) const {
  std::optional<std::string> text = String(key);
  if (!text) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *text) == choices.end()) {
    diagnostics_.Add(*Find(key), fmt::format("{} must be one of {}, got '{}'{}", Describe(key), Join(choices, ", "),
                                             *text, diagnostics_.DidYouMean(*text, choices)));
    return std::nullopt;
  }
  return text;
}

std::optional<std::vector<std::string>> MapReader::StringList(const std::string& key) const {
  const YAML::Node* value = Find(key);
  if (value == nullptr) return std::nullopt;
  if (value->IsScalar()) return std::vector<std::string>{value->Scalar()};
  if (!value->IsSequence()) {
    diagnostics_.Add(*value,
                     fmt::format("{} must be a string or a list of strings, not {}", Describe(key), KindName(*value)));
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (const YAML::Node& item : *value) {
    if (std::optional<std::string> text = ScalarText(item, "each item of " + Describe(key), diagnostics_)) {
      items.push_back(*text);
    }
  }
  return items;
}

std::optional<std::string> ScalarText(const YAML::Node& node, const std::string& what, Diagnostics& diagnostics) {
  if (!node.IsScalar()) {
    diagnostics.Add(node, fmt::format("{} must be a single value, not {}", what, KindName(node)));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::vector<std::string>> Argv(const YAML::Node& node, const std::string& what,
                                             Diagnostics& diagnostics) {
  if (!node.IsSequence() || node.size() == 0) {
    diagnostics.Add(node, fmt::format("{} must be a non-empty list of arguments such as [python3, train.py], not {}",
                                      what, node.IsSequence() ? "an empty list" : KindName(node)));
    return std::nullopt;
  }
  std::vector<std::string> argv;
  bool ok = true;
  for (const YAML::Node& item : node) {
    std::optional<std::string> text = ScalarText(item, "each argument of " + what, diagnostics);
    ok = ok && text.has_value();
    if (text) argv.push_back(*text);
  }
  if (!ok) return std::nullopt;
  return argv;
}

}  // namespace repro::yaml
