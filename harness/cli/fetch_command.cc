// repro fetch: a manifest's inputs copied or downloaded into the cache, their sha256 checked.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/source/inputs.h"
#include "harness/source/source.h"

namespace repro::cli {

ExitCode Fetch(const Console& console, const std::string& manifest_path, const CommonOptions& common) {
  CliResult<Manifest> manifest = LoadValidManifest(manifest_path);
  if (!manifest) return manifest.error();
  std::filesystem::path cache = common.cache ? *common.cache : DefaultCacheDir();
  int failed = 0;  // every input is tried, so one run names all that fail
  for (const Input& input : manifest->inputs) {
    Result<std::filesystem::path> cached = FetchInput(input, cache);
    if (!cached) {
      console.Say(cached.error());
      ++failed;
    } else if (!console.quiet) {
      console.out << fmt::format("{}: ok (sha256 {}) {}\n", input.path, input.sha256.substr(0, 12), cached->string());
    }
  }
  if (manifest->inputs.empty() && !console.quiet) console.out << manifest_path << ": no inputs to fetch\n";
  if (failed > 0) return CliError::AlreadySaid(kExitHarnessError);
  return kExitAllReproduced;
}

void AddFetchCommand(CLI::App& app, Invocation& invocation) {
  AddManifestCommand(app, invocation, "fetch",
                     "Copy or download a manifest's inputs into the cache and verify their sha256", Fetch,
                     /*with_selection=*/false, "");
}

}  // namespace repro::cli
