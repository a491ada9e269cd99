// Checks of the names, ids and hashes a manifest gives, written by hand: std::regex
// recurses once per character and overflows the stack on the long strings a stranger's
// manifest can hold. Internal to the manifest module.
#pragma once

#include <cstddef>
#include <string_view>

namespace repro {

// Whether "text" is non-empty, starts with a letter, a digit (when "digit_first") or a
// character of "first_extra", and continues with letters, digits and "rest_extra".
bool IsName(std::string_view text, std::string_view first_extra, std::string_view rest_extra, bool digit_first);

// Whether "text" is exactly "length" hex digits (either case).
bool IsHex(std::string_view text, size_t length);

}  // namespace repro
