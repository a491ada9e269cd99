#include "harness/metrics/extract.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "harness/metrics/files.h"
#include "harness/metrics/tensorboard.h"
#include "harness/util/confined_file.h"
#include "harness/util/hash.h"
#include "harness/util/text.h"

namespace repro {
namespace {

std::string ConcreteName(const std::string& templated, std::string_view captured) {
  std::string name = templated;
  size_t at = name.find("{name}");
  if (at != std::string::npos) name.replace(at, 6, captured);
  return name;
}

// A count as printed ("5", "5.0"): a whole number >= 1, else none.
std::optional<int64_t> ParseCount(std::string_view text) {
  std::optional<double> count = ParseDecimal(text);
  if (!count || *count < 1 || *count > 1e15 || *count != std::floor(*count)) return std::nullopt;
  return static_cast<int64_t>(*count);
}

// A step as printed, which may be fractional or far out of range ("1e40"): its whole part,
// or none when it does not fit an int64 (converting such a double is undefined behaviour).
std::optional<int64_t> StepFrom(double value) {
  if (!(value >= -0x1p63 && value < 0x1p63)) return std::nullopt;
  return static_cast<int64_t>(value);
}

bool IsTensorBoardFile(const std::filesystem::path& path) {
  return path.filename().string().find("tfevents") != std::string::npos;
}

}  // namespace

FilesBefore RecordFilesBefore(const std::vector<MetricSpec>& specs,
                              const std::function<std::filesystem::path(const MetricSpec&)>& resolve,
                              const std::filesystem::path& root) {
  FilesBefore files;
  for (const MetricSpec& spec : specs) {
    if (spec.source != MetricSource::kTextFile) continue;
    for (const std::filesystem::path& path : MatchFiles(resolve(spec))) {
      FileBefore file;
      Sha256 digest;
      // What cannot be read now (a folder, a symlink out, too large) is refused when read later.
      if (!ReadConfined(root, path, MetricFileLimit(spec), [&](std::string_view chunk) {
            digest.Update(chunk);
            file.size += chunk.size();
          }))
        continue;
      file.sha256 = digest.HexDigest();
      files[path.lexically_normal()] = std::move(file);
    }
  }
  return files;
}

MetricCollector::MetricCollector(std::vector<MetricSpec> specs, SeriesSink sink) : sink_(std::move(sink)) {
  for (MetricSpec& spec : specs) {
    Entry entry;
    if (spec.IsRegex()) {
      Result<Regex> regex = Regex::Compile(spec.pattern);
      if (regex)
        entry.regex.emplace(std::move(regex).value());
      else
        entry.problem = "invalid regex: " + regex.error();
    }
    entry.spec = std::move(spec);
    entries_.push_back(std::move(entry));
  }
  for (int i = 0; i < 2; ++i) {
    StreamId stream = i == 0 ? StreamId::kStdout : StreamId::kStderr;
    splitters_[i] = std::make_unique<LineSplitter>([this, stream](std::string_view line) { OnLine(stream, line); });
    const char* name = i == 0 ? "stdout" : "stderr";
    MetricSource regex_source = i == 0 ? MetricSource::kStdout : MetricSource::kStderr;
    for (const Entry& entry : entries_) {
      bool json_lines =
          entry.spec.source == MetricSource::kJsonLines && entry.spec.file.empty() && entry.spec.stream == name;
      bool regex = entry.spec.source == regex_source && entry.regex;
      read_[i] = read_[i] || json_lines || regex;
      if (json_lines || (regex && !entry.regex->line_local())) whole_runs_[i] = false;
    }
  }
}

void MetricCollector::OnOutput(StreamId stream, std::string_view chunk) {
  int index = stream == StreamId::kStdout ? 0 : 1;
  if (!read_[index]) return;
  LineSplitter& lines = Lines(stream);
  if (chunk.empty()) {
    lines.Finish();
    return;
  }
  if (!whole_runs_[index] || chunk.size() > LineSplitter::kDefaultMaxLine) {
    lines.Feed(chunk);
    return;
  }
  if (lines.has_pending()) {  // end the line an earlier chunk began
    const char* newline = static_cast<const char*>(std::memchr(chunk.data(), '\n', chunk.size()));
    size_t head = newline == nullptr ? chunk.size() : static_cast<size_t>(newline - chunk.data()) + 1;
    lines.Feed(chunk.substr(0, head));
    chunk.remove_prefix(head);
  }
  const char* last = static_cast<const char*>(::memrchr(chunk.data(), '\n', chunk.size()));
  size_t complete = last == nullptr ? 0 : static_cast<size_t>(last - chunk.data()) + 1;
  ScanCompleteLines(stream, chunk.substr(0, complete));
  lines.Feed(chunk.substr(complete));  // a partial last line waits for the next chunk
}

// "text" is whole lines, each ending in '\n'. A line holding '\r' or ESC needs cleaning and
// goes through the LineSplitter on its own; the runs of clean lines between are searched whole.
void MetricCollector::ScanCompleteLines(StreamId stream, std::string_view text) {
  auto find = [&](char c, size_t from) {
    const void* at = std::memchr(text.data() + from, c, text.size() - from);
    return at == nullptr ? text.size() : static_cast<size_t>(static_cast<const char*>(at) - text.data());
  };
  size_t next_cr = find('\r', 0), next_esc = find('\x1b', 0);
  size_t pos = 0;
  while (pos < text.size()) {
    if (next_cr < pos) next_cr = find('\r', pos);
    if (next_esc < pos) next_esc = find('\x1b', pos);
    size_t dirty = std::min(next_cr, next_esc);
    if (dirty == text.size()) {
      MatchLines(stream, text.substr(pos));
      return;
    }
    size_t line_begin = text.substr(0, dirty).rfind('\n');
    line_begin = line_begin == std::string_view::npos || line_begin < pos ? pos : line_begin + 1;
    size_t line_end = find('\n', dirty);
    if (line_begin > pos) MatchLines(stream, text.substr(pos, line_begin - pos));
    Lines(stream).Feed(text.substr(line_begin, line_end + 1 - line_begin));
    pos = line_end + 1;
  }
}

// Each pattern runs over the clean lines "text" at once; what it finds is what a search of
// each line by itself finds: every match of a line, in order. A match that runs across a
// line end is not a match of one line: the rest of that line is searched alone.
void MetricCollector::MatchLines(StreamId stream, std::string_view text) {
  MetricSource wanted = stream == StreamId::kStdout ? MetricSource::kStdout : MetricSource::kStderr;
  Regex::Match match;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].spec.source != wanted || !entries_[i].regex) continue;
    const Regex& regex = *entries_[i].regex;
    size_t at = 0, begin = 0, end = 0;
    while (at < text.size()) {
      Regex::Found found = regex.SearchFrom(text, at, match, begin, end);
      if (found == Regex::Found::kNo) break;
      if (found == Regex::Found::kLimit) {
        // Somewhere ahead a line defeats the pattern: search the rest one line at a time, so
        // that only that line is lost, not the lines after it.
        SearchLines(i, text.substr(at));
        break;
      }
      size_t line_end = text.find('\n', begin);
      if (end > line_end) {
        size_t line_begin = text.substr(0, begin).rfind('\n');
        line_begin = line_begin == std::string_view::npos ? 0 : line_begin + 1;
        SearchLine(i, text.substr(line_begin, line_end - line_begin), match, at > line_begin ? at - line_begin : 0);
        at = line_end + 1;
      } else {
        Take(i, match);
        at = end > begin ? end : end + 1;  // an empty match must not be found again
      }
    }
  }
}

