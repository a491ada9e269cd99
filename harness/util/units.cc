#include "harness/util/units.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iterator>

namespace repro {
namespace {

// Reads a non-negative decimal number at "pos"; nullopt if there is none.
std::optional<double> ReadNumber(std::string_view text, size_t& pos) {
  size_t start = pos;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
  if (pos == start) return std::nullopt;
  std::string number(text.substr(start, pos - start));
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return std::nullopt;
  return value;
}

std::optional<double> UnitSeconds(std::string_view unit) {
  if (unit == "d") return 86400.0;
  if (unit == "h") return 3600.0;
  if (unit == "m" || unit == "min") return 60.0;
  if (unit == "s" || unit.empty()) return 1.0;
  if (unit == "ms") return 0.001;
  return std::nullopt;
}

}  // namespace

std::optional<double> ParseDuration(std::string_view text) {
  size_t pos = 0;
  double total = 0;
  if (text.empty()) return std::nullopt;
  while (pos < text.size()) {
    std::optional<double> number = ReadNumber(text, pos);
    if (!number) return std::nullopt;
    size_t unit_start = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    std::optional<double> scale = UnitSeconds(text.substr(unit_start, pos - unit_start));
    if (!scale) return std::nullopt;
    total += *number * *scale;
  }
  if (!(total > 0) || !std::isfinite(total)) return std::nullopt;
  return total;
}

std::optional<int64_t> ParseBytes(std::string_view text) {
  size_t pos = 0;
  std::optional<double> number = ReadNumber(text, pos);
  if (!number) return std::nullopt;
  std::string_view unit = text.substr(pos);
  if (unit.ends_with("B")) unit.remove_suffix(1);
  if (unit.ends_with("i")) unit.remove_suffix(1);
  double scale = 1;
  if (unit == "K" || unit == "k")
    scale = 1024.0;
  else if (unit == "M")
    scale = 1024.0 * 1024;
  else if (unit == "G")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "T")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty())
    return std::nullopt;
  double bytes = *number * scale;
  if (!std::isfinite(bytes) || bytes > 9.0e18) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

std::string FormatDuration(double seconds) {
  if (seconds < 1) return fmt::format("{:.0f}ms", seconds * 1000);
  if (seconds < 60) return fmt::format("{:.1f}s", seconds);
  auto whole = static_cast<int64_t>(std::llround(seconds));
  int64_t hours = whole / 3600, minutes = whole % 3600 / 60, secs = whole % 60;
  if (hours > 0) return fmt::format("{}h{:02}m{:02}s", hours, minutes, secs);
  return fmt::format("{}m{:02}s", minutes, secs);
}

std::string FormatBytes(int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.3g} {}", value, kUnits[unit]);
}

}  // namespace repro
