// repro bundle and repro verify: a reproduction packed into one .tar.gz, and such a file
// checked against its own SHA256SUMS, report and root digest.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/util/text.h"

namespace repro::cli {
namespace {

std::string DigestNote(const VerifyResult& result, const VerifyOptions& options) {
  if (options.digest.empty()) return " (compare it with the one published with the review, or give --digest)";
  return result.digest_matched ? " (matches --digest)" : " (NOT the one given)";
}

// What is known of SHA256SUMS.sig; nothing when a check was asked for and failed (a problem says so).
void PrintSignature(const Console& console, const VerifyResult& result, const VerifyOptions& options) {
  if (!result.signature.empty()) {
    console.out << "signature: " << VisibleText(result.signature) << "\n";
  } else if (options.allowed_signers.empty()) {
    console.out << (result.has_signature
                        ? "signature: SHA256SUMS.sig present, not checked (give --allowed-signers FILE --identity ID)\n"
                        : "signature: none\n");
  }
}

}  // namespace

ExitCode Bundle(const Console& console, const std::string& manifest_path, const CommonOptions& common,
                const std::filesystem::path& output, const BundleOptions& options) {
  CliResult<std::unique_ptr<Evaluated>> evaluated = LoadAndEvaluate(console, manifest_path, common);
  if (!evaluated) return evaluated.error();
  const Evaluated& e = **evaluated;
  Result<BundleWritten> written = WriteBundle(e.evaluation, e.loaded.runs, *e.store, output, options);
  if (!written) return CliError::Harness(written.error());
  for (const std::string& refused : written->refused) console.notes() << ReproLine("warning: not bundled: " + refused);
  if (!console.quiet) {
    console.out << fmt::format("{}: manifest, reports, logs and database of {} runs{}\n", output.string(),
                               e.loaded.runs.size(), written->is_signed ? ", SHA256SUMS signed (SHA256SUMS.sig)" : "");
  }
  // The one value to publish with the review: it names SHA256SUMS, which names every file.
  console.out << fmt::format("root digest: {}\n", written->root_digest);
  if (!console.quiet)
    console.out << fmt::format("check it with: repro verify {} --digest {}\n", output.string(), written->root_digest);
  return kExitAllReproduced;
}

ExitCode Verify(const Console& console, const std::filesystem::path& archive, const VerifyOptions& options) {
  Result<VerifyResult> result = VerifyBundle(archive, options);
  if (!result) return CliError::BadInput(result.error());
  // Member names come from whoever made the archive: shown, never sent as controls.
  for (const std::string& problem : result->problems) console.out << VisibleText(problem) << "\n";
  console.out << fmt::format("{}: {} of {} files as bundled{}\n", archive.string(), result->intact, result->files,
                             result->ok() ? "" : "; this bundle was changed after it was made");
  console.out << fmt::format("report.json: {} file hash(es) it lists match the bundled files\n", result->report_hashes);
  console.out << fmt::format("root digest: {}{}\n", result->root_digest, DigestNote(*result, options));
  PrintSignature(console, *result, options);
  return result->ok() ? kExitAllReproduced : kExitNotReproduced;
}

namespace {

void AddBundleCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::string manifest;
    std::filesystem::path output;
    BundleOptions bundle;
    CommonOptions common;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* bundle = app.add_subcommand(
      "bundle",
      "Pack manifest, added files, patches, reports, logs and database into one .tar.gz; prints its root digest");
  bundle->add_option("manifest", options->manifest, "Manifest file")->required();
  bundle->add_option("-o,--output", options->output, "The .tar.gz to write")->required();
  bundle
      ->add_option(
          "--sign", options->bundle.sign_key,
          "Sign SHA256SUMS with this SSH private key (ssh-keygen -Y sign, namespace repro-bundle; with ssh-agent, "
          "its .pub); the signature is the member SHA256SUMS.sig")
      ->check(CLI::ExistingFile);
  AddQuiet(*bundle, options->quiet, "the root digest");
  AddCommonOptions(*bundle, options->common);
  bundle->callback([&invocation, options] {
    invocation.end = Bundle(Quieted(invocation.console, options->quiet), options->manifest, options->common,
                            options->output, options->bundle);
  });
}

void AddVerifyCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::filesystem::path archive;
    VerifyOptions verify;
  };
  auto options = std::make_shared<Options>();
  CLI::App* verify = app.add_subcommand(
      "verify", "Check every file of a bundle against its SHA256SUMS and its report; names what changed");
  verify->add_option("bundle", options->archive, "A .tar.gz made by repro bundle")->required();
  verify->add_option("--digest", options->verify.digest,
                     "The root digest published with the review (repro bundle prints it)");
  CLI::Option* signers = verify
                             ->add_option("--allowed-signers", options->verify.allowed_signers,
                                          "ssh-keygen allowed_signers file holding the signer's public key")
                             ->check(CLI::ExistingFile);
  CLI::Option* identity =
      verify->add_option("--identity", options->verify.identity, "Who must have signed, as named in --allowed-signers");
  signers->needs(identity);
  identity->needs(signers);
  verify->callback(
      [&invocation, options] { invocation.end = Verify(invocation.console, options->archive, options->verify); });
}

}  // namespace

void AddBundleCommands(CLI::App& app, Invocation& invocation) {
  AddBundleCommand(app, invocation);
  AddVerifyCommand(app, invocation);
}

}  // namespace repro::cli
