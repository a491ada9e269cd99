#include "harness/cli/console.h"

#include <unistd.h>

#include <iostream>

#include "harness/cli/cli_error.h"
#include "harness/cli/progress.h"
#include "harness/util/terminal.h"
#include "harness/util/text.h"

namespace repro::cli {

std::string ReproLine(std::string_view message) { return "repro: " + VisibleText(message, Layout::kLines) + "\n"; }

void Console::Say(std::string_view message) const { err << ReproLine(message); }

std::ostream& Console::notes() const {
  static std::ostream discard(nullptr);  // no buffer: every write is dropped
  return quiet ? discard : err;
}

Console StandardConsole() {
  return {std::cout,
          std::cerr,
          ShouldUseColor(STDOUT_FILENO),
          ::isatty(STDOUT_FILENO) == 1,
          IsSmartTerminal(STDERR_FILENO),
          STDERR_FILENO};
}

}  // namespace repro::cli
