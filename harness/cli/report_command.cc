// repro report: a reproduction report in one of several formats, on stdout or in a file.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/report/pdf.h"
#include "harness/report/render.h"
#include "harness/util/atomic_file.h"

namespace repro::cli {
namespace {

// The report as text in "format"; a PDF is the HTML made for print, printed by Chromium.
Result<std::string> Render(const Evaluation& evaluation, const std::string& format) {
  if (format == "json") return RenderJson(evaluation);
  if (format == "html") return RenderHtml(evaluation);
  if (format == "pdf") return RenderPdf(RenderHtml(evaluation, /*for_print=*/true));
  if (format == "latex") return RenderLatex(evaluation);
  if (format == "junit") return RenderJunit(evaluation);
  return RenderMarkdown(evaluation);
}

}  // namespace

ExitCode Report(const Console& console, const std::string& manifest_path, const CommonOptions& common,
                const std::string& format, const std::optional<std::filesystem::path>& output) {
  CliResult<std::unique_ptr<Evaluated>> evaluated = LoadAndEvaluate(console, manifest_path, common);
  if (!evaluated) return evaluated.error();
  const Evaluated& e = **evaluated;
  bool to_stdout = !output || output->string() == "-";
  if (format == "pdf" && to_stdout && console.out_is_terminal)
    return CliError::BadInput("a PDF is not for a terminal: give -o FILE.pdf");
  SayIfCodeChanged(console, e.loaded, *e.store, common.max_runs);
  Result<std::string> text = Render(e.evaluation, format);
  if (!text) return CliError::Harness(text.error());
  if (to_stdout) {
    console.out << *text;
    return kExitAllReproduced;
  }
  if (Status written = WriteFileAtomically(*output, *text); !written) return CliError::Harness(written.error());
  console.err << fmt::format("report written to {}\n", output->string());
  return kExitAllReproduced;
}

void AddReportCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::string manifest;
    CommonOptions common;
    std::string format = "md";
    std::optional<std::filesystem::path> output;
  };
  auto options = std::make_shared<Options>();
  CLI::App* report = app.add_subcommand("report", "Write a reproduction report");
  report->add_option("manifest", options->manifest, "Manifest file")->required();
  report
      ->add_option("--format", options->format,
                   "md, html (one self-contained file), pdf (the HTML printed by headless Chromium), json, latex "
                   "(booktabs) or junit")
      ->check(CLI::IsMember({"md", "html", "pdf", "json", "latex", "junit"}))
      ->capture_default_str();
  report->add_option("-o,--output", options->output, "Output file (default: standard output)");
  AddCommonOptions(*report, options->common);
  AddSelection(*report, options->common);
  report->callback([&invocation, options] {
    invocation.end = Report(invocation.console, options->manifest, options->common, options->format, options->output);
  });
}

}  // namespace repro::cli
