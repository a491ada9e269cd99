#include "harness/metrics/extract.h"

#include <fmt/format.h>

#include "harness/metrics/files.h"
#include "harness/metrics/tensorboard.h"
#include "harness/util/atomic_file.h"
#include "harness/util/text.h"

namespace repro {
namespace {

std::string ConcreteName(const std::string& templated, std::string_view captured) {
  std::string name = templated;
  size_t at = name.find("{name}");
  if (at != std::string::npos) name.replace(at, 6, captured);
  return name;
}

bool IsTensorBoardFile(const std::filesystem::path& path) {
  return path.filename().string().find("tfevents") != std::string::npos;
}

}  // namespace

MetricCollector::MetricCollector(std::vector<MetricSpec> specs, SeriesSink sink) : sink_(std::move(sink)) {
  for (MetricSpec& spec : specs) {
    Entry entry;
    if (spec.source == MetricSource::kStdout || spec.source == MetricSource::kStderr) {
      Result<Regex> regex = Regex::Compile(spec.pattern);
      if (regex) entry.regex.emplace(std::move(regex).value());
      else entry.problem = "invalid regex: " + regex.error();
    }
    entry.spec = std::move(spec);
    entries_.push_back(std::move(entry));
  }
}

void MetricCollector::Record(size_t entry, std::string_view name, Observation& o) {
  Entry& e = entries_[entry];
  if (e.spec.scale != 1 && o.flag == ValueFlag::kOk) {
    o.value *= e.spec.scale;
    if (o.std) *o.std *= e.spec.scale;
  }
  // The hot path (millions of points from one regex) must not look up or copy the name.
  Series* series = e.fixed;
  const std::string* key = &e.spec.name;
  if (series == nullptr) {
    auto it = series_.find(std::string(name));
    if (it == series_.end()) it = series_.emplace(std::string(name), Series{entry, Accumulator(e.spec.reduce)}).first;
    series = &it->second;
    key = &it->first;
    if (!e.spec.HasNameTemplate()) e.fixed = series;
  }
  if (!o.step) o.step = series->next_index;
  ++series->next_index;
  if (sink_) sink_(*key, o);
  series->accumulator.Add(o);
}

void MetricCollector::OnLine(StreamId stream, std::string_view line) {
  const char* stream_name = stream == StreamId::kStdout ? "stdout" : "stderr";
  Regex::Match match;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const MetricSpec& spec = entries_[i].spec;
    if (spec.source == MetricSource::kJsonLines && spec.file.empty() && spec.stream == stream_name) {
      ReadJsonLine(line, spec.selector, spec.step_field, [&](Observation o) { Record(i, spec.name, o); });
      continue;
    }
    MetricSource wanted = stream == StreamId::kStdout ? MetricSource::kStdout : MetricSource::kStderr;
    if (spec.source != wanted || !entries_[i].regex || !entries_[i].regex->Search(line, match) || !match.value) continue;
    Observation o = ParseObservedNumber(*match.value);
    if (match.step) {
      if (std::optional<double> step = ParseDecimal(*match.step)) o.step = static_cast<int64_t>(*step);
    }
    if (match.std) o.std = ParseDecimal(*match.std);
    if (match.name) {
      Record(i, ConcreteName(spec.name, *match.name), o);
    } else {
      Record(i, spec.name, o);
    }
  }
}

