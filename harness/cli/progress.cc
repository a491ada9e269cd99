#include "harness/cli/progress.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "harness/util/text.h"
#include "harness/util/units.h"

namespace repro::cli {

std::string ProgressPrinter::StatusLine(const ProgressEvent& event) {
  std::string line = fmt::format("[{}/{}, running {}", event.done, event.total, event.running);
  if (event.eta_seconds) line += ", eta " + FormatDuration(*event.eta_seconds);
  return line + "] " + VisibleText(event.label);
}

void ProgressPrinter::ClearStatus() {
  if (!status_shown_) return;
  out_ << "\r\x1b[K" << std::flush;
  status_shown_ = false;
}

// The text carries run labels (parameter values), notes and the tail of a child's stderr:
// control characters are shown, not sent (an ESC would drive the terminal, a NUL would cut
// the rest off); line breaks and tabs stay, as the tail's lines and the command need them.
void ProgressPrinter::Print(const std::string& text) {
  ClearStatus();
  out_ << VisibleText(text, Layout::kLines) << '\n' << std::flush;
}

void ProgressPrinter::operator()(const ProgressEvent& event) {
  switch (event.kind) {
    case ProgressEvent::Kind::kNote:
      if (verbosity_ != Verbosity::kQuiet) Print(event.text);
      return;
    case ProgressEvent::Kind::kStarted:
      if (verbosity_ == Verbosity::kVerbose) Print(fmt::format("start {}: {}", event.label, event.detail));
      break;
    case ProgressEvent::Kind::kFinished:
      if (event.failed) {
        Print(event.text + "\n" + event.detail);
      } else if (!smart_ && verbosity_ != Verbosity::kQuiet) {
        Print(event.text);
      }
      break;
  }
  if (!smart_ || verbosity_ == Verbosity::kQuiet) return;
  std::string line = StatusLine(event);
  struct winsize size {};
  if (terminal_fd_ >= 0 && ::ioctl(terminal_fd_, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 &&
      line.size() >= size.ws_col) {
    line.resize(size.ws_col - 1);  // a wrapped status line could not be overprinted
  }
  out_ << "\r\x1b[K" << line << std::flush;
  status_shown_ = true;
}

}  // namespace repro::cli
