// A claimed value as printed in a paper: "68", "-0.49 +- 0.02", "2.8e-6",
// "37 ± 2 (x10^-3)". Keeps the text for rendering and derives the numbers from it.
#pragma once

#include <optional>
#include <string>

#include "harness/util/result.h"

namespace repro {

struct ReportedValue {
  std::string text;           // exactly as written in the manifest
  double value = 0;           // scale applied
  std::optional<double> std;  // the printed "± x", scale applied
  double scale = 1;           // from "(x10^k)"
  double half_unit = 0.5;     // half a unit of the last printed digit, scale applied
};

// Parses "VALUE [(+-|±|+/-) STD] [(x10^K)]"; the error says what was expected.
Result<ReportedValue> ParseReported(const std::string& text);

}  // namespace repro
