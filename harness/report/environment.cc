#include "harness/report/environment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/util/units.h"

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

std::vector<std::string> EnvironmentNotes(const NamedValues& paper_environment,
                                          const std::vector<std::string>& fingerprints) {
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
    } else if (std::any_of(found.begin(), found.end(),
                           [&stated = stated](const std::string& f) { return !Matches(stated, f); })) {
      notes.push_back(
          fmt::format("the paper used {} {}; these runs used {} {}", key, stated, key, fmt::join(found, " and ")));
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

namespace repro {
namespace {

using Json = nlohmann::json;

std::string Plain(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string JoinTexts(const std::vector<std::string>& texts) { return fmt::format("{}", fmt::join(texts, ", ")); }

// "numpy 1.24.2, scipy 1.10.1"; the BLAS libraries by file name; torch's build lines.
void InterpreterRows(const std::string& path, const Json& interpreter,
                     std::vector<std::pair<std::string, std::string>>& rows) {
  std::string version = interpreter.contains("version") ? Plain(interpreter["version"]) : "";
  if (version.empty() && interpreter.contains("probe") && interpreter["probe"].is_object() &&
      interpreter["probe"].contains("version")) {
    version = Plain(interpreter["probe"]["version"]);
  }
  if (interpreter.contains("resolved") && Plain(interpreter["resolved"]) != path) {
    std::string resolved = Plain(interpreter["resolved"]);
    version = version.empty() ? resolved : version + " (" + resolved + ")";
  }
  rows.emplace_back("Interpreter " + path, version);
  if (!interpreter.contains("probe")) return;
  const Json& probe = interpreter["probe"];
  if (!probe.is_object()) {
    rows.emplace_back("Probe of " + path, Plain(probe));
    return;
  }
  for (const auto& [key, value] : probe.items()) {
    std::vector<std::string> items;
    if (key == "packages" && value.is_object()) {
      for (const auto& [package, package_version] : value.items())
        items.push_back(package + " " + Plain(package_version));
      rows.emplace_back("Packages (" + path + ")", items.empty() ? "none of those probed" : JoinTexts(items));
    } else if (key == "blas" && value.is_array()) {
      for (const Json& library : value) items.push_back(Basename(Plain(library)));
      rows.emplace_back("BLAS/LAPACK (" + path + ")", items.empty() ? "none loaded" : JoinTexts(items));
    } else if (key == "torch_build" && value.is_array()) {
      for (const Json& line : value) items.push_back(Plain(line));
      rows.emplace_back("torch build (" + path + ")", JoinTexts(items));
    } else if (key != "version" && key != "executable" && key != "implementation") {
      rows.emplace_back(key + " (" + path + ")", Plain(value));
    }
  }
}

std::string GpuText(const Json& gpus) {
  if (!gpus.is_array()) return Plain(gpus);
  std::vector<std::string> names;
  for (const Json& gpu : gpus) {
    if (!gpu.is_object()) {
      names.push_back(Plain(gpu));
      continue;
    }
    std::string name = gpu.contains("name") ? Plain(gpu["name"]) : Plain(gpu);
    if (gpu.contains("memory")) name += ", " + Plain(gpu["memory"]);
    if (gpu.contains("driver")) name += ", driver " + Plain(gpu["driver"]);
    names.push_back(name);
  }
  return names.empty() ? "none" : JoinTexts(names);
}

// One fingerprint as (row, value) pairs in reading order.
std::vector<std::pair<std::string, std::string>> RowsOf(const std::string& text) {
  Json machine = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!machine.is_object()) return {{"Fingerprint", text}};
  std::vector<std::pair<std::string, std::string>> rows;
  auto take = [&](const char* key, const std::string& name, auto shown) {
    if (machine.contains(key)) rows.emplace_back(name, shown(machine[key]));
  };
  take("os", "OS", Plain);
  take("kernel", "Kernel", Plain);
  take("cpu", "CPU", [](const Json& cpu) {
    if (!cpu.is_object() || !cpu.contains("model")) return Plain(cpu);
    return Plain(cpu["model"]) + (cpu.contains("cores") ? fmt::format(", {} cores", Plain(cpu["cores"])) : "");
  });
  take("memory_bytes", "Memory",
       [](const Json& bytes) { return bytes.is_number_integer() ? FormatBytes(bytes.get<int64_t>()) : Plain(bytes); });
  take("gpus", "GPU", GpuText);
  if (machine.contains("interpreters") && machine["interpreters"].is_object()) {
    for (const auto& [path, interpreter] : machine["interpreters"].items()) InterpreterRows(path, interpreter, rows);
  }
  take("repro", "repro", Plain);
  for (const auto& [key, value] : machine.items()) {
    static const std::set<std::string> kShown = {"os",   "kernel",       "cpu",  "memory_bytes",
                                                 "gpus", "interpreters", "repro"};
    if (!kShown.count(key)) rows.emplace_back(key, Plain(value));
  }
  return rows;
}

}  // namespace

std::vector<EnvironmentRow> EnvironmentTable(const std::vector<std::string>& fingerprints) {
  std::vector<EnvironmentRow> table;
  std::map<std::string, size_t> index;
  for (size_t column = 0; column < fingerprints.size(); ++column) {
    for (auto& [name, value] : RowsOf(fingerprints[column])) {
      auto [it, fresh] = index.emplace(name, table.size());
      if (fresh) table.push_back({name, std::vector<std::string>(fingerprints.size())});
      table[it->second].values[column] = std::move(value);
    }
  }
  return table;
}

}  // namespace repro
