// `isolation: sandbox`: an attempt run under bubblewrap with its own PID namespace (nothing
// it starts outlives it or sees other processes), no network but loopback, the whole system
// and the source read-only, and only its own attempt folder (working copy, {out}) and a
// private /tmp writable. Protection against accidents (writes over the user's files, hidden
// downloads, stray processes), not a boundary against malicious code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/util/result.h"

namespace repro {

// Whether bwrap is installed and can create the namespaces here; the error says what is
// missing and how to get it, or to run without the sandbox.
Status CheckSandbox();

// "argv" wrapped so that it runs sandboxed in "work", with "writable" (the attempt folder)
// the only host folder it may write.
std::vector<std::string> SandboxCommand(const std::vector<std::string>& argv, const std::filesystem::path& work,
                                        const std::filesystem::path& writable);

}  // namespace repro
