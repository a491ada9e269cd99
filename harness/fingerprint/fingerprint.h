// The environment a run ran in, recorded once per distinct environment and linked to each
// attempt, so that a deviation can be explained: OS, kernel, CPU, memory, GPUs and driver,
// the interpreter each command runs (its path, version and, through configs/probes, the
// scientific packages and BLAS it uses), and repro's own version.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/manifest/manifest.h"
#include "harness/util/config_dir.h"  // ConfigDir(): where the probes are

namespace repro {

struct Fingerprint {
  std::string json;    // a JSON object with sorted keys; the same machine gives the same text
  std::string sha256;  // of "json": the environment's identity
};

// When ConfigDir() holds no probes/ (a binary copied without its data, its source tree gone)
// and "manifest" starts a Python or R interpreter (any manifest, or none: nullptr): a warning
// naming where repro looked and REPRO_CONFIG_DIR, for the commands that fingerprint to print
// once; nullopt otherwise. Without the probes the fingerprint records each probe's error
// instead of package versions and BLAS.
std::optional<std::string> MissingProbes(const Manifest* manifest);

// This machine, with the interpreters the manifest's commands start (none without one).
// With "code_dir", the Python and R probes also record the versions of the packages the code
// there imports (and, for Python, those on the manifest's PYTHONPATH, relative to it).
Fingerprint TakeFingerprint(const Manifest* manifest, const std::filesystem::path& code_dir = {});

}  // namespace repro
