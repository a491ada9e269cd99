#include "harness/metrics/files.h"

#include <fmt/format.h>
#include <glob.h>

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "harness/util/text.h"

namespace repro {
namespace {

Observation FromJson(const nlohmann::json& item) {
  if (item.is_number()) {
    Observation o;
    o.value = item.get<double>();
    if (!std::isfinite(o.value)) {
      o.flag = ValueFlag::kNonFinite;
      o.text = item.dump();
    }
    return o;
  }
  // Python's json module writes NaN/Infinity, which strict parsers refuse, so programs that
  // want them to survive often write strings.
  return ParseObservedNumber(item.is_string() ? item.get<std::string>() : item.dump());
}

const nlohmann::json* Field(const nlohmann::json& object, const std::string& field) {
  if (!field.empty() && field[0] == '/') {
    try {
      nlohmann::json::json_pointer pointer(field);
      return object.contains(pointer) ? &object.at(pointer) : nullptr;
    } catch (const nlohmann::json::exception&) {
      return nullptr;
    }
  }
  auto it = object.find(field);
  return it == object.end() ? nullptr : &*it;
}

// A step as written, which may be fractional or far out of range ("1e40"): its whole part,
// or none when it does not fit an int64 (converting such a double is undefined behaviour).
std::optional<int64_t> StepFrom(double value) {
  if (!(value >= -0x1p63 && value < 0x1p63)) return std::nullopt;
  return static_cast<int64_t>(value);
}

std::vector<std::string> SplitCsvRow(std::string_view row, char delimiter) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < row.size(); ++i) {
    char c = row[i];
    if (quoted) {
      if (c == '"' && i + 1 < row.size() && row[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  for (std::string& field : fields) {
    while (!field.empty() && field.front() == ' ') field.erase(0, 1);
    while (!field.empty() && field.back() == ' ') field.pop_back();
  }
  return fields;
}

// The keys of a task's results that are metrics ("acc,none"), for an error naming them.
std::string MetricKeys(const nlohmann::json& task) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : task.items()) {
    if (value.is_number() && key.find("_stderr") == std::string::npos) keys.push_back(key);
  }
  return keys.empty() ? "none" : Join(keys, ", ");
}

std::string KeyList(const nlohmann::json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys.empty() ? "none" : Join(keys, ", ");
}

// "acc,none" -> "acc_stderr,none"; "acc" -> "acc_stderr".
std::string StderrKey(const std::string& metric) {
  size_t comma = metric.find(',');
  if (comma == std::string::npos) return metric + "_stderr";
  return metric.substr(0, comma) + "_stderr" + metric.substr(comma);
}

// How many samples the task's scores are over: "n-samples" effective, else "sample_len".
std::optional<int64_t> SampleCount(const nlohmann::json& file, const std::string& task, const nlohmann::json& scores) {
  const nlohmann::json* counted = Field(file, "n-samples");
  if (counted && counted->is_object()) counted = Field(*counted, task);
  if (counted && counted->is_object()) counted = Field(*counted, "effective");
  if (!counted || !counted->is_number_integer()) counted = Field(scores, "sample_len");
  if (!counted || !counted->is_number_integer() || counted->get<int64_t>() <= 0) return std::nullopt;
  return counted->get<int64_t>();
}

}  // namespace

Status ReadLmEvalResults(std::string_view document, const std::string& selector, const EmitObservation& emit) {
  if (NestedTooDeep(document)) return Error{TooDeepMessage()};
  nlohmann::json file = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json* results = file.is_object() ? Field(file, "results") : nullptr;
  if (results == nullptr || !results->is_object()) return Error{"not lm-evaluation-harness results: no \"results\""};
  size_t slash = selector.rfind('/');
  std::string task = selector.substr(0, slash), metric = selector.substr(slash + 1);
  const nlohmann::json* scores = Field(*results, task);
  if (scores == nullptr || !scores->is_object())
    return Error{fmt::format("no task '{}' in the results (tasks: {})", task, KeyList(*results))};
  std::vector<std::string> keys = {metric};
  if (metric.find(',') == std::string::npos) keys.insert(keys.begin(), metric + ",none");
  for (const std::string& key : keys) {
    const nlohmann::json* value = Field(*scores, key);
    if (value == nullptr) continue;
    Observation o = FromJson(*value);
    const nlohmann::json* stderr_value = Field(*scores, StderrKey(key));
    std::optional<int64_t> count = SampleCount(file, task, *scores);
    if (stderr_value && stderr_value->is_number() && std::isfinite(stderr_value->get<double>()) && count) {
      o.std = stderr_value->get<double>() * std::sqrt(static_cast<double>(*count));
      o.count = count;
    }
    emit(std::move(o));
    return Status::Ok();
  }
  return Error{fmt::format("task '{}' has no metric '{}' (its metrics: {})", task, metric, MetricKeys(*scores))};
}

std::vector<std::filesystem::path> MatchFiles(const std::filesystem::path& pattern) {
  std::vector<std::filesystem::path> matches;
  glob_t found{};
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) matches.emplace_back(found.gl_pathv[i]);
  }
  ::globfree(&found);
  std::sort(matches.begin(), matches.end());
  return matches;
}

