// repro diff: two reproductions side by side: two databases of one manifest, or two
// manifests in one database.
#include <CLI/CLI.hpp>
#include <fstream>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/report/diff.h"
#include "harness/util/atomic_file.h"

namespace repro::cli {
namespace {

bool IsSqliteFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof(header));
  return in.gcount() == 16 && std::string(header, 15) == "SQLite format 3";
}

}  // namespace

ExitCode Diff(const Console& console, const std::string& a, const std::string& b,
              const std::optional<std::string>& manifest, const CommonOptions& common, const std::string& format,
              const std::optional<std::filesystem::path>& output) {
  bool databases = IsSqliteFile(a) && IsSqliteFile(b);
  if (databases && !manifest)
    return CliError::BadInput("two databases are compared on the claims of one manifest: add --manifest MANIFEST");
  auto side = [&](const std::string& path) {
    CommonOptions options = common;
    if (databases) options.db = path;
    return LoadAndEvaluate(console, databases ? *manifest : path, options);
  };
  CliResult<std::unique_ptr<Evaluated>> left = side(a);
  if (!left) return left.error();
  CliResult<std::unique_ptr<Evaluated>> right = side(b);
  if (!right) return right.error();
  std::string text = RenderDiff((*left)->evaluation, a, (*right)->evaluation, b, format);
  if (!output) {
    console.out << text;
    return kExitAllReproduced;
  }
  if (Status written = WriteFileAtomically(*output, text); !written) return CliError::Harness(written.error());
  console.out << "diff written to " << output->string() << "\n";
  return kExitAllReproduced;
}

void AddDiffCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::string a, b, format = "text";
    std::optional<std::string> manifest;
    std::optional<std::filesystem::path> output;
    CommonOptions common;
  };
  auto options = std::make_shared<Options>();
  CLI::App* diff =
      app.add_subcommand("diff", "Two reproductions side by side: two databases (with --manifest) or two manifests");
  diff->add_option("a", options->a, "A database file, or a manifest")->required();
  diff->add_option("b", options->b, "Another database file, or another manifest")->required();
  diff->add_option("--manifest", options->manifest, "The manifest whose claims two databases are compared on");
  diff->add_option("--format", options->format, "text, md or html")
      ->check(CLI::IsMember({"text", "md", "html"}))
      ->capture_default_str();
  diff->add_option("-o,--output", options->output, "Output file (default: standard output)");
  AddCommonOptions(*diff, options->common);
  diff->callback([&invocation, options] {
    const Options& o = *options;
    invocation.end = Diff(invocation.console, o.a, o.b, o.manifest, o.common, o.format, o.output);
  });
}

}  // namespace repro::cli
