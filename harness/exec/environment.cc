#include "harness/exec/environment.h"

#include <cstdlib>
#include <map>

namespace repro {

const std::vector<std::string>& InheritedVariables() {
  static const std::vector<std::string> names = {
      "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC",
      "TZ", "TMPDIR", "TERM", "CUDA_VISIBLE_DEVICES", "SLURM_JOB_ID"};
  return names;
}

std::vector<std::string> BuildChildEnvironment(const EnvPairs& manifest_env, const EnvPairs& repro_vars) {
  std::map<std::string, std::string> env;
  for (const std::string& name : InheritedVariables()) {
    if (const char* value = std::getenv(name.c_str())) env[name] = value;
  }
  if (env.find("PATH") == env.end()) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& [name, value] : manifest_env) env[name] = value;
  for (const auto& [name, value] : repro_vars) env[name] = value;
  std::vector<std::string> entries;
  for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
  return entries;
}

}  // namespace repro
