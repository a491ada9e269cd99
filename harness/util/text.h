// Small string helpers: did-you-mean suggestions, strict number parsing, joining, and text
// from untrusted sources made visible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace repro {

// Edit distance between two ASCII strings, counting an adjacent transposition as one edit.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to "word" when it is close enough to be a plausible typo
// (distance <= max(1, |word| / 3)); nullopt otherwise.
std::optional<std::string> ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

std::string Join(const std::vector<std::string>& parts, std::string_view separator);

// Columns "text" takes on a terminal: UTF-8 characters, not bytes.
size_t DisplayWidth(const std::string& text);

// What VisibleText does with line breaks and tabs.
enum class Layout {
  kEscape,   // everything visible on one line: "\n" shows as \x0a
  kLines,    // "\n" and "\t" kept (a log tail of several lines); "\r" still visible
  kOneLine,  // "\n", "\r" and "\t" become spaces (a table cell, a title)
};

// Text that released code printed or wrote (or a manifest carries) as it may be shown: every
// control character (C0, DEL, C1), every byte that is not UTF-8, Unicode's bidirectional
// overrides and the non-characters U+FFFE/U+FFFF appear as visible escapes ("\x1b",
// "\xff", "\u202e"), so nothing can move a terminal's cursor, recolour it, reorder what a
// reader sees, break an XML parser or cut the rest (a NUL). Nothing is dropped. The result
// is valid UTF-8 without control characters other than those "layout" keeps.
std::string VisibleText(std::string_view text, Layout layout = Layout::kEscape);

// Parses a plain decimal number as printed in papers and logs: optional sign, digits,
// optional fraction, optional exponent ("68", "-0.49", "2.8e-6"). Nothing else: no
// "nan", "inf", hex, "1,5", "92%" or surrounding text. Values that overflow a double or
// underflow to zero from a non-zero literal are rejected too.
std::optional<double> ParseDecimal(std::string_view text);

// "value" as an int64_t when it is a whole number a double holds exactly (|value| <= 2^53),
// else none. Casting a larger or fractional double straight to int64_t is undefined
// behaviour, and a stranger's manifest can write 2e33.
std::optional<int64_t> WholeNumber(double value);

// Number of digits after the decimal point as printed ("68.20" -> 2, "94" -> 0,
// "2.8e-6" -> 7), the precision the author chose to print.
int PrintedDecimals(std::string_view text);

}  // namespace repro
