// The whole command line: the CLI11 app built from each command's registration, parsed and
// dispatched, its end turned into the process's exit code. main() is this with the process's
// own console; tests call it with string streams.
#pragma once

#include "harness/cli/console.h"

namespace repro::cli {

// Runs "argv" as `repro` would and returns its exit code; everything it prints goes to "console".
int RunCommandLine(int argc, const char* const* argv, const Console& console);

}  // namespace repro::cli