void MetricCollector::SearchLines(size_t entry, std::string_view text) {
  Regex::Match match;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    SearchLine(entry, text.substr(start, end - start), match);
    start = end + 1;
  }
}

// Every match in "line" from "from" on, in order: a dict printed on one line
// ({'precision': 0.91, 'recall': 0.88}) gives each of its values.
void MetricCollector::SearchLine(size_t entry, std::string_view line, Regex::Match& match, size_t from) {
  const Regex& regex = *entries_[entry].regex;
  size_t begin = 0, end = 0;
  while (from <= line.size()) {
    Regex::Found found = regex.SearchFrom(line, from, match, begin, end);
    if (found == Regex::Found::kNo) return;
    if (found == Regex::Found::kLimit) {
      ++entries_[entry].limit_lines;
      return;
    }
    Take(entry, match);
    from = end > begin ? end : end + 1;
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
      Status read = ReadJsonLine(line, spec.selector, spec.step_field, [&](Observation o) { Record(i, spec.name, o); });
      if (!read) ++entries_[i].deep_lines;
      continue;
    }
    MetricSource wanted = stream == StreamId::kStdout ? MetricSource::kStdout : MetricSource::kStderr;
    if (spec.source == wanted && entries_[i].regex) SearchLine(i, line, match);
  }
}

