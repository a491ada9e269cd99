// repro report: a reproduction report in one of several formats, on stdout or in a file.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <set>

#include "harness/cli/flags.h"
#include "harness/cli/loading.h"
#include "harness/report/ledger.h"
#include "harness/report/pdf.h"
#include "harness/report/render.h"
#include "harness/runner/runner.h"
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

// --results and --db with "{manifest}" as the manifest's results folder name, so a ledger reads
// manifests whose runs went to folders of their own.
CommonOptions OptionsFor(const CommonOptions& common, const Manifest& manifest) {
  auto named = [name = ManifestFolderName(manifest)](std::string path) {
    for (size_t at = path.find("{manifest}"); at != std::string::npos; at = path.find("{manifest}", at + name.size()))
      path.replace(at, std::string("{manifest}").size(), name);
    return std::filesystem::path(path);
  };
  CommonOptions own = common;
  own.results_dir = named(common.results_dir.string());
  if (common.db) own.db = named(common.db->string());
  return own;
}

// "repro: no database at x\n" as "no database at x", for a ledger's cell.
std::string Reason(const CliError& error) {
  std::string text = error.text;
  if (text.starts_with("repro: ")) text.erase(0, 7);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// The manifest as a link from "folder" (where the ledger is written), else as given.
std::string LinkFrom(const std::optional<std::filesystem::path>& folder, const std::string& manifest) {
  if (!folder) return manifest;
  std::error_code ec;
  std::filesystem::path relative =
      std::filesystem::relative(std::filesystem::absolute(manifest), std::filesystem::absolute(*folder), ec);
  return ec || relative.empty() ? manifest : relative.string();
}

// A manifest's own report file name in an HTML ledger, unique among the ledger's.
std::string ReportFileName(const Manifest& manifest, std::set<std::string>& taken) {
  std::string base = ManifestFolderName(manifest), name = base + ".html";
  for (int n = 2; !taken.insert(name).second; ++n) name = fmt::format("{}-{}.html", base, n);
  return name;
}

}  // namespace

ExitCode ReportIndex(const Console& console, const std::vector<std::string>& manifests, const CommonOptions& common,
                     const std::string& format, const std::optional<std::filesystem::path>& output) {
  bool html = format == "html";
  if (!html && format != "md") return CliError::BadInput("--index writes md or html, not " + format);
  if (html && (!output || output->string() == "-"))
    return CliError::BadInput("an HTML ledger is a folder of pages: give -o FOLDER");
  std::optional<std::filesystem::path> folder;
  if (html) folder = *output;
  if (!html && output && output->string() != "-") folder = std::filesystem::absolute(*output).parent_path();
  if (html) {
    std::error_code ec;
    std::filesystem::create_directories(*folder, ec);
    if (ec) return CliError::Harness(fmt::format("cannot make {}: {}", folder->string(), ec.message()));
  }
  std::vector<std::unique_ptr<Evaluated>> evaluated;  // the entries point into them
  std::vector<LedgerEntry> entries;
  std::set<std::string> report_names;
  for (const std::string& path : manifests) {
    CliResult<Loaded> loaded = LoadAndPlan(console, path, &common);
    if (!loaded) return loaded.error();
    CommonOptions own = OptionsFor(common, loaded->manifest);
    LedgerEntry entry;
    entry.manifest = LinkFrom(folder, path);
    CliResult<std::unique_ptr<Store>> store = OpenStore(own, StoreAccess::kReadOnly);
    if (!store) {
      entry.problem = Reason(store.error());
      entries.push_back(std::move(entry));
      continue;
    }
    auto one = std::make_unique<Evaluated>(Evaluated{std::move(*loaded), std::move(*store), {}});
    Result<Evaluation> evaluation = EvaluateLoaded(one->loaded, *one->store, html ? Detail::kCharts : Detail::kReport);
    if (!evaluation) return CliError::Harness(evaluation.error());
    one->evaluation = std::move(evaluation).value();
    entry.evaluation = &one->evaluation;
    if (html) {
      entry.report = ReportFileName(one->loaded.manifest, report_names);
      if (Status written = WriteFileAtomically(*folder / entry.report, RenderHtml(one->evaluation)); !written)
        return CliError::Harness(written.error());
    }
    evaluated.push_back(std::move(one));
    entries.push_back(std::move(entry));
  }
  std::string text = html ? RenderLedgerHtml(entries) : RenderLedgerMarkdown(entries);
  std::filesystem::path written_to = html ? *folder / "index.html" : output.value_or("-");
  if (written_to == "-") {
    console.out << text;
    return kExitAllReproduced;
  }
  if (Status written = WriteFileAtomically(written_to, text); !written) return CliError::Harness(written.error());
  console.notes() << fmt::format("ledger of {} manifest(s) written to {}\n", manifests.size(), written_to.string());
  return kExitAllReproduced;
}

