// Console: where a command writes, injected so that commands run in tests without spawning
// the binary. main() writes to the process's stdout and stderr; a test to string streams.
#pragma once

#include <ostream>
#include <string_view>

namespace repro::cli {

struct Console {
  std::ostream& out;  // what a command produces: tables, reports, logs
  std::ostream& err;  // errors, warnings and notes for the person watching
  // What stdout is, decided once by whoever made the streams (false for a string stream).
  bool out_in_color = false;     // the verdict table may colour its statuses
  bool out_is_terminal = false;  // a PDF is refused there
  // What stderr is: a terminal that can overprint a status line, and its fd (for its width).
  bool err_is_smart = false;
  int err_terminal_fd = -1;
  // -q: a command says only its errors and its essential result (flags.h, AddQuiet).
  bool quiet = false;

  // "repro: MESSAGE" on err, control characters shown (cli_error.h, ReproLine): an error.
  void Say(std::string_view message) const;
  // Where notes, warnings and progress go: err, or nowhere when quiet.
  std::ostream& notes() const;
};

// The process's own stdout and stderr.
Console StandardConsole();

}  // namespace repro::cli
