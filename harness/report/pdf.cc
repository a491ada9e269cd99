#include "harness/report/pdf.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <vector>

#include "harness/exec/command.h"
#include "harness/exec/environment.h"
#include "harness/util/atomic_file.h"
#include "harness/util/private_folder.h"
#include "harness/util/read_file.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

bool Executable(const fs::path& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0 && !fs::is_directory(path);
}

// The last lines Chromium printed, for an error message (its log is long and mostly noise).
std::string Tail(const fs::path& log) {
  std::string out;
  for (const std::string& line : LastLines(log, 3)) out += (out.empty() ? "" : " | ") + line;
  return out.empty() ? "no output" : out;
}

std::vector<std::string> ChromiumArgv(const fs::path& chromium, const fs::path& folder) {
  std::vector<std::string> argv = {chromium.string(), "--headless", "--disable-gpu", "--no-first-run",
                                   "--no-default-browser-check", "--disable-background-networking",
                                   "--disable-component-update", "--disable-sync", "--disable-extensions",
                                   "--user-data-dir=" + (folder / "profile").string(),
                                   // No network: every host resolves to nothing, any proxy goes nowhere.
                                   "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                                   // The page's @page margin boxes carry the title and page numbers, not Chromium's.
                                   "--no-pdf-header-footer", "--print-to-pdf=" + (folder / "report.pdf").string()};
  // Chromium's sandbox refuses to start as root; as anyone else it stays on.
  if (::geteuid() == 0) argv.push_back("--no-sandbox");
  argv.push_back("file://" + (folder / "report.html").string());
  return argv;
}

}  // namespace

fs::path FindChromium(const PdfOptions& options) {
  if (!options.chromium.empty()) return Executable(options.chromium) ? options.chromium : fs::path();
  if (const char* chosen = std::getenv("REPRO_CHROMIUM"); chosen != nullptr && *chosen != '\0') {
    return Executable(chosen) ? fs::path(chosen) : fs::path();
  }
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    if (std::optional<fs::path> found = FindOnPath(name, OwnPath())) return *found;
  }
  return {};
}

Result<std::string> RenderPdf(const std::string& html, const PdfOptions& options) {
  fs::path chromium = FindChromium(options);
  if (chromium.empty()) {
    return Error{
        "cannot make a PDF: no Chromium found (looked for $REPRO_CHROMIUM, then chromium, chromium-browser and "
        "google-chrome on PATH); install Debian's package 'chromium' (sudo apt-get install chromium, or "
        "scripts/install-deps), or write --format html and print it from a browser"};
  }
  PrivateFolder folder("repro-pdf");
  if (folder.path().empty())
    return Error{fmt::format("cannot create a folder in {}", fs::temp_directory_path().string())};
  if (Status written = WriteFileAtomically(folder.path() / "report.html", html, /*durable=*/false); !written)
    return Error{written.error()};
  Command command;
  command.argv = ChromiumArgv(chromium, folder.path());
  command.cwd = folder.path();
  command.env = BuildChildEnvironment({{"HOME", folder.path().string()}}, {});
  command.log_dir = folder.path();
  command.log_name = "chromium";
  command.timeout_seconds = options.timeout_seconds;
  fs::path stderr_log = folder.path() / "chromium.stderr.log";
  CommandResult run = RunCommand(command);
  const ProcessResult& result = run.process;
  if (!run.succeeded()) {
    std::string how = result.end == ProcessEnd::kTimedOut
                          ? fmt::format("did not finish in {:g} s", options.timeout_seconds)
                      : result.exit_code ? fmt::format("exited with {}", *result.exit_code)
                                         : std::string(ProcessEndName(result.end));
    return Error{fmt::format("{} could not print the report to PDF: it {}: {}", chromium.string(), how,
                             result.message.empty() ? Tail(stderr_log) : result.message)};
  }
  Result<std::string> pdf = ReadFile(folder.path() / "report.pdf");
  if (!pdf || pdf->rfind("%PDF-", 0) != 0) {
    return Error{fmt::format("{} wrote no PDF: {}", chromium.string(), Tail(stderr_log))};
  }
  return pdf;
}

}  // namespace repro