void MetricCollector::Take(size_t entry, const Regex::Match& match) {
  if (!match.value) return;
  Observation o = ParseObservedNumber(*match.value);
  if (match.step) {
    if (std::optional<double> step = ParseDecimal(*match.step)) o.step = StepFrom(*step);
  }
  if (match.std) o.std = ParseDecimal(*match.std);
  if (match.count) o.count = ParseCount(*match.count);
  // A standard error over n values is a standard deviation of std * sqrt(n): with n, one kind
  // is stored. Without n it stays as printed, and no verdict uses it.
  if (o.std && o.count && match.std_is_stderr) *o.std *= std::sqrt(static_cast<double>(*o.count));
  if (match.name) {
    Record(entry, ConcreteName(entries_[entry].spec.name, *match.name), o);
  } else {
    Record(entry, entries_[entry].spec.name, o);
  }
}

// A file's bytes as lines, for the formats read a line at a time: memory stays one line,
// and a line longer than kMaxFileLine is skipped (and counted) rather than held.
class FileLines {
 public:
  static constexpr size_t kMaxFileLine = 16 << 20;
  explicit FileLines(std::function<void(std::string_view)> on_line) : on_line_(std::move(on_line)) {}
  void Feed(std::string_view chunk) {
    while (!chunk.empty()) {
      size_t newline = chunk.find('\n');
      std::string_view piece = chunk.substr(0, newline);
      if (!skipping_) {
        if (pending_.size() + piece.size() > kMaxFileLine) {
          skipping_ = true;
          ++overlong_;
          pending_.clear();
        } else if (newline != std::string_view::npos && pending_.empty()) {
          on_line_(piece);  // the common case: a whole line inside the chunk, not copied
        } else {
          pending_.append(piece);
        }
      }
      if (newline == std::string_view::npos) return;
      if (!skipping_ && !pending_.empty()) on_line_(pending_);
      pending_.clear();
      skipping_ = false;
      chunk.remove_prefix(newline + 1);
    }
  }
  void Finish() {
    if (!skipping_ && !pending_.empty()) on_line_(pending_);
    pending_.clear();
  }
  int64_t overlong() const { return overlong_; }

 private:
  std::function<void(std::string_view)> on_line_;
  std::string pending_;
  bool skipping_ = false;
  int64_t overlong_ = 0;
};

// One metric file, read under the limits of a file released code wrote (confined beneath
// "root", regular, capped); the line formats are streamed.
Status MetricCollector::ReadMetricFile(size_t index, const std::filesystem::path& root,
                                       const std::filesystem::path& file, std::string& note) {
  const MetricSpec& spec = entries_[index].spec;
  auto emit = [&](Observation o) { Record(index, spec.name, o); };
  uint64_t limit = MetricFileLimit(spec);
  switch (spec.source) {
    case MetricSource::kJson: {
      Result<std::string> bytes = ReadConfinedFile(root, file, limit);
      if (!bytes) return Error{bytes.error()};
      return ReadJson(*bytes, spec.selector, emit);
    }
    case MetricSource::kLmEval: {
      Result<std::string> bytes = ReadConfinedFile(root, file, limit);
      if (!bytes) return Error{bytes.error()};
      return ReadLmEvalResults(*bytes, spec.selector, emit);
    }
    case MetricSource::kTensorBoard: {
      Result<std::string> bytes = ReadConfinedFile(root, file, limit);
      if (!bytes) return Error{bytes.error()};
      EventFileResult result = ReadEventFile(*bytes, spec.selector, emit);
      if (!result.warning.empty()) return Error{result.warning};
      return Status::Ok();
    }
    case MetricSource::kJsonLines: {
      int64_t deep = 0;
      FileLines lines([&](std::string_view line) {
        if (!ReadJsonLine(line, spec.selector, spec.step_field, emit)) ++deep;
      });
      Status read = ReadConfined(root, file, limit, [&](std::string_view chunk) { lines.Feed(chunk); });
      lines.Finish();
      entries_[index].deep_lines += deep;
      if (lines.overlong() > 0) return Error{fmt::format("{} line(s) longer than 16 MiB skipped", lines.overlong())};
      return read;
    }
    case MetricSource::kTextFile:
      return ReadTextFile(index, root, file, note);
    case MetricSource::kCsv: {
      char delimiter = file.extension() == ".tsv" || file.extension() == ".tab" ? '\t' : ',';
      CsvReader reader(delimiter, spec.selector, spec.step_field, emit);
      Status first_error = Status::Ok();
      FileLines lines([&](std::string_view row) {
        if (!first_error.ok()) return;
        if (Status status = reader.Row(row); !status) first_error = status;
      });
      Status read = ReadConfined(root, file, limit, [&](std::string_view chunk) { lines.Feed(chunk); });
      lines.Finish();
      if (!read) return read;
      if (!first_error) return first_error;
      return reader.Finish();
    }
    default:
      return Status::Ok();
  }
}

