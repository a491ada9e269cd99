// The PDF report, for reviews that travel as attachments: the print HTML (RenderHtml with
// for_print) rendered by headless Chromium's print to PDF, which honours the report's @page
// rules (A4, the paper's title at the top of each page, page numbers at the bottom).
// Chromium runs as a child with a timeout, a fresh profile in a private temporary folder and
// no network (the HTML is self-contained; every host name resolves to nothing).
#pragma once

#include <filesystem>
#include <string>

#include "harness/util/result.h"

namespace repro {

struct PdfOptions {
  // Empty: $REPRO_CHROMIUM, else chromium, chromium-browser or google-chrome on PATH.
  std::filesystem::path chromium;
  double timeout_seconds = 120;
};

// The PDF's bytes. An error names what went wrong and what to do: no Chromium (install
// Debian's package "chromium"), a time-out, or Chromium's own last lines of output.
Result<std::string> RenderPdf(const std::string& html, const PdfOptions& options = {});

// The Chromium repro would start: "options.chromium", $REPRO_CHROMIUM or the first of the
// usual names found on PATH; empty when there is none.
std::filesystem::path FindChromium(const PdfOptions& options = {});

}  // namespace repro
