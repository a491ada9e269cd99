// repro: checks published AI results against the code that produced them.
#include "harness/cli/app.h"

int main(int argc, char** argv) { return repro::cli::RunCommandLine(argc, argv, repro::cli::StandardConsole()); }
