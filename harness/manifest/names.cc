#include "harness/manifest/names.h"

namespace repro {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsName(std::string_view text, std::string_view first_extra, std::string_view rest_extra, bool digit_first) {
  if (text.empty()) return false;
  char first = text.front();
  if (!IsAsciiLetter(first) && !(digit_first && IsAsciiDigit(first)) &&
      first_extra.find(first) == std::string_view::npos) {
    return false;
  }
  for (char c : text.substr(1)) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && rest_extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool IsHex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!IsAsciiDigit(c) && !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

}  // namespace repro
