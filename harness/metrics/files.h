// Readers for metric files: JSON at a pointer, JSON Lines by field, CSV/TSV by column, and
// glob expansion. Each calls "emit" once per observation, in file order.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/metrics/reducer.h"
#include "harness/util/result.h"

namespace repro {

using EmitObservation = std::function<void(Observation)>;

// Files matching "pattern" (shell glob), sorted; the pattern itself when it has no glob
// characters and exists. Directories are included (a TensorBoard log folder).
std::vector<std::filesystem::path> MatchFiles(const std::filesystem::path& pattern);

// JSON written by released code may nest without end; a document or line that nests arrays
// and objects deeper than this is refused before it is parsed, so that nothing recurses
// without a bound (nlohmann's serializer does).
inline constexpr int kMaxJsonDepth = 256;
// Whether "text" nests arrays and objects deeper than kMaxJsonDepth (strings are skipped).
bool NestedTooDeep(std::string_view text);
// The reason given for such input.
std::string TooDeepMessage();

// A number gives one observation, an array of numbers a series with steps 0..n-1.
Status ReadJson(std::string_view document, const std::string& pointer, const EmitObservation& emit);

// An lm-evaluation-harness results file (results_*.json): "selector" is TASK/METRIC, the
// metric with its filter as the file keys it ("acc_norm,none"; without a comma ",none" is
// tried, then the bare name older versions wrote). Its "METRIC_stderr" is the standard error
// of the value over the task's samples; with their count ("n-samples" effective, or the
// task's "sample_len") it becomes the observation's std and count, as a regex's stderr and n
// do. A stderr of "N/A" is no spread.
Status ReadLmEvalResults(std::string_view document, const std::string& selector, const EmitObservation& emit);

// One JSON object per line; "field" is a top-level key or a JSON pointer ("/eval/acc").
// Lines that are not JSON objects, or lack the field, are skipped; a line nested too deep
// is skipped with an error.
Status ReadJsonLine(std::string_view line, const std::string& field, const std::string& step_field,
                    const EmitObservation& emit);

// CSV or TSV read a row at a time: a header row, then rows; "delimiter" is ',' or '\t'.
// Quoted fields ("a,b") are honoured; a field cannot span lines.
class CsvReader {
 public:
  CsvReader(char delimiter, std::string column, std::string step_column, EmitObservation emit);
  // One line without its '\n'. The first is the header: an error when it lacks the column.
  Status Row(std::string_view row);
  // An error when no header was seen.
  Status Finish() const;

 private:
  char delimiter_;
  std::string column_, step_column_;
  EmitObservation emit_;
  bool have_header_ = false;
  size_t value_index_ = 0;
  std::optional<size_t> step_index_;
};

// A whole CSV/TSV text through a CsvReader.
Status ReadCsv(std::string_view text, char delimiter, const std::string& column, const std::string& step_column,
               const EmitObservation& emit);

}  // namespace repro
