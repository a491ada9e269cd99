#include "harness/metrics/extract.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/util/atomic_file.h"
#include "harness/util/text.h"

namespace repro {

const char* ValueFlagName(ValueFlag flag) {
  switch (flag) {
    case ValueFlag::kOk: return "ok";
    case ValueFlag::kNonFinite: return "non-finite";
    case ValueFlag::kUnparseable: return "unparseable";
    case ValueFlag::kMissing: return "missing";
  }
  return "?";
}

namespace {

bool LooksNonFinite(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && (lower[0] == '+' || lower[0] == '-')) lower.erase(0, 1);
  return lower == "nan" || lower == "inf" || lower == "infinity";
}

}  // namespace

Observation ParseObservedNumber(std::string_view text) {
  Observation observation;
  observation.text = std::string(text);
  if (LooksNonFinite(text)) {
    observation.flag = ValueFlag::kNonFinite;
    return observation;
  }
  if (std::optional<double> value = ParseDecimal(text)) {
    observation.value = *value;
    return observation;
  }
  // A plain decimal that overflows ("1e309") is a number, just not a finite one.
  std::string copy(text);
  char* end = nullptr;
  double wide = std::strtod(copy.c_str(), &end);
  bool consumed = end == copy.c_str() + copy.size() && !copy.empty();
  observation.flag = consumed && std::isinf(wide) ? ValueFlag::kNonFinite : ValueFlag::kUnparseable;
  return observation;
}

MetricValue Reduce(const std::string& name, Reducer reducer, std::vector<Observation> series) {
  MetricValue result;
  result.name = name;
  result.series = std::move(series);
  if (result.series.empty()) {
    result.flag = ValueFlag::kMissing;
    return result;
  }
  std::vector<const Observation*> used;
  if (reducer == Reducer::kLast) {
    used.push_back(&result.series.back());
  } else {
    for (const Observation& observation : result.series) used.push_back(&observation);
  }
  for (const Observation* observation : used) {
    if (observation->flag != ValueFlag::kOk) {
      result.flag = observation->flag;
      result.message = fmt::format("value '{}' is {}", observation->text, ValueFlagName(observation->flag));
      return result;
    }
  }
  double reduced = used.front()->value;
  double sum = 0;
  for (const Observation* observation : used) {
    sum += observation->value;
    if (reducer == Reducer::kMin) reduced = std::min(reduced, observation->value);
    if (reducer == Reducer::kMax) reduced = std::max(reduced, observation->value);
  }
  if (reducer == Reducer::kMean) reduced = sum / static_cast<double>(used.size());
  result.value = reduced;
  result.flag = ValueFlag::kOk;
  return result;
}

MetricCollector::MetricCollector(std::vector<MetricSpec> specs) {
  for (MetricSpec& spec : specs) {
    Entry entry;
    if (spec.source != MetricSource::kJsonFile) {
      Result<Regex> regex = Regex::Compile(spec.pattern);
      if (regex) {
        entry.regex.emplace(std::move(regex).value());
      } else {
        entry.compile_error = regex.error();
      }
    }
    entry.spec = std::move(spec);
    entries_.push_back(std::move(entry));
  }
}

void MetricCollector::OnLine(StreamId stream, std::string_view line) {
  MetricSource source = stream == StreamId::kStdout ? MetricSource::kStdout : MetricSource::kStderr;
  Regex::Match match;
  for (Entry& entry : entries_) {
    if (entry.spec.source != source || !entry.regex || !entry.regex->Search(line, match)) continue;
    if (!match.value) continue;
    Observation observation = ParseObservedNumber(*match.value);
    if (match.step) {
      if (std::optional<double> step = ParseDecimal(*match.step)) observation.step = static_cast<int64_t>(*step);
    }
    if (!observation.step) observation.step = static_cast<int64_t>(entry.series.size());
    entry.series.push_back(std::move(observation));
  }
}

Result<std::vector<Observation>> ExtractJson(std::string_view document, const std::string& pointer) {
  nlohmann::json json = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Error{"not valid JSON"};
  nlohmann::json::json_pointer json_pointer;
  try {
    json_pointer = nlohmann::json::json_pointer(pointer);
  } catch (const nlohmann::json::exception& e) {
    return Error{fmt::format("invalid JSON pointer '{}'", pointer)};
  }
  if (!json.contains(json_pointer)) return Error{fmt::format("nothing at JSON pointer '{}'", pointer)};
  const nlohmann::json& node = json.at(json_pointer);
  auto observe = [](const nlohmann::json& item) {
    if (item.is_number()) {
      Observation observation;
      observation.value = item.get<double>();
      observation.text = item.dump();
      if (!std::isfinite(observation.value)) observation.flag = ValueFlag::kNonFinite;
      return observation;
    }
    // Python's json module writes NaN/Infinity, which strict parsers refuse, so programs
    // that want them to survive often write strings.
    return ParseObservedNumber(item.is_string() ? item.get<std::string>() : item.dump());
  };
  std::vector<Observation> series;
  if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      series.push_back(observe(node[i]));
      series.back().step = static_cast<int64_t>(i);
    }
  } else {
    series.push_back(observe(node));
  }
  return series;
}

std::vector<MetricValue> MetricCollector::Finish(
    const std::function<std::filesystem::path(const MetricSpec&)>& resolve_path) {
  std::vector<MetricValue> values;
  for (Entry& entry : entries_) {
    std::string where;
    if (entry.spec.source == MetricSource::kJsonFile) {
      std::filesystem::path path = resolve_path(entry.spec);
      where = fmt::format("file {} at {}", path.string(), entry.spec.json_pointer);
      Result<std::string> document = ReadFile(path);
      if (!document) {
        where = fmt::format("file {} (not readable: it does not exist or was not written)", path.string());
      } else if (Result<std::vector<Observation>> series = ExtractJson(*document, entry.spec.json_pointer)) {
        entry.series = std::move(series).value();
      } else {
        where = fmt::format("file {}: {}", path.string(), series.error());
      }
    } else {
      where = fmt::format("{} lines matching /{}/", MetricSourceName(entry.spec.source), entry.spec.pattern);
      if (!entry.compile_error.empty()) where += " (" + entry.compile_error + ")";
    }
    MetricValue value = Reduce(entry.spec.name, entry.spec.reduce, std::move(entry.series));
    if (value.flag == ValueFlag::kMissing) value.message = "not found: looked in " + where;
    values.push_back(std::move(value));
  }
  return values;
}

}  // namespace repro
