#include "harness/manifest/diagnostic.h"

#include <fmt/format.h>

namespace repro {

std::string Diagnostic::ToString() const {
  if (line <= 0) return fmt::format("{}: {}", file, message);  // about the file as a whole: no position to give
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

std::string RenderDiagnostic(const Diagnostic& diagnostic, std::string_view text) {
  std::string rendered = diagnostic.ToString();
  size_t start = 0;
  for (int line = 1; line < diagnostic.line && start != std::string_view::npos; ++line) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (diagnostic.line <= 0 || start == std::string_view::npos || start >= text.size()) return rendered;
  size_t end = text.find('\n', start);
  std::string_view source_line = text.substr(start, end == std::string_view::npos ? end : end - start);
  if (!source_line.empty() && source_line.back() == '\r') source_line.remove_suffix(1);
  rendered += fmt::format("\n  {}\n  {}^", source_line, std::string(std::max(0, diagnostic.column - 1), ' '));
  return rendered;
}

}  // namespace repro
