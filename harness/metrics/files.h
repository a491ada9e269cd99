// Readers for metric files: JSON at a pointer, JSON Lines by field, CSV/TSV by column, and
// glob expansion. Each calls "emit" once per observation, in file order.
#pragma once

#include <filesystem>
#include <functional>
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

// A number gives one observation, an array of numbers a series with steps 0..n-1.
Status ReadJson(std::string_view document, const std::string& pointer, const EmitObservation& emit);

// One JSON object per line; "field" is a top-level key or a JSON pointer ("/eval/acc").
// Lines that are not JSON objects, or lack the field, are skipped.
void ReadJsonLine(std::string_view line, const std::string& field, const std::string& step_field, const EmitObservation& emit);

// A header row, then rows; "delimiter" is ',' or '\t'. Quoted fields ("a,b") are honoured.
Status ReadCsv(std::string_view text, char delimiter, const std::string& column, const std::string& step_column,
               const EmitObservation& emit);

}  // namespace repro
