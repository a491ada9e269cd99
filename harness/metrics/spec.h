// What a manifest says about one metric: where to find it and how to reduce a series to
// one number. Plain data, shared by the manifest parser and the extractors.
#pragma once

#include <string>

namespace repro {

enum class MetricSource { kStdout, kStderr, kJsonFile };
enum class Reducer { kLast, kMin, kMax, kMean };

struct MetricSpec {
  std::string name;
  MetricSource source = MetricSource::kStdout;
  std::string pattern;       // PCRE2 pattern for kStdout / kStderr, with a named group "value"
  std::string file;          // path template for kJsonFile, relative to the working directory
  std::string json_pointer;  // RFC 6901 pointer into the file
  Reducer reduce = Reducer::kLast;
};

const char* ReducerName(Reducer reducer);
const char* MetricSourceName(MetricSource source);

}  // namespace repro
