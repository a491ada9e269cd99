#include "harness/fingerprint/fingerprint.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "harness/exec/command.h"
#include "harness/exec/environment.h"
#include "harness/util/atomic_file.h"
#include "harness/util/hash.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;  // std::map inside: keys come out sorted, so the text is stable

// The value of "key" in a "key: value" or "key=value" file, the first time it appears.
std::string FieldOf(const fs::path& file, const std::string& key, char separator) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    size_t at = line.find(separator, key.size());
    if (at == std::string::npos) continue;
    std::string value = line.substr(at + 1);
    value.erase(0, value.find_first_not_of(" \t\""));
    while (!value.empty() && (value.back() == '"' || value.back() == ' ')) value.pop_back();
    return value;
  }
  return "";
}

struct Captured {
  bool ok = false;
  std::string out;
};

// Runs a short helper command and returns what it printed (stdout, then stderr).
Captured Capture(const std::vector<std::string>& argv, double timeout_seconds) {
  Command command;
  command.argv = argv;
  command.env = BuildChildEnvironment({}, {});
  command.timeout_seconds = timeout_seconds;
  CommandResult result = RunCommand(command);
  return Captured{result.succeeded(), result.out + result.err};
}

Json Gpus() {
  Json gpus = Json::array();
  if (!FindOnPath("nvidia-smi", OwnPath())) return gpus;
  Captured smi = Capture({"nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"}, 30);
  if (!smi.ok) return Json{{"error", TrimTrailingBlanks(smi.out)}};
  std::stringstream lines(smi.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::stringstream parts(line);
    std::string part;
    while (std::getline(parts, part, ','))
      fields.push_back(TrimTrailingBlanks(part.erase(0, part.find_first_not_of(' '))));
    if (fields.size() == 3) gpus.push_back({{"name", fields[0]}, {"driver", fields[1]}, {"memory", fields[2]}});
  }
  return gpus;
}

// Interpreters worth asking for their version and packages; anything else (the paper's own
// script, a compiled binary) is the code itself, not its environment, and is never started.
std::string InterpreterKind(const std::string& name) {
  if (name.rfind("python", 0) == 0) return "python";
  if (name == "Rscript" || name == "R") return "r";
  static const std::set<std::string> others = {"julia", "node", "java", "perl", "ruby", "bash", "sh", "dash", "lua"};
  return others.count(name) ? name : "";
}

// The probe's arguments: the code to scan for the packages it imports, and the code's
// PYTHONPATH (from the manifest's env, relative to the code) where inputs put packages.
std::vector<std::string> ProbeArguments(const fs::path& code_dir, const Manifest* manifest) {
  if (code_dir.empty()) return {};
  std::vector<std::string> args = {"--code", code_dir.string()};
  for (const auto& [name, value] : manifest != nullptr ? manifest->env : NamedValues{}) {
    if (name != "PYTHONPATH") continue;
    std::stringstream entries(value);
    for (std::string entry; std::getline(entries, entry, ':');) {
      if (!entry.empty()) args.push_back((fs::path(entry).is_absolute() ? fs::path(entry) : code_dir / entry).string());
    }
  }
  return args;
}

Json DescribeInterpreter(const fs::path& exe, const std::string& kind, const std::vector<std::string>& probe_args) {
  Json info{{"path", exe.string()}};
  std::error_code ec;
  fs::path real = fs::canonical(exe, ec);
  if (!ec) info["resolved"] = real.string();
  if (kind == "sh" || kind == "dash") return info;  // no version flag
  Captured version = Capture({exe.string(), kind == "java" ? "-version" : "--version"}, 20);
  std::string first = version.out.substr(0, version.out.find('\n'));
  info["version"] = TrimTrailingBlanks(first);
  if (kind == "python") {
    std::vector<std::string> argv = {exe.string(), (ConfigDir() / "probes/python.py").string()};
    argv.insert(argv.end(), probe_args.begin(), probe_args.end());
    Captured probe = Capture(argv, 120);
    Json parsed = Json::parse(probe.out.substr(0, probe.out.find('\n')), nullptr, /*allow_exceptions=*/false);
    info["probe"] =
        probe.ok && parsed.is_object() ? parsed : Json{{"error", TrimTrailingBlanks(probe.out).substr(0, 400)}};
  } else if (kind == "r") {
    fs::path rscript = exe.filename() == "R" ? exe.parent_path() / "Rscript" : exe;
    std::vector<std::string> argv = {rscript.string(), (ConfigDir() / "probes/R.R").string()};
    if (probe_args.size() >= 2) argv.push_back(probe_args[1]);  // the code folder
    Captured probe = Capture(argv, 120);
    // The last line is the JSON object (R may print warnings before it).
    std::string out = TrimTrailingBlanks(probe.out);
    Json parsed =
        Json::parse(out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1), nullptr, false);
    info["probe"] = probe.ok && parsed.is_object() ? parsed : Json{{"error", out.substr(0, 400)}};
  }
  return info;
}

}  // namespace

