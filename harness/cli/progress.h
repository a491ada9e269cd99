// Shows a run's progress. On a smart terminal: one status line, overprinted, with the
// count, what runs and an ETA; finished runs scroll above it only when they failed. On
// anything else (a log file, a CI job): one plain line per finished run.
#pragma once

#include <cstdio>
#include <string>

#include "harness/runner/runner.h"
#include "harness/util/terminal.h"  // IsSmartTerminal, for the printer's callers

namespace repro::cli {

enum class Verbosity { kQuiet, kNormal, kVerbose };

class ProgressPrinter {
 public:
  // "smart": stderr is a terminal that can overprint. Quiet shows failures only; verbose
  // adds each command as it starts.
  ProgressPrinter(FILE* out, bool smart, Verbosity verbosity) : out_(out), smart_(smart), verbosity_(verbosity) {}
  ~ProgressPrinter() { ClearStatus(); }

  void operator()(const ProgressEvent& event);

  // "[3/9, running 2, eta 1m20s] mlp seed=2"
  static std::string StatusLine(const ProgressEvent& event);

 private:
  void Print(const std::string& text);
  void ClearStatus();
  FILE* out_;
  bool smart_;
  Verbosity verbosity_;
  bool status_shown_ = false;
};

}  // namespace repro::cli
