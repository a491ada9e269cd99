#include "harness/util/exit_text.h"

#include <fmt/format.h>

namespace repro {

std::string StatusWithExit(const std::string& status, std::optional<int> exit_code, std::optional<int> signal) {
  std::string text = status;
  if (exit_code) text += fmt::format(" (exit {})", *exit_code);
  if (signal) text += fmt::format(" (signal {})", *signal);
  return text;
}

}  // namespace repro