ExitCode Report(const Console& console, const std::string& manifest_path, const CommonOptions& common,
                const std::string& format, const std::optional<std::filesystem::path>& output) {
  bool charts = format == "html" || format == "pdf";
  CliResult<std::unique_ptr<Evaluated>> evaluated =
      LoadAndEvaluate(console, manifest_path, common, charts ? Detail::kCharts : Detail::kReport);
  if (!evaluated) return evaluated.error();
  const Evaluated& e = **evaluated;
  bool to_stdout = !output || output->string() == "-";
  if (format == "pdf" && to_stdout && console.out_is_terminal)
    return CliError::BadInput("a PDF is not for a terminal: give -o FILE.pdf");
  SayIfCodeChanged(console, e.loaded, e.evaluation, *e.store, common.max_runs);
  Result<std::string> text = Render(e.evaluation, format);
  if (!text) return CliError::Harness(text.error());
  if (to_stdout) {
    console.out << *text;
    return kExitAllReproduced;
  }
  if (Status written = WriteFileAtomically(*output, *text); !written) return CliError::Harness(written.error());
  console.notes() << fmt::format("report written to {}\n", output->string());
  return kExitAllReproduced;
}

void AddReportCommand(CLI::App& app, Invocation& invocation) {
  struct Options {
    std::vector<std::string> manifests;
    CommonOptions common;
    std::string format = "md";
    std::optional<std::filesystem::path> output;
    bool index = false;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* report = app.add_subcommand("report", "Write a reproduction report");
  report->add_option("manifest", options->manifests, "Manifest file (several with --index)")->required();
  report->add_flag("--index", options->index,
                   "A ledger of several manifests: one row each (verdict counts, time, date, repro version), as a "
                   "Markdown table or, with --format html -o FOLDER, an index.html linking each one's HTML report. "
                   "\"{manifest}\" in --results or --db stands for each manifest's results folder name");
  report
      ->add_option("--format", options->format,
                   "md, html (one self-contained file), pdf (the HTML printed by headless Chromium), json, latex "
                   "(booktabs) or junit")
      ->check(CLI::IsMember({"md", "html", "pdf", "json", "latex", "junit"}))
      ->capture_default_str();
  report->add_option("-o,--output", options->output, "Output file (default: standard output)");
  AddQuiet(*report, options->quiet, "the report");
  AddCommonOptions(*report, options->common);
  AddSelection(*report, options->common);
  report->callback([&invocation, options] {
    Console console = Quieted(invocation.console, options->quiet);
    if (options->index) {
      invocation.end = ReportIndex(console, options->manifests, options->common, options->format, options->output);
      return;
    }
    if (options->manifests.size() > 1) {
      invocation.end = CliError::BadInput("report takes one manifest; give --index for a ledger of several");
      return;
    }
    invocation.end = Report(console, options->manifests.front(), options->common, options->format, options->output);
  });
}

}  // namespace repro::cli
