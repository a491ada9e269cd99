// Reports and terminal output built from hostile input (issue #13): a manifest or released
// code that prints or writes anything must not add a link, a heading, markup or a LaTeX
// command to a report, break its XML or JSON, drive the terminal, or get a file that is not
// its own log read into a report.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/cli/progress.h"
#include "harness/report/escape.h"
#include "harness/report/render.h"
#include "harness/report/svg.h"
#include "harness/util/hash.h"
#include "harness/util/regular_file.h"
#include "harness/util/text.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

// An evaluation built by hand, as in tests/unit/report/render_test.cc, whose every string a
// test can make hostile.
class HostileReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    manifest_.path = "paper.yaml";
    manifest_.sha256 = std::string(64, 'a');
    manifest_.paper.title = "A paper";
    manifest_.source.path = "/code";
    claim_.id = "table1/mlp";
    claim_.experiment = "mlp";
    claim_.metric = "acc";
    claim_.reported = *ParseReported("68");
    evaluation_.manifest = &manifest_;
    evaluation_.source_description = "/code (tree sha256 abc)";
  }

  // Adds the claim with a verdict, and one unfinished run whose folder is "dir".
  void Finish(const std::string& reason, const std::string& dir = "/r/mlp/a1") {
    ClaimEvaluation c;
    c.claim = &claim_;
    c.verdict.claim_id = claim_.id;
    c.verdict.kind = VerdictKind::kNotReproduced;
    c.verdict.summary = Summarize({64, 65, 66});
    c.verdict.measured = "65 ± 1 (n=3)";
    c.verdict.reason = reason;
    RunEvidence run;
    run.label = "mlp seed=0";
    run.value = 65;
    c.runs.push_back(run);
    evaluation_.claims.push_back(c);
    RunEvidence failed;
    failed.label = "mlp seed=3";
    failed.state = RunEvidence::State::kUnfinished;
    failed.status = AttemptStatus::kFailed;
    failed.exit_code = 1;
    failed.dir = dir;
    evaluation_.unfinished_runs.push_back(failed);
  }

  Manifest manifest_;
  Claim claim_;
  Evaluation evaluation_;
};