std::optional<std::string> MissingProbes(const Manifest* manifest) {
  std::error_code ec;
  if (fs::is_directory(ConfigDir() / "probes", ec)) return std::nullopt;
  if (manifest != nullptr &&
      std::none_of(manifest->experiments.begin(), manifest->experiments.end(), [](const Experiment& experiment) {
        if (experiment.shell || experiment.command.empty()) return false;
        std::string kind = InterpreterKind(fs::path(experiment.command.front()).filename());
        return kind == "python" || kind == "r";
      })) {
    return std::nullopt;  // no probe would run
  }
  std::string looked;
  if (const char* dir = ConfigDirVariable()) {
    looked = fmt::format("REPRO_CONFIG_DIR={} holds no probes/ folder", dir);
  } else {
    std::vector<std::string> places;
    for (const fs::path& candidate : ConfigDirCandidates()) places.push_back((candidate / "probes").string());
    looked = fmt::format("repro's probes are in none of {} (REPRO_CONFIG_DIR is not set)", fmt::join(places, ", "));
  }
  return looked +
         ": environments are recorded without package versions or BLAS. Set REPRO_CONFIG_DIR to the folder that "
         "holds probes/ and slurm/ (share/repro of an installation, configs/ of repro's source tree)";
}

Fingerprint TakeFingerprint(const Manifest* manifest, const fs::path& code_dir) {
  Json machine;
  struct utsname names {};
  ::uname(&names);
  machine["os"] = FieldOf("/etc/os-release", "PRETTY_NAME", '=');
  machine["kernel"] = fmt::format("{} {} {}", names.sysname, names.release, names.machine);
  machine["cpu"] = {{"model", FieldOf("/proc/cpuinfo", "model name", ':')},
                    {"cores", std::thread::hardware_concurrency()}};
  std::string mem_kb = FieldOf("/proc/meminfo", "MemTotal", ':');
  machine["memory_bytes"] = static_cast<int64_t>(std::atoll(mem_kb.c_str())) * 1024;
  machine["gpus"] = Gpus();
  machine["repro"] = REPRO_VERSION;
  Json interpreters = Json::object();
  if (manifest != nullptr) {
    std::string path_variable = OwnPath();
    for (const auto& [name, value] : manifest->env) {
      if (name == "PATH") path_variable = value;
    }
    for (const Experiment& experiment : manifest->experiments) {
      std::string program = experiment.shell ? "/bin/sh" : experiment.command.front();
      std::string kind = InterpreterKind(fs::path(program).filename().string());
      if (kind.empty()) continue;
      std::optional<fs::path> exe = program.find('/') != std::string::npos ? std::optional<fs::path>(program)
                                                                           : FindOnPath(program, path_variable);
      if (!exe || interpreters.contains(exe->string())) continue;
      interpreters[exe->string()] = DescribeInterpreter(*exe, kind, ProbeArguments(code_dir, manifest));
    }
  }
  machine["interpreters"] = interpreters;
  Fingerprint fingerprint;
  fingerprint.json = machine.dump();
  fingerprint.sha256 = Sha256Hex(fingerprint.json);
  return fingerprint;
}

}  // namespace repro
