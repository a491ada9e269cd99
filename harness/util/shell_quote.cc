#include "harness/util/shell_quote.h"

#include <string_view>

namespace repro {

std::string ShellQuote(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string ShellWord(const std::string& arg) {
  static constexpr std::string_view kPlain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%";
  bool plain = !arg.empty() && arg.find_first_not_of(kPlain) == std::string::npos;
  return plain ? arg : ShellQuote(arg);
}

std::string ShellCommandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) line += (line.empty() ? "" : " ") + ShellWord(arg);
  return line;
}

}  // namespace repro
