// The child's environment is built, not inherited wholesale: a short allowlist from the
// runner's environment, then the manifest's env, then repro's own REPRO_* variables. The
// runner's secrets (tokens, cloud keys, agent sockets) never reach released code.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace repro {

using EnvPairs = std::vector<std::pair<std::string, std::string>>;

// Variables passed through from the runner when set. Documented in docs/manifest.md.
const std::vector<std::string>& InheritedVariables();

// "NAME=value" entries; later sources override earlier ones.
std::vector<std::string> BuildChildEnvironment(const EnvPairs& manifest_env, const EnvPairs& repro_vars);

}  // namespace repro
