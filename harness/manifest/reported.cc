#include "harness/manifest/reported.h"

#include <fmt/format.h>

#include <cmath>
#include <regex>

#include "harness/util/text.h"

namespace repro {
namespace {

std::string Trim(const std::string& text) {
  size_t start = text.find_first_not_of(" \t");
  size_t end = text.find_last_not_of(" \t");
  return start == std::string::npos ? "" : text.substr(start, end - start + 1);
}

}  // namespace

Result<ReportedValue> ParseReported(const std::string& text) {
  static const std::regex pattern(
      R"(^\s*(\S+?)\s*(?:(?:\+-|\+/-|±)\s*(\S+?))?\s*(?:\(\s*[x×]\s*10\^\s*([+-]?\d+)\s*\))?\s*$)");
  std::smatch match;
  const std::string expected =
      "a number as printed in the paper, such as 68.2, \"-0.49 +- 0.02\" or \"37 ± 2 (x10^-3)\"";
  // std::regex recurses per character: a long text would overflow the stack. No printed
  // number is this long.
  constexpr size_t kLongest = 100;
  if (text.size() > kLongest) return Error{fmt::format("{} (at most {} characters)", expected, kLongest)};
  if (!std::regex_match(text, match, pattern)) return Error{expected};
  std::string value_text = Trim(match[1].str());
  std::optional<double> value = ParseDecimal(value_text);
  if (!value) {
    if (value_text.find('%') != std::string::npos) return Error{expected + " (write the number without '%')"};
    return Error{expected};
  }
  ReportedValue reported;
  reported.text = text;
  if (match[3].matched) {
    std::optional<double> exponent = ParseDecimal(match[3].str());  // std::stoi would throw past int's range
    if (!exponent || std::abs(*exponent) > 300) return Error{expected + " (an exponent between -300 and 300)"};
    reported.scale = std::pow(10.0, *exponent);
  }
  reported.value = *value * reported.scale;
  reported.half_unit = 0.5 * std::pow(10.0, -PrintedDecimals(value_text)) * reported.scale;
  if (match[2].matched) {
    std::optional<double> std = ParseDecimal(match[2].str());
    if (!std || *std < 0) return Error{fmt::format("the ± part '{}' must be a number >= 0", match[2].str())};
    reported.std = *std * reported.scale;
  }
  return reported;
}

}  // namespace repro
