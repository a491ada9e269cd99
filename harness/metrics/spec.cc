#include "harness/metrics/spec.h"

namespace repro {

const char* ReducerName(Reducer reducer) {
  switch (reducer) {
    case Reducer::kLast: return "last";
    case Reducer::kMin: return "min";
    case Reducer::kMax: return "max";
    case Reducer::kMean: return "mean";
  }
  return "?";
}

const char* MetricSourceName(MetricSource source) {
  switch (source) {
    case MetricSource::kStdout: return "stdout";
    case MetricSource::kStderr: return "stderr";
    case MetricSource::kJsonFile: return "file";
  }
  return "?";
}

}  // namespace repro