// A text file under a regex, as a regex sees stdout: colours removed, '\r' progress bars
// reduced, long lines cut at 1 MiB; memory stays one line. Bytes the file held before the run
// are skipped while it still begins with them (the code appended); else it is read whole.
Status MetricCollector::ReadTextFile(size_t index, const std::filesystem::path& root, const std::filesystem::path& file,
                                     std::string& note) {
  Regex::Match match;
  LineSplitter lines([&](std::string_view line) { SearchLine(index, line, match); });
  uint64_t limit = MetricFileLimit(entries_[index].spec);
  const FileBefore* before = nullptr;
  if (before_ != nullptr) {
    auto it = before_->find(file.lexically_normal());
    if (it != before_->end() && it->second.size > 0) before = &it->second;
  }
  enum class Phase { kBefore, kAfter, kRewritten } phase = before != nullptr ? Phase::kBefore : Phase::kAfter;
  uint64_t seen = 0;
  Sha256 prefix;
  Status read = ReadConfined(root, file, limit, [&](std::string_view chunk) {
    if (phase == Phase::kBefore) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(chunk.size(), before->size - seen));
      prefix.Update(chunk.substr(0, take));
      seen += take;
      chunk.remove_prefix(take);
      if (seen < before->size) return;
      phase = prefix.HexDigest() == before->sha256 ? Phase::kAfter : Phase::kRewritten;
    }
    if (phase == Phase::kAfter && !chunk.empty()) lines.Feed(chunk);
  });
  if (read && before != nullptr) {
    if (phase == Phase::kAfter) {
      note = fmt::format("{}: {} bytes present before the run were skipped", file.string(), before->size);
    } else {
      // Shorter than before, or its first bytes changed: the code rewrote it, so all of it is
      // this run's.
      note =
          fmt::format("{}: rewritten during the run (it no longer begins with the {} bytes present before), read whole",
                      file.string(), before->size);
      read = ReadConfined(root, file, limit, [&](std::string_view chunk) { lines.Feed(chunk); });
    }
  }
  lines.Finish();
  if (read && lines.overlong_lines() > 0)
    return Error{fmt::format("{} line(s) longer than 1 MiB cut", lines.overlong_lines())};
  return read;
}

void MetricCollector::ReadFiles(size_t index, const std::filesystem::path& pattern, const std::filesystem::path& root) {
  Entry& entry = entries_[index];
  std::vector<std::filesystem::path> paths = MatchFiles(pattern);
  if (paths.empty()) {
    entry.problem = fmt::format("no file matches {} (it was not written, or the path is wrong)", pattern.string());
    return;
  }
  std::vector<std::string> warnings, notes;
  for (const std::filesystem::path& path : paths) {
    std::vector<std::filesystem::path> files = {path};
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      if (!IsDirectoryBeneath(root, path)) {
        warnings.push_back(
            fmt::format("{} is outside the attempt's folder or reached through a symlink; not read", path.string()));
        continue;
      }
      // A TensorBoard log folder: its event files in name order, which is time order.
      files.clear();
      for (const auto& item : std::filesystem::directory_iterator(path, ec)) {
        if (IsTensorBoardFile(item.path())) files.push_back(item.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) warnings.push_back(fmt::format("{} has no event files", path.string()));
    }
    for (const std::filesystem::path& file : files) {
      std::string note;
      Status status = ReadMetricFile(index, root, file, note);
      if (!note.empty()) notes.push_back(std::move(note));
      if (!status) {
        std::string message = status.error();
        // Errors from the confined read name the file already.
        warnings.push_back(
            message.find(file.string()) == std::string::npos ? fmt::format("{}: {}", file.string(), message) : message);
      }
    }
  }
  notes.insert(notes.end(), warnings.begin(), warnings.end());
  entry.warning = Join(notes, "; ");
}

