#include "harness/util/terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace repro {

namespace {

bool TermIsDumb() {
  const char* term = std::getenv("TERM");
  return term != nullptr && std::strcmp(term, "dumb") == 0;
}

}  // namespace

bool ShouldUseColor(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return !TermIsDumb() && ::isatty(fd) == 1;
}

bool IsSmartTerminal(int fd) { return ::isatty(fd) == 1 && std::getenv("TERM") != nullptr && !TermIsDumb(); }

}  // namespace repro
