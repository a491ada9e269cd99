// A problem found in a user's file, with its position: "file:line:col: message".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace repro {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string message;

  std::string ToString() const;
};

// The diagnostic, then the offending line of "text" and a caret under the column, the
// way compilers show it.
std::string RenderDiagnostic(const Diagnostic& diagnostic, std::string_view text);

}  // namespace repro
