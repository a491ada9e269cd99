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

// Variables that configure repro's own git and curl (git's config files, proxies, CA
// bundles, ssh), passed to them when set, never to released code. Documented in docs/manifest.md.
const std::vector<std::string>& ToolVariables();

// "NAME=value" entries; later sources override earlier ones. PYTHONUNBUFFERED=1 comes
// first (a Python child's log then shows its lines as they are printed); "manifest_env"
// may override it.
std::vector<std::string> BuildChildEnvironment(const EnvPairs& manifest_env, const EnvPairs& repro_vars);

// The environment of repro's own helper tools (git, curl): the child's, plus ToolVariables().
std::vector<std::string> BuildToolEnvironment(const EnvPairs& vars);

// The environment of a manifest's setup steps, which fetch and install (`git clone`, `pip
// install`) as repro's own tools do: the child's, plus ToolVariables() but the ssh agent's
// socket (a setup step is the manifest's code), plus the variables that point pip at its
// index and CA bundle (SetupOnlyVariables()), then "manifest_env". Never an experiment's runs.
std::vector<std::string> BuildSetupEnvironment(const EnvPairs& manifest_env);
const std::vector<std::string>& SetupOnlyVariables();

}  // namespace repro