// Whether "text" holds "what" other than right after a backslash (which makes it text).
bool HasUnescaped(const std::string& text, const std::string& what) {
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    if (at == 0 || text[at - 1] != '\\') return true;
  }
  return false;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(HostileText, VisibleTextShowsEveryControlAndCutsNothing) {
  EXPECT_EQ(VisibleText("a\x1b[31mred"), "a\\x1b[31mred");
  EXPECT_EQ(VisibleText("before\0after"s), "before\\x00after") << "a NUL cuts nothing";
  EXPECT_EQ(VisibleText("bell\a\r\n\t\x7f"), "bell\\x07\\x0d\\x0a\\x09\\x7f");
  EXPECT_EQ(VisibleText("\xc2\x9b"
                        "2J"),
            "\\u009b2J")
      << "C1 CSI as UTF-8";
  EXPECT_EQ(VisibleText("\xff\xc0\xaf"
                        "x"),
            "\\xff\\xc0\\xafx")
      << "not UTF-8, an overlong '/'";
  EXPECT_EQ(VisibleText("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "a surrogate is not UTF-8";
  EXPECT_EQ(VisibleText("abc\xe2\x80\xae"
                        "fed"),
            "abc\\u202efed")
      << "a bidi override";
  EXPECT_EQ(VisibleText("café ± Δ 日本"), "café ± Δ 日本");
  EXPECT_EQ(VisibleText("a\nb\tc\r", Layout::kLines), "a\nb\tc\\x0d");
  EXPECT_EQ(VisibleText("a\nb\tc\r", Layout::kOneLine), "a b c ");
}

TEST_F(HostileReportTest, HtmlLinksOnlyWebUrlsAndShowsTheRestAsText) {
  Finish("r");
  manifest_.paper.url = "javascript:alert(7)";
  std::string html = RenderHtml(evaluation_);
  EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos) << html;
  EXPECT_NE(html.find(" · javascript:alert(7)</p>"), std::string::npos) << "shown as text";
  manifest_.paper.url = "JaVaScRiPt:alert(7)";
  EXPECT_EQ(RenderHtml(evaluation_).find("href=\"JaVaScRiPt:"), std::string::npos);
  manifest_.paper.url = "https://example.org/\" onmouseover=\"alert(7)";
  html = RenderHtml(evaluation_);
  EXPECT_EQ(html.find("onmouseover=\"alert"), std::string::npos) << "a quote cannot leave the attribute";
  manifest_.paper.url = "https://example.org/paper?a=1&b=2";
  EXPECT_NE(RenderHtml(evaluation_).find(R"(<a href="https://example.org/paper?a=1&amp;b=2">)"), std::string::npos);

  manifest_.paper.url = "javascript:alert(7)";
  std::string md = RenderMarkdown(evaluation_);
  EXPECT_EQ(md.find("<javascript:"), std::string::npos) << md;
  EXPECT_EQ(md.find("](javascript:"), std::string::npos) << md;
  EXPECT_NE(md.find("javascript:alert(7)"), std::string::npos) << "still shown";
}

TEST_F(HostileReportTest, HtmlEscapesEveryStringInTextAttributesAndSvg) {
  claim_.id = "x\"><script>alert(1)</script>";
  claim_.source = "<img src=x onerror=alert(2)>";
  manifest_.paper.title = "</title><script>alert(3)</script>";
  manifest_.paper.authors = {"<style>body{display:none}</style>"};
  manifest_.paper.arxiv = "1\"><script>alert(4)</script>";
  manifest_.tables.push_back(
      {"t\"><svg onload=alert(5)>", "<b>cap</b>", {"<i>col</i>"}, {{"<u>row</u>", {claim_.id}}}, 1});
  Finish("reason </p><script>alert(6)</script>");
  evaluation_.series[claim_.id].push_back(
      {"run <script>alert(7)</script>", "</title><script>m</script>", {{0, 1}, {1, 2}}, ""});
  evaluation_.claims[0].runs[0].label = "seed </title><script>alert(8)</script>";
  std::string html = RenderHtml(evaluation_);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<svg onload"), std::string::npos);
  EXPECT_EQ(html.find("<style>body"), std::string::npos) << "the only <style> is repro's own";
  EXPECT_EQ(html.find("<b>cap"), std::string::npos);
  EXPECT_NE(html.find(R"(<a href="#claim-x&quot;&gt;&lt;script&gt;)"), std::string::npos)
      << "an attribute keeps its quotes";
  EXPECT_NE(html.find("&lt;script&gt;alert(7)&lt;/script&gt;"), std::string::npos)
      << "the SVG legend shows the label as text";
}

TEST_F(HostileReportTest, HtmlReadsNoLogThatIsNotARegularFile) {
  ScopedTempDir dir;
  WriteText(dir / "secret", "SECRET-7c1f\n");
  fs::create_directories(dir / "attempt");
  fs::create_symlink(dir / "secret", dir / "attempt/stderr.log");
  ASSERT_EQ(::mkfifo((dir / "attempt/stdout.log").c_str(), 0600), 0);
  Finish("r", (dir / "attempt").string());
  auto start = std::chrono::steady_clock::now();
  std::string html = RenderHtml(evaluation_);
  EXPECT_EQ(html.find("SECRET-7c1f"), std::string::npos) << "a symlinked stderr.log is not followed";
  EXPECT_EQ(HashOfRegularFile(dir / "attempt/stderr.log"), "unreadable");
  EXPECT_EQ(HashOfRegularFile(dir / "attempt/stdout.log"), "unreadable") << "a FIFO is not opened for reading";
  EXPECT_TRUE(LastLinesOfRegularFile(dir / "attempt/stdout.log", 5).empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "nothing waits for a FIFO's writer";
  EXPECT_EQ(HashOfRegularFile(dir / "attempt/none"), "missing");
  EXPECT_EQ(HashOfRegularFile(dir / "secret"), Sha256Hex("SECRET-7c1f\n"));

  fs::remove(dir / "attempt/stderr.log");
  WriteText(dir / "attempt/stderr.log", "boom \x1b]0;pwned\x07 <b>bold</b>\n");
  html = RenderHtml(evaluation_);
  EXPECT_NE(html.find("<pre>boom \\x1b]0;pwned\\x07 &lt;b&gt;bold&lt;/b&gt;</pre>"), std::string::npos) << html;
}

TEST_F(HostileReportTest, LatexLineBreakInTitleStartsNoLiveLine) {
  manifest_.tables.push_back({"t1", "cap", {"c"}, {{"r", {claim_.id}}}, 1});
  Finish("r");
  size_t benign_lines = Lines(RenderLatex(evaluation_)).size();
  manifest_.paper.title = "T\n\\input{/etc/passwd}\r\\immediate\\write18{id}\n";
  manifest_.tables[0] = {
      "t1\n\\input{/etc/passwd}", "cap\n\\write18{id}", {"c\n\\input{x}"}, {{"r\n\\input{y}", {claim_.id}}}, 1};
  std::string tex = RenderLatex(evaluation_);
  EXPECT_EQ(tex.find("\\input{"), std::string::npos) << tex;
  EXPECT_EQ(tex.find("\\write18"), std::string::npos) << tex;
  EXPECT_EQ(tex.find('\r'), std::string::npos);
  std::vector<std::string> lines = Lines(tex);
  EXPECT_EQ(lines.size(), benign_lines) << "a line break in an input adds no line: " << tex;
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0],
            "% Reproduction of \"T \\textbackslash{}input\\{/etc/passwd\\} "
            "\\textbackslash{}immediate\\textbackslash{}write18\\{id\\} \" "
            "by repro " REPRO_VERSION " (manifest sha256 " +
                std::string(64, 'a') + ").");
}

TEST_F(HostileReportTest, JunitStaysWellFormedXmlWhateverTheTitleHolds) {
  manifest_.paper.title = "esc\x1b[31m nul\0 bell\a ff\f bad\xff bom\xef\xbf\xbe ]]> <x>"s;
  claim_.id = "id\x01\x02";
  Finish("reason\x1b[2J & \"quoted\"");
  std::string xml = RenderJunit(evaluation_);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  EXPECT_EQ(xml.find('\0'), std::string::npos);
  EXPECT_NE(xml.find("esc\\x1b[31m nul\\x00 bell\\x07 ff\\x0c bad\\xff bom\\ufffe ]]&gt; &lt;x&gt;"), std::string::npos)
      << xml;

  bool has_xmllint = ::access("/usr/bin/xmllint", X_OK) == 0;
  REPRO_REQUIRE(has_xmllint, "xmllint (Debian package libxml2-utils) to check the JUnit report is well-formed XML");
  ScopedTempDir dir;
  WriteText(dir / "junit.xml", xml);
  ProcessSpec spec;
  spec.argv = {"/usr/bin/xmllint", "--noout", (dir / "junit.xml").string()};
  spec.cwd = dir.path();
  spec.env = BuildChildEnvironment({}, {});
  spec.stdout_path = dir / "out";
  spec.stderr_path = dir / "err";
  spec.timeout_seconds = 60;
  ProcessResult checked = RunProcess(spec);
  EXPECT_EQ(checked.exit_code, 0) << ReadText(dir / "err");
}

TEST_F(HostileReportTest, MarkdownShowsEveryStringAsTextOnItsLine) {
  manifest_.paper.title = "T\n# Injected heading\n<img src=x onerror=alert(1)>";
  manifest_.paper.authors = {"<script>alert(2)</script>", "**Bold** _it_"};
  manifest_.paper.venue = "[click](javascript:alert(3))";
  manifest_.paper.doi = "10.1/x) [y](javascript:alert(4)";
  claim_.source = "row | with pipe\n## Injected too";
  manifest_.tables.push_back(
      {"t1", "cap\n## caption heading", {"c|d", "`code`"}, {{"![img](http://e/x.png)", {claim_.id, ""}}}, 1});
  Finish("reason\n# reason heading <b>");
  std::string md = RenderMarkdown(evaluation_);
  std::vector<std::string> headings;
  for (const std::string& line : Lines(md)) {
    if (line.rfind('#', 0) == 0) headings.push_back(line);
  }
  EXPECT_EQ(headings,
            (std::vector<std::string>{"# Reproduction report: T # Injected heading &lt;img src=x onerror=alert(1)>",
                                      "## Claims", "### t1: cap ## caption heading", "### Reasons", "## For reviewers",
                                      "## Runs that did not finish", "## Environment"}))
      << md;
  EXPECT_EQ(md.find("<img"), std::string::npos);
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_EQ(md.find("<b>"), std::string::npos);
  EXPECT_FALSE(HasUnescaped(md, "](javascript:")) << md;
  EXPECT_FALSE(HasUnescaped(md, "](http://e/x.png)")) << "no image: " << md;
  EXPECT_EQ(md.find("**Bold**"), std::string::npos) << "emphasis is escaped";
  EXPECT_NE(md.find("| row \\| with pipe ## Injected too |"), std::string::npos) << md;
  EXPECT_NE(md.find("| c\\|d |"), std::string::npos) << md;
  EXPECT_NE(md.find("(https://doi.org/10.1/x%29%20%5By%5D%28javascript:alert%284%29)"), std::string::npos)
      << "the link target repro builds is percent-encoded: " << md;
}

TEST_F(HostileReportTest, JsonSurvivesBytesThatAreNotUtf8) {
  Finish("reason \xff\xfe");
  evaluation_.unfinished_runs[0].message = "log said \xc3\x28 and \x1b[2J";
  std::string json;
  ASSERT_NO_THROW(json = RenderJson(evaluation_));
  nlohmann::json parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed["claims"][0]["reason"], "reason \xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(parsed["unfinished_runs"][0]["message"], "log said \xef\xbf\xbd( and \x1b[2J")
      << "JSON escapes the ESC itself";
  EXPECT_EQ(json.find('\x1b'), std::string::npos);
  ASSERT_NO_THROW(ClaimJsonText(evaluation_.claims[0]));
}

TEST_F(HostileReportTest, TerminalShowsEscapeSequencesAndNulsVisibly) {
  claim_.id = "id\x1b[31m";
  claim_.source = "src\x1b]0;title\x07";
  Finish("reason \x1b[2J with\0 the rest"s);
  std::string out = RenderTerminal(evaluation_, /*color=*/false);
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(out.find('\a'), std::string::npos);
  EXPECT_NE(out.find("id\\x1b[31m: reason \\x1b[2J with\\x00 the rest\n"), std::string::npos) << out;
  EXPECT_NE(out.find("src\\x1b]0;title\\x07"), std::string::npos) << out;
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  std::string colored = RenderTerminal(evaluation_, /*color=*/true);
  EXPECT_EQ(colored.find("\x1b[31m:"), std::string::npos) << "only repro's own colours are sent";
}

TEST(HostileProgress, StderrTailAndLabelsArePrintedVisiblyAndWhole) {
  std::ostringstream out;
  {
    cli::ProgressPrinter printer(out, /*smart=*/false, cli::Verbosity::kNormal);
    printer(ProgressEvent::Finished("[1/1] lr=\x1b[31m: failed (exit 1)", "lr=\x1b[31m", /*failed=*/true,
                                    "  last lines of stderr:\n    | a\x1b[2Jb\0the rest\r\n  logs: /r"s));
    printer(ProgressEvent::Note("note \x1b]0;x\x07"));
  }
  std::string text = out.str();
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(text.find('\0'), std::string::npos);
  EXPECT_EQ(
      text,
      "[1/1] lr=\\x1b[31m: failed (exit 1)\n  last lines of stderr:\n    | a\\x1b[2Jb\\x00the rest\\x0d\n  logs: /r\n"
      "note \\x1b]0;x\\x07\n");
  ProgressEvent event = ProgressEvent::Started("lr=\x1b[2J", "cmd");
  EXPECT_EQ(cli::ProgressPrinter::StatusLine(event), "[0/0, running 0] lr=\\x1b[2J");
}

// A manifest whose experiment "e" runs train.sh with the parameter p = "value" (YAML text).
std::string Manifest(const std::string& value) {
  return "paper: {title: \"Hostile\"}\n"
         "source: {path: code}\n"
         "defaults: {timeout: 30s, seeds: [0], deterministic: true}\n"
         "experiments:\n"
         "  - id: e\n"
         "    command: [/bin/sh, train.sh, \"{p}\"]\n"
         "    params: {p: [" +
         value +
         "]}\n"
         "    metrics: {acc: {stdout: 'acc=(?<value>\\S+)'}}\n"
         "claims:\n"
         "  - {id: c, experiment: e, metric: acc, reported: \"0.9\"}\n";
}

// The CLI end to end: a child whose stderr holds escapes and a NUL fails; what repro run
// prints shows its tail whole, and sends no escape.
TEST(HostileCli, RunPrintsAChildsStderrTailVisiblyAndWhole) {
  ScopedTempDir dir;
  WriteText(dir / "code/train.sh", "printf 'bad\\033[2J\\000rest\\n' >&2\nexit 1\n");
  WriteText(dir / "paper.yaml", Manifest("\"1\""));
  testing::CommandResult run = RunRepro({"run", "paper.yaml", "--isolation", "none"}, dir.path());
  EXPECT_EQ(run.err.find('\x1b'), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find('\x1b'), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("| bad\\x1b[2J\\x00rest\n"), std::string::npos) << "the tail is shown whole: " << run.err;
}

// A parameter value with a C1 CSI (ESC [ to an 8-bit terminal) and a bidi override, which
// a manifest may carry (its parser refuses C0 controls only): repro plan and run show both
// and send neither.
TEST(HostileCli, PlanAndRunPrintParameterValuesVisibly) {
  ScopedTempDir dir;
  WriteText(dir / "code/train.sh", "echo acc=0.9\n");
  WriteText(dir / "paper.yaml", Manifest("\"\\u009b31mred\\u202Eevil\""));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"plan", "paper.yaml"},
        std::vector<std::string>{"run", "paper.yaml", "--isolation", "none", "-v"}}) {
    testing::CommandResult result = RunRepro(args, dir.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::string all = result.out + result.err;
    EXPECT_EQ(all.find("\xc2\x9b"), std::string::npos) << all;
    EXPECT_EQ(all.find("\xe2\x80\xae"), std::string::npos) << all;
    EXPECT_NE(all.find("p=\\u009b31mred\\u202eevil"), std::string::npos) << all;
  }
}

}  // namespace
}  // namespace repro
