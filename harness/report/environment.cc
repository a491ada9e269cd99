#include "harness/report/environment.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace repro {
namespace {

using Json = nlohmann::json;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string Text(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// What a fingerprint says for a key a paper might state: a package ("torch", "numpy"), the
// Python version, the GPU, the driver, the OS, the CPU, the BLAS. Empty when it says nothing.
std::string Lookup(const Json& machine, const std::string& key) {
  static const std::map<std::string, std::string> kAliases = {
      {"pytorch", "torch"}, {"sklearn", "scikit-learn"}, {"tf", "tensorflow"}, {"cv2", "opencv-python"}};
  std::string name = Lower(key);
  if (auto alias = kAliases.find(name); alias != kAliases.end()) name = alias->second;
  if (name == "os" || name == "kernel" || name == "repro") return machine.contains(name) ? Text(machine[name]) : "";
  if (name == "cpu") return machine.contains("cpu") ? Text(machine["cpu"]["model"]) : "";
  if (name == "gpu" || name == "gpus" || name == "driver" || name == "cuda_driver") {
    if (!machine.contains("gpus") || !machine["gpus"].is_array()) return "";
    std::vector<std::string> found;
    for (const Json& gpu : machine["gpus"]) found.push_back(Text(gpu[name.rfind("gpu", 0) == 0 ? "name" : "driver"]));
    return found.empty() ? "none" : fmt::format("{}", fmt::join(found, ", "));
  }
  if (!machine.contains("interpreters")) return "";
  for (const auto& [path, interpreter] : machine["interpreters"].items()) {
    if (!interpreter.contains("probe") || !interpreter["probe"].is_object()) continue;
    const Json& probe = interpreter["probe"];
    if (name == "python" && probe.contains("version")) return Text(probe["version"]);
    if (name == "blas" && probe.contains("blas")) {
      std::vector<std::string> names;
      for (const Json& library : probe["blas"]) names.push_back(Text(library).substr(Text(library).rfind('/') + 1));
      return fmt::format("{}", fmt::join(names, ", "));
    }
    if (probe.contains("packages")) {
      for (const auto& [package, version] : probe["packages"].items()) {
        if (Lower(package) == name) return Text(version);
      }
    }
  }
  return "";
}

// "1.13" matches "1.13.1": a paper gives as many digits as it cares about.
bool Matches(const std::string& stated, const std::string& found) {
  std::string a = Lower(stated), b = Lower(found);
  return b.rfind(a, 0) == 0 || b.find(a) != std::string::npos;
}

}  // namespace

std::vector<std::string> EnvironmentNotes(const NamedValues& paper_environment, const std::vector<std::string>& fingerprints) {
  std::vector<std::string> notes;
  std::vector<Json> machines;
  for (const std::string& text : fingerprints) {
    Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) machines.push_back(std::move(parsed));
  }
  if (machines.empty()) return notes;
  for (const auto& [key, stated] : paper_environment) {
    std::set<std::string> found;
    for (const Json& machine : machines) found.insert(Lookup(machine, key));
    found.erase("");
    if (found.empty()) {
      notes.push_back(fmt::format("the paper used {} {}; these runs did not record {}", key, stated, key));
    } else if (std::any_of(found.begin(), found.end(), [&stated = stated](const std::string& f) { return !Matches(stated, f); })) {
      notes.push_back(fmt::format("the paper used {} {}; these runs used {} {}", key, stated, key, fmt::join(found, " and ")));
    }
  }
  if (machines.size() > 1) {
    std::map<std::string, std::set<std::string>> values;
    std::vector<Json> flat;
    for (const Json& machine : machines) flat.push_back(machine.flatten());
    for (const Json& f : flat) {
      for (const auto& [path, value] : f.items()) values[path];
    }
    for (auto& [path, seen] : values) {
      for (const Json& f : flat) seen.insert(f.contains(path) ? Text(f[path]) : "(absent)");
    }
    std::vector<std::string> differing;
    for (const auto& [path, seen] : values) {
      if (seen.size() > 1) differing.push_back(fmt::format("{} ({})", path, fmt::join(seen, " vs ")));
    }
    notes.push_back(fmt::format("its runs ran in {} different environments, which differ in: {}", machines.size(),
                                fmt::join(differing, "; ")));
  }
  return notes;
}

}  // namespace repro
