// Comparative claims as written in a manifest:
//   "cnn.test_acc > mlp.test_acc + 10"     difference form (also "a.m - b.m > 10")
//   "cnn.loss / mlp.loss <= 0.8"           ratio form
// with the operators > >= < <=. Each side names an experiment and one of its metrics.
#pragma once

#include <string>

#include "harness/util/result.h"

namespace repro {

struct MetricRef {
  std::string experiment;
  std::string metric;
  std::string ToString() const { return experiment + "." + metric; }
};

struct Comparison {
  enum class Form { kDifference, kRatio } form = Form::kDifference;
  enum class Op { kGreater, kGreaterEqual, kLess, kLessEqual } op = Op::kGreater;
  MetricRef left, right;  // difference: left - right; ratio: left / right
  double constant = 0;    // ... OP constant
  std::string text;

  bool WantsGreater() const { return op == Op::kGreater || op == Op::kGreaterEqual; }
};

const char* ComparisonOpText(Comparison::Op op);

// Parses an 'expect' expression; the error names what was expected where.
Result<Comparison> ParseComparison(const std::string& text);

}  // namespace repro
