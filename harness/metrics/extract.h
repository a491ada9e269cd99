// Turns what a program wrote into metric values: regexes and JSON Lines over its output
// lines as they arrive, files (JSON, JSON Lines, CSV/TSV, TensorBoard, text under a regex)
// after it exits,
// then a reducer per metric. Every observation is also handed to a sink as it is found,
// so the whole series can be stored without being held in memory.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/metrics/lines.h"
#include "harness/metrics/reducer.h"
#include "harness/metrics/regex.h"
#include "harness/metrics/spec.h"

namespace repro {

enum class StreamId { kStdout, kStderr };

// What a text metric file held before the run began: a result file shipped with the code,
// which the run may append to. Its bytes are no measurement of this run.
struct FileBefore {
  uint64_t size = 0;
  std::string sha256;  // of those "size" bytes
};
// By path (lexically normal), as the metric's path pattern expands.
using FilesBefore = std::map<std::filesystem::path, FileBefore>;

// Records FileBefore for every file that a text-file metric of "specs" (regex over a file)
// matches now, beneath "root", within MetricFileLimit: called on the prepared working copy
// before the run starts. "resolve" is as for MetricCollector::Finish.
FilesBefore RecordFilesBefore(const std::vector<MetricSpec>& specs,
                              const std::function<std::filesystem::path(const MetricSpec&)>& resolve,
                              const std::filesystem::path& root);

// Called with each observation (scale applied, step assigned) of each metric.
using SeriesSink = std::function<void(const std::string& metric, const Observation& observation)>;

class MetricCollector {
 public:
  // "specs" come from a validated manifest; a pattern that does not compile anyway is
  // reported as a missing metric with the reason, never thrown.
  explicit MetricCollector(std::vector<MetricSpec> specs, SeriesSink sink = {});
  MetricCollector(const MetricCollector&) = delete;  // its line splitters point back at it
  MetricCollector& operator=(const MetricCollector&) = delete;

  // Output as the program writes it, in chunks of any size; an empty chunk ends the stream.
  // Lines are cleaned (ANSI colours, carriage-return progress bars) and capped as
  // LineSplitter does. Runs of clean lines are searched whole, one regex call per match
  // rather than per line, which keeps extraction near the speed of the pipe.
  void OnOutput(StreamId stream, std::string_view chunk);
  // One cleaned line; what OnOutput amounts to for each line.
  void OnLine(StreamId stream, std::string_view line);
  // Lines cut at the line cap so far.
  size_t overlong_lines(StreamId stream) const { return Lines(stream).overlong_lines(); }

  // Reads the file metrics ("resolve" gives the path pattern of a spec, relative paths
  // being relative to the working directory) and reduces every series. A spec whose name
  // has "{name}" yields one value per name captured, or one missing value. Files are read
  // only if they are regular files beneath "root" (the attempt's folder), within
  // MetricFileLimit; what is refused is named in the metric's message. A text file named in
  // "before" is read from where it ended before the run, so that a result shipped with the
  // code is not taken for this run's; if it no longer begins with those bytes (shorter, or
  // changed: the code rewrote it) it is read whole. Either is noted in the metric's message.
  std::vector<MetricValue> Finish(const std::function<std::filesystem::path(const MetricSpec&)>& resolve,
                                  const std::filesystem::path& root, const FilesBefore& before = {});
  // What the attempt's record should say about extraction: lines cut, lines a regex gave up
  // on, JSON nested too deep.
  std::vector<std::string> AttemptNotes() const;

 private:
  struct Series {
    size_t entry;
    Accumulator accumulator;
    int64_t next_index = 0;
  };
  struct Entry {
    MetricSpec spec;
    std::optional<Regex> regex;
    std::string problem;      // why nothing may have been found, beyond "not printed"
    std::string warning;      // a note to keep even when values were found
    int64_t limit_lines = 0;  // lines on which the regex hit PCRE2's match limit
    int64_t deep_lines = 0;   // JSON lines nested deeper than kMaxJsonDepth
    Series* fixed = nullptr;  // the series of a metric without {name}, once it exists
  };
  LineSplitter& Lines(StreamId stream) const { return *splitters_[stream == StreamId::kStdout ? 0 : 1]; }
  void ScanCompleteLines(StreamId stream, std::string_view text);
  void MatchLines(StreamId stream, std::string_view text);
  void SearchLines(size_t entry, std::string_view text);
  void SearchLine(size_t entry, std::string_view line, Regex::Match& match, size_t from = 0);
  void Take(size_t entry, const Regex::Match& match);
  void Record(size_t entry, std::string_view name, Observation& observation);
  void ReadFiles(size_t entry, const std::filesystem::path& pattern, const std::filesystem::path& root);
  Status ReadMetricFile(size_t entry, const std::filesystem::path& root, const std::filesystem::path& file,
                        std::string& note);
  Status ReadTextFile(size_t entry, const std::filesystem::path& root, const std::filesystem::path& file,
                      std::string& note);
  // What to add to a metric's message: why nothing was found ("with_problem"), and notes.
  static std::string Notes(const Entry& entry, bool with_problem = true);
  static std::string DescribeExtractor(const MetricSpec& spec);
  std::string WhereLooked(const Entry& entry, const std::filesystem::path& path) const;
  MetricValue Reduce(const std::string& name, const Series& series) const;

  std::vector<Entry> entries_;
  std::map<std::string, Series> series_;
  SeriesSink sink_;
  const FilesBefore* before_ = nullptr;         // during Finish
  std::unique_ptr<LineSplitter> splitters_[2];  // carry a partial line from one chunk to the next
  bool read_[2] = {false, false};               // some metric reads the stream
  bool whole_runs_[2] = {true, true};           // every pattern of the stream may search many lines at once
};

}  // namespace repro
