// What a manifest says about one metric: where its values are, how to reduce a series to
// one number, and its unit. Plain data, shared by the manifest parser and the extractors.
#pragma once

#include <cstdint>
#include <string>

namespace repro {

enum class MetricSource {
  kStdout,  // a regex over output lines
  kStderr,
  kJson,         // a JSON file, at a JSON pointer
  kJsonLines,    // JSON objects, one per line, in a file or on stdout/stderr
  kCsv,          // a CSV or TSV file, by column
  kTensorBoard,  // TensorBoard event files, by tag
  kTextFile,     // a regex over the lines of a text file the program wrote (result.txt)
  kLmEval,       // an lm-evaluation-harness results file, by task and metric (its stderr beside it)
};

struct ReducerSpec {
  enum class Kind { kLast, kFirst, kMin, kMax, kMean, kMeanLast, kAtStep, kAtBest } kind = Kind::kLast;
  int64_t count = 0;      // kMeanLast: how many of the last values
  int64_t step = 0;       // kAtStep
  std::string other;      // kAtBest: the metric whose best step picks the value
  bool other_max = true;  // kAtBest: best means highest (else lowest)
};

struct MetricSpec {
  std::string name;  // may contain "{name}" when the pattern has a name group
  MetricSource source = MetricSource::kStdout;
  std::string pattern;     // regex for kStdout/kStderr/kTextFile: groups value, step, std/stderr, n, name
  std::string file;        // path template (globs allowed) for file sources
  std::string stream;      // kJsonLines without a file: "stdout" or "stderr"
  std::string selector;    // JSON pointer, JSON Lines field, CSV column, TensorBoard tag or lm-eval TASK/METRIC
  std::string step_field;  // JSON Lines field or CSV column holding the step (optional)
  ReducerSpec reduce;
  double scale = 1;       // multiplies every value (100 turns a fraction into percent)
  std::string unit;       // for people: "%", "s", "nats"
  int64_t max_bytes = 0;  // file sources: the largest file read; 0: MetricFileLimit's default
  // Each value found is one replicate (a repeat inside the run, indexed by its step): compare
  // takes them as samples, as it takes seeds. The stored value is their mean.
  bool replicates = false;

  bool FromStream() const {
    return source == MetricSource::kStdout || source == MetricSource::kStderr ||
           (source == MetricSource::kJsonLines && file.empty());
  }
  bool HasNameTemplate() const { return name.find("{name}") != std::string::npos; }
  bool IsRegex() const {
    return source == MetricSource::kStdout || source == MetricSource::kStderr || source == MetricSource::kTextFile;
  }
};

const char* MetricSourceName(MetricSource source);

// The largest metric file read for "spec": its max_bytes, else 64 MiB for a JSON document
// (lm-eval results are one)
// (parsed whole, and a parsed document takes several times its size), 1 GiB for a
// TensorBoard event file, 4 GiB for JSON Lines, CSV/TSV and text files (read a line at a time).
uint64_t MetricFileLimit(const MetricSpec& spec);
std::string DescribeReducer(const ReducerSpec& reducer);

}  // namespace repro
