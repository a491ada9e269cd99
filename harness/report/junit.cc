// The JUnit XML renderer: one test case per claim, for CI systems.
#include <fmt/format.h>

#include "harness/report/escape.h"
#include "harness/report/render.h"

namespace repro {
namespace {

// Every string from the manifest or the store goes through X(), which also replaces the
// characters XML 1.0 forbids.
std::string X(const std::string& text) { return HtmlText(text); }

}  // namespace

std::string RenderJunit(const Evaluation& evaluation) {
  const Manifest& m = *evaluation.manifest;
  int failures = 0, skipped = 0;
  for (const ClaimEvaluation& c : evaluation.claims) {
    if (c.verdict.kind == VerdictKind::kPending)
      ++skipped;
    else if (!IsSuccess(c.verdict.kind))
      ++failures;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(R"(<testsuites name="repro" tests="{0}" failures="{1}" skipped="{2}">)"
                     "\n"
                     R"(<testsuite name="{3}" tests="{0}" failures="{1}" skipped="{2}">)"
                     "\n",
                     evaluation.claims.size(), failures, skipped, X(m.paper.title));
  // Deviations and setup as suite properties: a CI reader sees what ran besides the released code.
  if (!evaluation.deviations.empty() || !evaluation.SetupLine().empty()) {
    out += "  <properties>\n";
    for (const std::string& deviation : evaluation.deviations)
      out += fmt::format(R"(    <property name="deviation" value="{}"/>)"
                         "\n",
                         X(deviation));
    if (std::string setup = evaluation.SetupLine(); !setup.empty())
      out += fmt::format(R"(    <property name="setup" value="{}"/>)"
                         "\n",
                         X(setup));
    out += "  </properties>\n";
  }
  for (const ClaimEvaluation& c : evaluation.claims) {
    double seconds = c.compute.wall_seconds;
    out += fmt::format(R"(  <testcase classname="{}" name="{}" time="{:.3f}">)", X(m.path.stem().string()),
                       X(c.claim->id), seconds);
    std::string message = fmt::format("{}: {}", VerdictName(c.verdict.kind), c.verdict.reason);
    if (c.verdict.kind == VerdictKind::kPending) {
      out += fmt::format(R"(<skipped message="{}"/>)", X(message));
    } else if (!IsSuccess(c.verdict.kind)) {
      out += fmt::format(R"(<failure type="{}" message="{}">{}</failure>)", X(VerdictName(c.verdict.kind)), X(message),
                         X(message));
    } else {
      out += fmt::format("<system-out>{}</system-out>", X(message));
    }
    out += "</testcase>\n";
  }
  return out + "</testsuite>\n</testsuites>\n";
}

}  // namespace repro
