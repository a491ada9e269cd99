// Turns what a program wrote into metric values: regexes over its output lines as they
// arrive, JSON files after it exits, then a reducer per metric. Pure: no I/O beyond the
// bytes and files handed in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/metrics/regex.h"
#include "harness/metrics/spec.h"

namespace repro {

// Why a value is not an ordinary finite number. Stored beside the value, never hidden.
enum class ValueFlag { kOk, kNonFinite, kUnparseable, kMissing };
const char* ValueFlagName(ValueFlag flag);

struct Observation {
  std::optional<int64_t> step;
  double value = 0;  // meaningful only when flag == kOk
  ValueFlag flag = ValueFlag::kOk;
  std::string text;  // the value as printed, kept for messages
};

// Parses a number as a program printed it. "nan", "inf", "1e309" are kNonFinite;
// "0,93", "abc" are kUnparseable.
Observation ParseObservedNumber(std::string_view text);

struct MetricValue {
  std::string name;
  std::optional<double> value;  // the reduced value; nullopt unless flag == kOk
  ValueFlag flag = ValueFlag::kMissing;
  std::string message;          // why missing / not finite, in words
  std::vector<Observation> series;
};

// Reduces "series" with "reducer". A non-finite observation among those the reducer uses
// makes the result non-finite: a NaN loss means the run diverged, not that it was good.
MetricValue Reduce(const std::string& name, Reducer reducer, std::vector<Observation> series);

enum class StreamId { kStdout, kStderr };

// Collects the metrics of one attempt. Feed it output lines as they arrive, then call
// Finish once the program has exited.
class MetricCollector {
 public:
  // "specs" come from a validated manifest; a pattern that does not compile anyway is
  // reported as a missing metric with the reason, never thrown.
  explicit MetricCollector(std::vector<MetricSpec> specs);

  void OnLine(StreamId stream, std::string_view line);

  // Reads file-based metrics (paths from "resolve_path") and reduces every series.
  std::vector<MetricValue> Finish(const std::function<std::filesystem::path(const MetricSpec&)>& resolve_path);

 private:
  struct Entry {
    MetricSpec spec;
    std::optional<Regex> regex;
    std::string compile_error;
    std::vector<Observation> series;
  };
  std::vector<Entry> entries_;
};

// Observations from a JSON document at "pointer": a number gives one, an array of numbers
// a series with steps 0..n-1. The error says what was there instead.
Result<std::vector<Observation>> ExtractJson(std::string_view document, const std::string& pointer);

}  // namespace repro
