#include "harness/exec/environment.h"

#include <cstdlib>
#include <map>

namespace repro {

const std::vector<std::string>& InheritedVariables() {
  static const std::vector<std::string> names = {
      "PATH",        "HOME",     "USER",       "LOGNAME", "SHELL",  "LANG", "LANGUAGE",
      "LC_ALL",      "LC_CTYPE", "LC_NUMERIC", "TZ",      "TMPDIR", "TERM", "CUDA_VISIBLE_DEVICES",
      "SLURM_JOB_ID"};
  return names;
}

const std::vector<std::string>& ToolVariables() {
  static const std::vector<std::string> names = {
      "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "XDG_CONFIG_HOME", "GIT_SSH",
      "GIT_SSH_COMMAND",   "SSH_AUTH_SOCK",     "GIT_SSL_CAINFO",      "GIT_SSL_CAPATH",  "http_proxy",
      "https_proxy",       "HTTP_PROXY",        "HTTPS_PROXY",         "all_proxy",       "ALL_PROXY",
      "no_proxy",          "NO_PROXY",          "CURL_CA_BUNDLE",      "CURL_HOME",       "SSL_CERT_FILE",
      "SSL_CERT_DIR"};
  return names;
}

namespace {

std::vector<std::string> Entries(const std::map<std::string, std::string>& env) {
  std::vector<std::string> entries;
  for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
  return entries;
}

std::map<std::string, std::string> Inherited(const std::vector<std::string>& names) {
  std::map<std::string, std::string> env;
  for (const std::string& name : names) {
    if (const char* value = std::getenv(name.c_str())) env[name] = value;
  }
  return env;
}

}  // namespace

std::vector<std::string> BuildToolEnvironment(const EnvPairs& vars) {
  std::map<std::string, std::string> env = Inherited(InheritedVariables());
  env.merge(Inherited(ToolVariables()));
  if (env.find("PATH") == env.end()) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& [name, value] : vars) env[name] = value;
  return Entries(env);
}

const std::vector<std::string>& SetupOnlyVariables() {
  static const std::vector<std::string> names = {"REQUESTS_CA_BUNDLE", "PIP_CERT", "PIP_INDEX_URL",
                                                 "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST"};
  return names;
}

std::vector<std::string> BuildSetupEnvironment(const EnvPairs& manifest_env) {
  std::vector<std::string> names;
  for (const std::string& name : ToolVariables()) {
    if (name != "SSH_AUTH_SOCK") names.push_back(name);
  }
  names.insert(names.end(), SetupOnlyVariables().begin(), SetupOnlyVariables().end());
  EnvPairs env;
  for (const auto& [name, value] : Inherited(names)) env.emplace_back(name, value);
  env.insert(env.end(), manifest_env.begin(), manifest_env.end());  // the manifest's word is last
  return BuildChildEnvironment(env, {});
}

std::vector<std::string> BuildChildEnvironment(const EnvPairs& manifest_env, const EnvPairs& repro_vars) {
  std::map<std::string, std::string> env = Inherited(InheritedVariables());
  if (env.find("PATH") == env.end()) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["PYTHONUNBUFFERED"] = "1";  // a 6-minute training run otherwise shows an empty log until it ends
  for (const auto& [name, value] : manifest_env) env[name] = value;
  for (const auto& [name, value] : repro_vars) env[name] = value;
  return Entries(env);
}

}  // namespace repro
