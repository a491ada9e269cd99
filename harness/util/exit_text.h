// How a process ended, worded once for every message and report: "failed (exit 3)",
// "interrupted (signal 15)". In util so that every module can use it: the verdicts (compare)
// and reports as well as the supervisor and the runner.
#pragma once

#include <optional>
#include <string>

namespace repro {

// "status", then " (exit N)" when "exit_code" is given and " (signal N)" when "signal" is.
// Callers leave out an exit code that says nothing (that of a completed step).
std::string StatusWithExit(const std::string& status, std::optional<int> exit_code, std::optional<int> signal);

}  // namespace repro