std::string MetricCollector::Notes(const Entry& entry, bool with_problem) {
  std::vector<std::string> notes;
  if (with_problem && !entry.problem.empty()) notes.push_back(entry.problem);
  if (!entry.warning.empty()) notes.push_back(entry.warning);
  if (entry.deep_lines > 0) notes.push_back(fmt::format("{} JSON line(s) {}", entry.deep_lines, TooDeepMessage()));
  if (entry.limit_lines > 0) {
    notes.push_back(fmt::format("the regex hit PCRE2's match limit on {} line(s), which were not searched to the end",
                                entry.limit_lines));
  }
  return Join(notes, "; ");
}

std::vector<std::string> MetricCollector::AttemptNotes() const {
  std::vector<std::string> notes;
  for (StreamId stream : {StreamId::kStdout, StreamId::kStderr}) {
    if (size_t cut = overlong_lines(stream); cut > 0) {
      notes.push_back(fmt::format("{} {} line(s) longer than 1 MiB were cut for metric parsing", cut,
                                  stream == StreamId::kStdout ? "stdout" : "stderr"));
    }
  }
  for (const Entry& entry : entries_) {
    if (entry.limit_lines > 0) {
      notes.push_back(
          fmt::format("metric '{}': the regex hit PCRE2's match limit on {} line(s); later lines were still searched",
                      entry.spec.name, entry.limit_lines));
    }
    if (entry.deep_lines > 0) {
      notes.push_back(
          fmt::format("metric '{}': {} JSON line(s) {}", entry.spec.name, entry.deep_lines, TooDeepMessage()));
    }
  }
  return notes;
}

// The extractor in words, for a value it read that is not a number: the manifest's error.
std::string MetricCollector::DescribeExtractor(const MetricSpec& spec) {
  switch (spec.source) {
    case MetricSource::kStdout:
    case MetricSource::kStderr:
      return fmt::format("the regex /{}/ on {}", spec.pattern, MetricSourceName(spec.source));
    case MetricSource::kJsonLines:
      return fmt::format("JSON Lines field '{}' of {}", spec.selector, spec.file.empty() ? spec.stream : spec.file);
    case MetricSource::kJson:
      return fmt::format("JSON pointer {} in {}", spec.selector, spec.file);
    case MetricSource::kCsv:
      return fmt::format("column '{}' of {}", spec.selector, spec.file);
    case MetricSource::kTensorBoard:
      return fmt::format("tag '{}' in {}", spec.selector, spec.file);
    case MetricSource::kLmEval:
      return fmt::format("lm-eval result {} in {}", spec.selector, spec.file);
    case MetricSource::kTextFile:
      return fmt::format("the regex /{}/ on {}", spec.pattern, spec.file);
  }
  return "the extractor";
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
    case MetricSource::kJson:
      where = fmt::format("{} at {}", path.string(), spec.selector);
      break;
    case MetricSource::kCsv:
      where = fmt::format("column '{}' of {}", spec.selector, path.string());
      break;
    case MetricSource::kTensorBoard:
      where = fmt::format("tag '{}' in {}", spec.selector, path.string());
      break;
    case MetricSource::kLmEval:
      where = fmt::format("lm-eval result {} in {}", spec.selector, path.string());
      break;
    case MetricSource::kTextFile:
      where = fmt::format("lines of {} matching /{}/", path.string(), spec.pattern);
      break;
  }
  std::string notes = Notes(entry);
  return notes.empty() ? where : where + " (" + notes + ")";
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
  if (value.flag == ValueFlag::kUnparseable)
    value.message = fmt::format("{} captured {}", DescribeExtractor(spec), value.message);
  std::string notes = Notes(entries_[series.entry], /*with_problem=*/false);
  if (value.flag == ValueFlag::kOk && !notes.empty()) value.message = "note: " + notes;
  // What 'repro show' prints beside the value: it is no measurement of one repeat.
  if (value.flag == ValueFlag::kOk && spec.replicates) {
    std::string mean = fmt::format("the mean of {} replicate{}", value.points, value.points == 1 ? "" : "s");
    value.message = value.message.empty() ? mean : mean + "; " + value.message;
  }
  return value;
}

std::vector<MetricValue> MetricCollector::Finish(const std::function<std::filesystem::path(const MetricSpec&)>& resolve,
                                                 const std::filesystem::path& root, const FilesBefore& before) {
  before_ = &before;
  std::vector<std::filesystem::path> paths(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].spec.FromStream()) continue;
    paths[i] = resolve(entries_[i].spec);
    ReadFiles(i, paths[i], root);
  }
  before_ = nullptr;
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
