#include "harness/metrics/spec.h"

#include <fmt/format.h>

namespace repro {

const char* MetricSourceName(MetricSource source) {
  switch (source) {
    case MetricSource::kStdout:
      return "stdout";
    case MetricSource::kStderr:
      return "stderr";
    case MetricSource::kJson:
      return "json";
    case MetricSource::kJsonLines:
      return "jsonl";
    case MetricSource::kCsv:
      return "csv";
    case MetricSource::kTensorBoard:
      return "tensorboard";
    case MetricSource::kTextFile:
      return "text";
    case MetricSource::kLmEval:
      return "lm_eval";
  }
  return "?";
}

std::string DescribeReducer(const ReducerSpec& r) {
  switch (r.kind) {
    case ReducerSpec::Kind::kLast:
      return "last";
    case ReducerSpec::Kind::kFirst:
      return "first";
    case ReducerSpec::Kind::kMin:
      return "min";
    case ReducerSpec::Kind::kMax:
      return "max";
    case ReducerSpec::Kind::kMean:
      return "mean";
    case ReducerSpec::Kind::kMeanLast:
      return fmt::format("mean_last:{}", r.count);
    case ReducerSpec::Kind::kAtStep:
      return fmt::format("at_step:{}", r.step);
    case ReducerSpec::Kind::kAtBest:
      return fmt::format("at_best:{}:{}", r.other, r.other_max ? "max" : "min");
  }
  return "?";
}

uint64_t MetricFileLimit(const MetricSpec& spec) {
  if (spec.max_bytes > 0) return static_cast<uint64_t>(spec.max_bytes);
  switch (spec.source) {
    case MetricSource::kJson:
    case MetricSource::kLmEval:
      return uint64_t{64} << 20;
    case MetricSource::kTensorBoard:
      return uint64_t{1} << 30;
    default:
      return uint64_t{4} << 30;
  }
}

}  // namespace repro