void MetricCollector::ReadFiles(size_t index, const std::filesystem::path& pattern) {
  Entry& entry = entries_[index];
  const MetricSpec& spec = entry.spec;
  std::vector<std::filesystem::path> paths = MatchFiles(pattern);
  if (paths.empty()) {
    entry.problem = fmt::format("no file matches {} (it was not written, or the path is wrong)", pattern.string());
    return;
  }
  auto emit = [&](Observation o) { Record(index, spec.name, o); };
  std::vector<std::string> warnings;
  for (const std::filesystem::path& path : paths) {
    std::vector<std::filesystem::path> files = {path};
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      // A TensorBoard log folder: its event files in name order, which is time order.
      files.clear();
      for (const auto& item : std::filesystem::directory_iterator(path, ec)) {
        if (item.is_regular_file() && IsTensorBoardFile(item.path())) files.push_back(item.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) warnings.push_back(fmt::format("{} has no event files", path.string()));
    }
    for (const std::filesystem::path& file : files) {
      Result<std::string> bytes = ReadFile(file);
      if (!bytes) {
        warnings.push_back(bytes.error());
        continue;
      }
      Status status = Status::Ok();
      switch (spec.source) {
        case MetricSource::kJson: status = ReadJson(*bytes, spec.selector, emit); break;
        case MetricSource::kJsonLines: {
          std::string_view text = *bytes;
          for (size_t start = 0; start < text.size();) {
            size_t end = text.find('\n', start);
            ReadJsonLine(text.substr(start, end - start), spec.selector, spec.step_field, emit);
            start = end == std::string_view::npos ? text.size() : end + 1;
          }
          break;
        }
        case MetricSource::kCsv: {
          char delimiter = file.extension() == ".tsv" || file.extension() == ".tab" ? '\t' : ',';
          status = ReadCsv(*bytes, delimiter, spec.selector, spec.step_field, emit);
          break;
        }
        case MetricSource::kTensorBoard: {
          EventFileResult result = ReadEventFile(*bytes, spec.selector, emit);
          if (!result.warning.empty()) warnings.push_back(fmt::format("{}: {}", file.filename().string(), result.warning));
          break;
        }
        default: break;
      }
      if (!status.ok()) warnings.push_back(fmt::format("{}: {}", file.string(), status.error()));
    }
  }
  entry.warning = Join(warnings, "; ");
}

std::string MetricCollector::WhereLooked(const Entry& entry, const std::filesystem::path& path) const {
  const MetricSpec& spec = entry.spec;
  std::string where;
  switch (spec.source) {
    case MetricSource::kStdout:
    case MetricSource::kStderr:
      where = fmt::format("{} lines matching /{}/", MetricSourceName(spec.source), spec.pattern);
      break;
    case MetricSource::kJsonLines:
      where = spec.file.empty() ? fmt::format("JSON lines on {} with field '{}'", spec.stream, spec.selector)
                                : fmt::format("JSON lines in {} with field '{}'", path.string(), spec.selector);
      break;
    case MetricSource::kJson: where = fmt::format("{} at {}", path.string(), spec.selector); break;
    case MetricSource::kCsv: where = fmt::format("column '{}' of {}", spec.selector, path.string()); break;
    case MetricSource::kTensorBoard: where = fmt::format("tag '{}' in {}", spec.selector, path.string()); break;
  }
  std::vector<std::string> notes;
  if (!entry.problem.empty()) notes.push_back(entry.problem);
  if (!entry.warning.empty()) notes.push_back(entry.warning);
  return notes.empty() ? where : where + " (" + Join(notes, "; ") + ")";
}

MetricValue MetricCollector::Reduce(const std::string& name, const Series& series) const {
  const MetricSpec& spec = entries_[series.entry].spec;
  std::optional<int64_t> best_step;
  std::string problem;
  if (spec.reduce.kind == ReducerSpec::Kind::kAtBest) {
    auto other = series_.find(spec.reduce.other);
    if (other == series_.end()) {
      problem = fmt::format("'{}' (whose best step picks the value) was not found", spec.reduce.other);
    } else {
      best_step = other->second.accumulator.BestStep(spec.reduce.other_max);
    }
  }
  MetricValue value = series.accumulator.Result(name, best_step, problem);
  value.unit = spec.unit;
  const std::string& warning = entries_[series.entry].warning;
  if (value.flag == ValueFlag::kOk && !warning.empty()) value.message = "note: " + warning;
  return value;
}

std::vector<MetricValue> MetricCollector::Finish(const std::function<std::filesystem::path(const MetricSpec&)>& resolve) {
  std::vector<std::filesystem::path> paths(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].spec.FromStream()) continue;
    paths[i] = resolve(entries_[i].spec);
    ReadFiles(i, paths[i]);
  }
  std::vector<MetricValue> values;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const MetricSpec& spec = entries_[i].spec;
    bool found = false;
    for (const auto& [name, series] : series_) {
      if (series.entry != i) continue;
      found = true;
      values.push_back(Reduce(name, series));
    }
    if (!found) {
      MetricValue missing;
      missing.name = spec.name;
      missing.unit = spec.unit;
      missing.message = "not found: looked in " + WhereLooked(entries_[i], paths[i]);
      values.push_back(std::move(missing));
    }
  }
  for (MetricValue& value : values) {
    if (value.flag == ValueFlag::kMissing && value.message.empty()) value.message = "not found";
  }
  return values;
}

}  // namespace repro
