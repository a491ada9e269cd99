// What the terminal can do: colour, and overprinting a status line. TERM=dumb (Emacs' shell,
// some CI logs) understands no escape sequence, so it gets neither.
#pragma once

namespace repro {

// Whether to colour output: only on a terminal, never with NO_COLOR set (no-color.org).
bool ShouldUseColor(int fd);

// Whether "fd" is a terminal that can overprint a status line: a tty, TERM set and not dumb.
bool IsSmartTerminal(int fd);

}  // namespace repro
