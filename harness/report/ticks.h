// Axis ticks for the report's charts: round values (1, 2, 2.5 or 5 × 10^k) with labels that
// say exactly the value the tick stands at, so a "reported 1.88" line is read against a tick
// at 1.88 itself, never against one at 1.88035 printed as "1.88". Pure, no drawing.
#pragma once

#include <string>
#include <vector>

namespace repro {

struct Tick {
  double value = 0;
  std::string label;  // the value, exactly: "2.5", "0.025", "2000", "1e-06"
};

// A linear axis: its ends and the ticks on it.
struct LinearScale {
  double low = 0, high = 1;
  std::vector<Tick> ticks;
};

// About "target" ticks (at least 2 when low < high) at multiples of one round step, and an
// axis widened to the outer ticks, so that it starts and ends at a labelled value. A zero
// span ("low" == "high") is widened around the value to one step either side.
LinearScale NiceScale(double low, double high, int target = 5);

// Ticks at multiples of one round step that lie within [low, high], the axis kept at the
// data's ends (steps 0 to 2000 give an axis from 0 to 2000, not one padded to -160).
std::vector<Tick> TicksWithin(double low, double high, int target = 5);

// Ticks of a log axis over [low, high] (both > 0): 1, 2 and 5 × 10^k when the span is
// at most three decades, else the powers of ten (every second, third... beyond ten decades).
std::vector<Tick> LogTicks(double low, double high);

// "integer" × 10^"exponent" written exactly, without float noise or trailing zeros:
// (25, -3) -> "0.025", (2, 3) -> "2000"; very large or small ones in e-notation ("2.5e-07").
std::string ExactDecimal(long long integer, int exponent);

}  // namespace repro
