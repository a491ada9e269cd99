// Observations of a metric and the streaming reducers that turn a series into one value.
// Reducers keep constant state (the last k values for mean_last; values by step for
// at_best), so a metric printed millions of times costs no memory.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/metrics/spec.h"
#include "harness/util/outcome.h"

namespace repro {

struct Observation {
  std::optional<int64_t> step;
  double value = 0;              // meaningful only when flag == kOk
  std::optional<double> std;     // a printed "± x" beside the value, as a standard deviation
  std::optional<int64_t> count;  // how many values the printed value and std summarise (group "n")
  ValueFlag flag = ValueFlag::kOk;
  std::string text;  // the value as printed, kept only when flag != kOk
};

// Parses a number as a program printed it. "nan", "inf", "1e309" are kNonFinite;
// "0,93", "abc" are kUnparseable.
Observation ParseObservedNumber(std::string_view text);

struct MetricValue {
  std::string name;
  std::optional<double> value;   // the reduced value; nullopt unless flag == kOk
  std::optional<double> std;     // the printed std of the observation the value came from
  std::optional<int64_t> count;  // how many values that observation summarises, when printed
  ValueFlag flag = ValueFlag::kMissing;
  std::string message;  // why missing / not finite, in words
  int64_t points = 0;   // observations seen
  std::string unit;
};

class Accumulator {
 public:
  explicit Accumulator(ReducerSpec spec) : spec_(std::move(spec)) {}

  // Adds the next observation, in the order the program produced them.
  void Add(const Observation& observation);

  // The step at which this metric was best (highest or lowest finite value), if any.
  std::optional<int64_t> BestStep(bool highest) const { return highest ? best_high_step_ : best_low_step_; }

  // The reduced value. For at_best, "other_best_step" is the step the other metric chose;
  // "other_problem" says why there is none.
  MetricValue Result(const std::string& name, std::optional<int64_t> other_best_step = std::nullopt,
                     const std::string& other_problem = "") const;

 private:
  ReducerSpec spec_;
  int64_t count_ = 0;
  std::optional<Observation> first_, last_, first_bad_, extreme_;
  double sum_ = 0;
  std::deque<Observation> window_;          // mean_last
  std::map<int64_t, Observation> by_step_;  // at_step / at_best (only those)
  std::optional<double> best_high_, best_low_;
  std::optional<int64_t> best_high_step_, best_low_step_;
};

}  // namespace repro