bool NestedTooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

std::string TooDeepMessage() { return fmt::format("nested deeper than {} levels; not parsed", kMaxJsonDepth); }

Status ReadJson(std::string_view document, const std::string& pointer, const EmitObservation& emit) {
  if (NestedTooDeep(document)) return Error{TooDeepMessage()};
  nlohmann::json json = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Error{"not valid JSON"};
  const nlohmann::json* node = Field(json, pointer);
  if (node == nullptr) return Error{fmt::format("nothing at JSON pointer '{}'", pointer)};
  if (!node->is_array()) {
    emit(FromJson(*node));
    return Status::Ok();
  }
  for (size_t i = 0; i < node->size(); ++i) {
    Observation o = FromJson((*node)[i]);
    o.step = static_cast<int64_t>(i);
    emit(std::move(o));
  }
  return Status::Ok();
}

Status ReadJsonLine(std::string_view line, const std::string& field, const std::string& step_field,
                    const EmitObservation& emit) {
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos || line[start] != '{') return Status::Ok();
  if (NestedTooDeep(line)) return Error{TooDeepMessage()};
  nlohmann::json object = nlohmann::json::parse(line.substr(start), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) return Status::Ok();
  const nlohmann::json* value = Field(object, field);
  if (value == nullptr || value->is_null()) return Status::Ok();
  Observation o = FromJson(*value);
  if (!step_field.empty()) {
    const nlohmann::json* step = Field(object, step_field);
    if (step != nullptr && step->is_number_unsigned()) {
      if (uint64_t s = step->get<uint64_t>(); s <= static_cast<uint64_t>(INT64_MAX)) o.step = static_cast<int64_t>(s);
    } else if (step != nullptr && step->is_number_integer()) {
      o.step = step->get<int64_t>();
    } else if (step != nullptr && step->is_number()) {
      o.step = StepFrom(step->get<double>());
    }
  }
  emit(std::move(o));
  return Status::Ok();
}

CsvReader::CsvReader(char delimiter, std::string column, std::string step_column, EmitObservation emit)
    : delimiter_(delimiter), column_(std::move(column)), step_column_(std::move(step_column)), emit_(std::move(emit)) {}

Status CsvReader::Row(std::string_view row) {
  if (!have_header_) {
    have_header_ = true;
    std::vector<std::string> header = SplitCsvRow(row, delimiter_);
    if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);
    auto index_of = [&](const std::string& name) -> std::optional<size_t> {
      auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end()) return std::nullopt;
      return static_cast<size_t>(it - header.begin());
    };
    std::optional<size_t> value_index = index_of(column_);
    if (!value_index) {
      return Error{fmt::format("no column '{}' in the header (columns: {}){}", column_, Join(header, ", "),
                               DidYouMean(column_, header))};
    }
    value_index_ = *value_index;
    step_index_ = step_column_.empty() ? std::nullopt : index_of(step_column_);
    if (!step_column_.empty() && !step_index_)
      return Error{fmt::format("no step column '{}' in the header", step_column_)};
    return Status::Ok();
  }
  if (row.empty() || row == "\r") return Status::Ok();
  std::vector<std::string> fields = SplitCsvRow(row, delimiter_);
  if (value_index_ >= fields.size() || fields[value_index_].empty()) return Status::Ok();
  Observation o = ParseObservedNumber(fields[value_index_]);
  size_t step_at = step_index_.value_or(fields.size());
  if (step_at < fields.size()) {
    if (std::optional<double> step = ParseDecimal(fields[step_at])) o.step = StepFrom(*step);
  }
  emit_(std::move(o));
  return Status::Ok();
}

Status CsvReader::Finish() const {
  if (!have_header_) return Error{"the file is empty"};
  return Status::Ok();
}

Status ReadCsv(std::string_view text, char delimiter, const std::string& column, const std::string& step_column,
               const EmitObservation& emit) {
  CsvReader reader(delimiter, column, step_column, emit);
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (Status row =
            reader.Row(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        !row) {
      return row;
    }
    start = end == std::string_view::npos ? text.size() : end + 1;
  }
  return reader.Finish();
}

}  // namespace repro
