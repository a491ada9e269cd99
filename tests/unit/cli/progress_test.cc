#include "harness/cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace repro::cli {
namespace {

// Everything a ProgressPrinter writes, captured in memory.
class Capture {
 public:
  std::ostream& stream() { return stream_; }
  std::string text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
};

ProgressEvent Finished(const std::string& label, bool failed) {
  ProgressEvent event =
      ProgressEvent::Finished("[1/2] " + label + (failed ? ": failed (exit 3) in 1s" : ": completed in 1s"), label,
                              failed, failed ? "  command: prog\n  logs: /r" : "");
  event.done = 1;
  event.total = 2;
  return event;
}

TEST(ProgressPrinterTest, PlainLinesWhenNotOnATerminal) {
  Capture capture;
  {
    ProgressPrinter printer(capture.stream(), /*smart=*/false, Verbosity::kNormal);
    printer(ProgressEvent::Note("setup step 1/1: make"));
    printer(ProgressEvent::Started("a seed=0", "prog --seed 0"));
    printer(Finished("a seed=0", false));
    printer(Finished("a seed=1", true));
  }
  EXPECT_EQ(capture.text(),
            "setup step 1/1: make\n[1/2] a seed=0: completed in 1s\n[1/2] a seed=1: failed (exit 3) in 1s\n  command: "
            "prog\n  logs: /r\n");
}

TEST(ProgressPrinterTest, QuietShowsFailuresOnlyAndVerboseShowsCommands) {
  Capture quiet_capture, verbose_capture;
  {
    ProgressPrinter quiet(quiet_capture.stream(), false, Verbosity::kQuiet);
    ProgressPrinter verbose(verbose_capture.stream(), false, Verbosity::kVerbose);
    for (ProgressPrinter* printer : {&quiet, &verbose}) {
      (*printer)(ProgressEvent::Note("note"));
      (*printer)(ProgressEvent::Started("a seed=0", "prog --seed 0"));
      (*printer)(Finished("a seed=0", false));
      (*printer)(Finished("a seed=1", true));
    }
  }
  EXPECT_EQ(quiet_capture.text(), "[1/2] a seed=1: failed (exit 3) in 1s\n  command: prog\n  logs: /r\n");
  EXPECT_NE(verbose_capture.text().find("start a seed=0: prog --seed 0\n"), std::string::npos);
}

TEST(ProgressPrinterTest, OneOverprintedStatusLineOnATerminal) {
  Capture capture;
  {
    ProgressPrinter printer(capture.stream(), /*smart=*/true, Verbosity::kNormal);
    ProgressEvent started = ProgressEvent::Started("a seed=0", "");
    started.total = 2;
    started.running = 1;
    started.eta_seconds = 80;
    printer(started);
    printer(Finished("a seed=0", false));
  }
  EXPECT_EQ(capture.text(), "\r\x1b[K[0/2, running 1, eta 1m20s] a seed=0\r\x1b[K[1/2, running 0] a seed=0\r\x1b[K");
}

}  // namespace
}  // namespace repro::cli
