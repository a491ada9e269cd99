// repro fingerprint: this machine's environment as repro records it for each attempt.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "harness/cli/loading.h"
#include "harness/fingerprint/fingerprint.h"

namespace repro::cli {

ExitCode PrintFingerprint(const Console& console, const std::optional<std::string>& manifest_path) {
  std::optional<Manifest> manifest;
  if (manifest_path) {
    CliResult<Manifest> loaded = LoadValidManifest(*manifest_path);
    if (!loaded) return loaded.error();
    manifest = std::move(*loaded);
  }
  if (std::optional<std::string> missing = MissingProbes(manifest ? &*manifest : nullptr))
    console.notes() << "repro: warning: " << *missing << "\n";
  // A local folder's code is scanned for the packages it imports, as repro run does.
  Fingerprint fingerprint =
      TakeFingerprint(manifest ? &*manifest : nullptr,
                      manifest && !manifest->source.is_git() ? manifest->source.path : std::filesystem::path());
  nlohmann::ordered_json out = {{"sha256", fingerprint.sha256},
                                {"environment", nlohmann::json::parse(fingerprint.json)}};
  console.out << out.dump(2) << "\n";
  return kExitAllReproduced;
}

void AddFingerprintCommand(CLI::App& app, Invocation& invocation) {
  auto manifest = std::make_shared<std::optional<std::string>>();
  CLI::App* fingerprint =
      app.add_subcommand("fingerprint", "Print this machine's environment as repro records it for each attempt");
  fingerprint->add_option("manifest", *manifest, "Manifest whose commands' interpreters to describe too");
  fingerprint->callback([&invocation, manifest] { invocation.end = PrintFingerprint(invocation.console, *manifest); });
}

}  // namespace repro::cli
