#include "harness/metrics/reducer.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "harness/util/text.h"

namespace repro {

namespace {

bool LooksNonFinite(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && (lower[0] == '+' || lower[0] == '-')) lower.erase(0, 1);
  return lower == "nan" || lower == "inf" || lower == "infinity";
}

MetricValue Bad(const std::string& name, const Observation& o) {
  MetricValue result;
  result.name = name;
  result.flag = o.flag;
  // Text that is no number at all was captured by a wrong pattern or field: the extractor names
  // itself in front of this (MetricCollector::Reduce). nan and inf are what the code printed.
  result.message = o.flag == ValueFlag::kUnparseable ? fmt::format("'{}', which is not a number", o.text)
                                                     : fmt::format("value '{}' is {}", o.text, Name(o.flag));
  return result;
}

MetricValue Good(const std::string& name, double value, std::optional<double> std = std::nullopt,
                 std::optional<int64_t> count = std::nullopt) {
  MetricValue result;
  result.name = name;
  result.value = value;
  result.std = std;
  result.count = count;
  result.flag = ValueFlag::kOk;
  return result;
}

MetricValue FromObservation(const std::string& name, const Observation& o) {
  return o.flag == ValueFlag::kOk ? Good(name, o.value, o.std, o.count) : Bad(name, o);
}

}  // namespace

Observation ParseObservedNumber(std::string_view text) {
  Observation observation;
  if (std::optional<double> value = ParseDecimal(text)) {
    observation.value = *value;
    return observation;
  }
  observation.text = std::string(text);
  if (LooksNonFinite(text)) {
    observation.flag = ValueFlag::kNonFinite;
    return observation;
  }
  // A plain decimal that overflows ("1e309") is a number, just not a finite one.
  char* end = nullptr;
  double wide = std::strtod(observation.text.c_str(), &end);
  bool consumed = !observation.text.empty() && end == observation.text.c_str() + observation.text.size();
  observation.flag = consumed && std::isinf(wide) ? ValueFlag::kNonFinite : ValueFlag::kUnparseable;
  return observation;
}

void Accumulator::Add(const Observation& o) {
  using Kind = ReducerSpec::Kind;
  ++count_;
  if (!first_) first_ = o;
  if (spec_.kind == ReducerSpec::Kind::kLast) last_ = o;
  if (o.flag != ValueFlag::kOk) {
    if (!first_bad_) first_bad_ = o;
  } else {
    sum_ += o.value;
    if (spec_.kind == Kind::kMin || spec_.kind == Kind::kMax) {
      bool lower = spec_.kind == Kind::kMin;
      if (!extreme_ || (lower ? o.value < extreme_->value : o.value > extreme_->value)) extreme_ = o;
    }
    if (o.step) {
      if (!best_high_ || o.value > *best_high_) best_high_ = o.value, best_high_step_ = o.step;
      if (!best_low_ || o.value < *best_low_) best_low_ = o.value, best_low_step_ = o.step;
    }
  }
  if (spec_.kind == Kind::kMeanLast) {
    window_.push_back(o);
    if (static_cast<int64_t>(window_.size()) > spec_.count) window_.pop_front();
  }
  if ((spec_.kind == Kind::kAtStep || spec_.kind == Kind::kAtBest) && o.step) by_step_[*o.step] = o;
}

MetricValue Accumulator::Result(const std::string& name, std::optional<int64_t> other_best_step,
                                const std::string& other_problem) const {
  using Kind = ReducerSpec::Kind;
  MetricValue result;
  result.name = name;
  if (count_ == 0) return result;  // missing; the caller says where it looked
  switch (spec_.kind) {
    case Kind::kLast:
      result = FromObservation(name, *last_);
      break;  // only kept for kLast
    case Kind::kFirst:
      result = FromObservation(name, *first_);
      break;
    case Kind::kMin:
    case Kind::kMax:
    case Kind::kMean:
      // A NaN anywhere means the run diverged: never hide it behind a min or a mean.
      if (first_bad_)
        result = Bad(name, *first_bad_);
      else if (spec_.kind == Kind::kMean)
        result = Good(name, sum_ / static_cast<double>(count_));
      else
        result = FromObservation(name, *extreme_);
      break;
    case Kind::kMeanLast: {
      double sum = 0;
      for (const Observation& o : window_) {
        if (o.flag != ValueFlag::kOk) return Bad(name, o);
        sum += o.value;
      }
      result = Good(name, sum / static_cast<double>(window_.size()));
      break;
    }
    case Kind::kAtStep:
    case Kind::kAtBest: {
      std::optional<int64_t> step = spec_.kind == Kind::kAtStep ? std::optional<int64_t>(spec_.step) : other_best_step;
      if (!step) {
        result.message = other_problem.empty() ? fmt::format("'{}' has no best step", spec_.other) : other_problem;
        break;
      }
      auto at = by_step_.find(*step);
      if (at == by_step_.end()) {
        std::string seen = by_step_.empty()
                               ? "no steps"
                               : fmt::format("steps {}..{}", by_step_.begin()->first, by_step_.rbegin()->first);
        result.message = fmt::format("no value at step {} ({} seen)", *step, seen);
        break;
      }
      result = FromObservation(name, at->second);
      break;
    }
  }
  result.points = count_;
  return result;
}

}  // namespace repro
