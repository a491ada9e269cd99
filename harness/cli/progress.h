// Shows a run's progress. On a smart terminal: one status line, overprinted, with the
// count, what runs and an ETA; finished runs scroll above it only when they failed. On
// anything else (a log file, a CI job): one plain line per finished run.
#pragma once

#include <ostream>
#include <string>

#include "harness/runner/runner.h"
#include "harness/util/terminal.h"  // IsSmartTerminal, for the printer's callers

namespace repro::cli {

enum class Verbosity { kQuiet, kNormal, kVerbose };

class ProgressPrinter {
 public:
  // "smart": "out" is a terminal that can overprint; "terminal_fd" is that terminal, asked
  // for its width at each status line (-1: none, the line is not cut). Quiet shows failures
  // only; verbose adds each command as it starts.
  ProgressPrinter(std::ostream& out, bool smart, Verbosity verbosity, int terminal_fd = -1)
      : out_(out), smart_(smart), verbosity_(verbosity), terminal_fd_(terminal_fd) {}
  ~ProgressPrinter() { ClearStatus(); }

  void operator()(const ProgressEvent& event);

  // "[3/9, running 2, eta 1m20s] mlp seed=2"
  static std::string StatusLine(const ProgressEvent& event);

 private:
  void Print(const std::string& text);
  void ClearStatus();
  std::ostream& out_;
  bool smart_;
  Verbosity verbosity_;
  int terminal_fd_;
  bool status_shown_ = false;
};

}  // namespace repro::cli
