#include "harness/report/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace repro {
namespace {

// A round step: "mantissa" (10, 20, 25, 50 or 100) × 10^"exponent". Ticks are integer
// multiples of it, so each one's label is built from integers and says its value exactly.
struct Step {
  long long mantissa = 10;
  int exponent = -1;
  double value() const { return Scaled(mantissa, exponent); }
  static double Scaled(long long integer, int exponent) {
    // A power of ten up to 1e22 is exact as a double, so this rounds once.
    return exponent >= 0 ? static_cast<double>(integer) * std::pow(10.0, exponent)
                         : static_cast<double>(integer) / std::pow(10.0, -exponent);
  }
};

Step RoundStep(double span, int target) {
  double raw = span / std::max(1, target);
  int k = static_cast<int>(std::floor(std::log10(raw)));
  double fraction = raw / std::pow(10.0, k);
  Step step{100, k - 1};
  for (long long mantissa : {10, 20, 25, 50}) {
    if (fraction <= mantissa / 10.0 + 1e-9) {
      step.mantissa = mantissa;
      break;
    }
  }
  return step;
}

Tick MakeTick(long long multiple, const Step& step) {
  long long integer = multiple * step.mantissa;
  return {Step::Scaled(integer, step.exponent), ExactDecimal(integer, step.exponent)};
}

// Multiples of "step" from "first" to "last".
std::vector<Tick> Multiples(long long first, long long last, const Step& step) {
  std::vector<Tick> ticks;
  for (long long n = first; n <= last && ticks.size() < 100; ++n) ticks.push_back(MakeTick(n, step));
  return ticks;
}

bool Usable(double low, double high) { return std::isfinite(low) && std::isfinite(high) && low <= high; }

}  // namespace

std::string ExactDecimal(long long integer, int exponent) {
  if (integer == 0) return "0";
  std::string sign = integer < 0 ? "-" : "";
  unsigned long long magnitude = static_cast<unsigned long long>(std::llabs(integer));
  while (magnitude % 10 == 0) magnitude /= 10, ++exponent;
  std::string digits = std::to_string(magnitude);
  int point = static_cast<int>(digits.size()) + exponent;  // digits before the decimal point
  if (point > 7 || point < -4) {
    int power = point - 1;
    std::string mantissa = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
    return sign + mantissa + (power < 0 ? "e-" : "e+") + (std::abs(power) < 10 ? "0" : "") +
           std::to_string(std::abs(power));
  }
  if (exponent >= 0) return sign + digits + std::string(static_cast<size_t>(exponent), '0');
  if (point <= 0) return sign + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  return sign + digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
}

LinearScale NiceScale(double low, double high, int target) {
  if (!Usable(low, high)) return {0, 1, {{0, "0"}, {1, "1"}}};
  if (low == high) {
    double half = low == 0 ? 1 : std::abs(low) * 0.05;
    low -= half, high += half;
  }
  Step step = RoundStep(high - low, target);
  long long first = static_cast<long long>(std::floor(low / step.value() + 1e-9));
  long long last = static_cast<long long>(std::ceil(high / step.value() - 1e-9));
  if (last == first) ++last;
  LinearScale scale;
  scale.ticks = Multiples(first, last, step);
  scale.low = scale.ticks.front().value;
  scale.high = scale.ticks.back().value;
  return scale;
}

std::vector<Tick> TicksWithin(double low, double high, int target) {
  if (!Usable(low, high)) return {};
  if (low == high) return {};  // no round value need lie on a single point
  Step step = RoundStep(high - low, target);
  long long first = static_cast<long long>(std::ceil(low / step.value() - 1e-9));
  long long last = static_cast<long long>(std::floor(high / step.value() + 1e-9));
  return Multiples(first, last, step);
}

std::vector<Tick> LogTicks(double low, double high) {
  if (!Usable(low, high) || low <= 0) return {};
  int first = static_cast<int>(std::floor(std::log10(low))), last = static_cast<int>(std::ceil(std::log10(high)));
  int decades = last - first;
  std::vector<long long> mantissas = decades <= 3 ? std::vector<long long>{1, 2, 5} : std::vector<long long>{1};
  int stride = std::max(1, decades / 10 + (decades % 10 ? 1 : 0));
  std::vector<Tick> ticks;
  for (int k = first; k <= last; ++k) {
    if ((k - first) % stride != 0) continue;
    for (long long m : mantissas) {
      double value = Step::Scaled(m, k);
      if (value >= low * (1 - 1e-12) && value <= high * (1 + 1e-12)) ticks.push_back({value, ExactDecimal(m, k)});
    }
  }
  return ticks;
}

}  // namespace repro
