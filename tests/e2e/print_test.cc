// The report a reviewer prints or attaches (issue #18), for the toy paper and for MNIST-1D's
// results (replayed by tests/fixtures/mnist1d-replay): the HTML in headless Chromium, whose
// DOM must show a legend, axis titles and round tick values in every chart and the
// environment as a table; and `repro report --format pdf`, whose pages (pdfinfo, pdftotext)
// carry the title and page numbers and never split a claim's heading, reason and chart.
// Screenshots of the HTML (Chromium) and the PDF's first page (pdftoppm) go to
// <build>/test-output for a person.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;

ProcessResult RunTool(std::vector<std::string> argv, const fs::path& dir, const std::string& name,
                      double timeout = 120) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.cwd = dir;
  spec.env = BuildChildEnvironment({{"HOME", dir.string()}}, {});
  spec.stdout_path = dir / (name + ".out");
  spec.stderr_path = dir / (name + ".err");
  spec.timeout_seconds = timeout;
  return RunProcess(spec);
}

std::vector<std::string> Chromium(const fs::path& work) {
  return {"/usr/bin/chromium",
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--user-data-dir=" + (work / "profile").string(),
          "--host-resolver-rules=MAP * ~NOTFOUND",
          "--proxy-server=127.0.0.1:9"};
}

// Whitespace (line breaks of a PDF's text) as single spaces, so a sentence is found whole.
std::string Squeezed(const std::string& text) { return std::regex_replace(text, std::regex(R"(\s+)"), " "); }

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The labels of the ticks on the y axis of the chart that starts at "at".
std::vector<double> YTicks(const std::string& dom, size_t at) {
  size_t from = dom.find("<g class=\"y-axis\">", at), to = dom.find("</g>", from);
  std::vector<double> ticks;
  if (from == std::string::npos) return ticks;
  std::string axis = dom.substr(from, to - from);
  static const std::regex kTick(R"re(class="tick">([^<]*)</text>)re");
  for (auto it = std::sregex_iterator(axis.begin(), axis.end(), kTick); it != std::sregex_iterator(); ++it)
    ticks.push_back(std::stod((*it)[1]));
  return ticks;
}

// A word of a PDF page, as `pdftotext -bbox` places it.
struct Word {
  double x, y;
  std::string text;
};
std::vector<std::vector<Word>> WordsByPage(const std::string& bbox) {
  std::vector<std::vector<Word>> pages;
  static const std::regex kItem(R"re(<page |<word xMin="([0-9.]+)" yMin="([0-9.]+)"[^>]*>([^<]*)</word>)re");
  for (auto it = std::sregex_iterator(bbox.begin(), bbox.end(), kItem); it != std::sregex_iterator(); ++it) {
    if ((*it)[1].length() == 0) {
      pages.emplace_back();
    } else if (!pages.empty()) {
      std::string text = std::regex_replace(std::string((*it)[3]), std::regex("&apos;"), "'");
      text = std::regex_replace(std::regex_replace(text, std::regex("&quot;"), "\""), std::regex("&amp;"), "&");
      pages.back().push_back({std::stod((*it)[1]), std::stod((*it)[2]), text});
    }
  }
  return pages;
}

// How many lines "cell" (its words in order) takes among "words", found in the column from
// x_low to x_high; 0 when it is not there.
int LinesOfCell(const std::vector<Word>& words, double x_low, double x_high, const std::string& cell) {
  std::vector<std::string> wanted;
  std::istringstream in(cell);
  for (std::string word; in >> word;) wanted.push_back(word);
  std::vector<const Word*> column;
  for (const Word& word : words) {
    if (word.x >= x_low - 1 && word.x < x_high - 1) column.push_back(&word);
  }
  for (size_t start = 0; start + wanted.size() <= column.size(); ++start) {
    bool match = true;
    for (size_t i = 0; i < wanted.size() && match; ++i) match = column[start + i]->text == wanted[i];
    if (!match) continue;
    std::set<long> lines;
    for (size_t i = 0; i < wanted.size(); ++i) lines.insert(std::lround(column[start + i]->y));
    return static_cast<int>(lines.size());
  }
  return 0;
}

struct Paper {
  std::string fixture, manifest;
};

class PrintTest : public ::testing::TestWithParam<Paper> {
 protected:
  void SetUp() override {
    fs::copy(fs::path(REPRO_SOURCE_DIR) / "tests/fixtures" / GetParam().fixture, dir_.path(),
             fs::copy_options::recursive);
    testing::CommandResult run = RunRepro({"run", GetParam().manifest, "-j", "2"}, dir_.path());
    ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.err;
  }

  std::string Report(const std::string& format, const fs::path& output) {
    testing::CommandResult report =
        RunRepro({"report", GetParam().manifest, "--format", format, "-o", output.string()}, dir_.path());
    EXPECT_EQ(report.exit_code, 0) << report.err;
    return ReadText(output);
  }

  struct ClaimText {
    std::string id, reason, verdict, source;
  };
  // Each claim's id, reason, verdict and place in the paper, from the JSON report.
  std::vector<ClaimText> Claims() {
    nlohmann::json report = nlohmann::json::parse(Report("json", dir_ / "report.json"));
    std::vector<ClaimText> claims;
    for (const nlohmann::json& claim : report["claims"])
      claims.push_back({claim["id"], claim["reason"], claim["verdict"],
                        claim["source"].is_string() ? claim["source"].get<std::string>() : ""});
    return claims;
  }

  fs::path Shots() {
    fs::path shots = fs::path(REPRO_BINARY).parent_path() / "test-output";
    fs::create_directories(shots);
    return shots;
  }

  ScopedTempDir dir_;
};

TEST_P(PrintTest, EveryChartHasALegendAxisTitlesAndRoundTicksAndTheEnvironmentIsATable) {
  REPRO_REQUIRE(fs::exists("/usr/bin/chromium"), "Debian's chromium (scripts/install-deps installs it)");
  fs::path page = dir_ / "report.html";
  Report("html", page);
  ScopedTempDir work;
  std::vector<std::string> dump = Chromium(work.path());
  dump.insert(dump.end(), {"--dump-dom", "file://" + page.string()});
  ASSERT_EQ(RunTool(dump, work.path(), "dom").exit_code, 0) << ReadText(work / "dom.err");
  std::string dom = ReadText(work / "dom.out");
  size_t charts = Count(dom, "<svg class=\"dotplot\"") + Count(dom, "<svg class=\"curves\"");
  ASSERT_GT(charts, 0u);
  EXPECT_EQ(Count(dom, "<g class=\"legend\">"), charts) << "every chart has a legend";
  EXPECT_EQ(Count(dom, "class=\"axis-title\""),
            Count(dom, "<svg class=\"dotplot\"") + 2 * Count(dom, "<svg class=\"curves\""))
      << "a dot plot titles its axis, a curve chart both";
  EXPECT_NE(dom.find(">90% interval of the mean (what the verdict reads)<"), std::string::npos);
  // Tick labels are round numbers: at most three significant digits, never "1.88035".
  static const std::regex kTick(R"re(class="tick">([^<]*)</text>)re");
  size_t ticks = 0;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), kTick); it != std::sregex_iterator(); ++it, ++ticks) {
    std::string label = (*it)[1];
    std::string digits = std::regex_replace(label, std::regex(R"(^-?0\.0*|[-.]|e.*$|0+$)"), "");
    EXPECT_LE(digits.size(), 3u) << "tick " << label;
  }
  EXPECT_GT(ticks, 3 * charts);
  EXPECT_NE(dom.find("<table class=\"environment\" id=\"environment\">"), std::string::npos);
  EXPECT_NE(dom.find("<td>OS</td>"), std::string::npos);
  EXPECT_EQ(dom.find("\"interpreters\""), std::string::npos) << "no raw JSON fingerprint";
  EXPECT_NE(dom.find("of attempt time (summed over attempts)"), std::string::npos);
  // Runs that all fell within one second of the Store's whole-second timestamps still say so.
  EXPECT_NE(dom.find("<p id=\"elapsed\">Elapsed: the runs took "), std::string::npos);
  EXPECT_EQ(dom.find("Elapsed: the runs took 1.0s"), std::string::npos) << "no tenths the timestamps lack";
  if (GetParam().fixture == "mnist1d-replay") {
    // The best-step claim is drawn on its curves, and the experiment's every series is there.
    size_t claim = dom.find("id=\"claim-best-step/cnn\"");
    ASSERT_NE(claim, std::string::npos);
    size_t curves = dom.find("<svg class=\"curves\"", claim);
    ASSERT_NE(curves, std::string::npos);
    EXPECT_NE(dom.find(">claimed 94.5<", curves), std::string::npos);
    EXPECT_NE(dom.find("id=\"series-cnn\""), std::string::npos);
    EXPECT_NE(dom.find(">train_loss (log scale)</text>"), std::string::npos) << "a loss over more than a decade";
    // Its accuracy rises from 10 to 94: the y axis is fitted to the 92.45-96.55 band, which
    // takes at least 15% of the plot's height, not a thin strip on a 0-100 axis.
    std::vector<double> ticks = YTicks(dom, curves);
    ASSERT_GE(ticks.size(), 2u);
    auto [lowest, highest] = std::minmax_element(ticks.begin(), ticks.end());
    EXPECT_GE((96.55 - 92.45) / (*highest - *lowest), 0.15) << *lowest << " to " << *highest;
    EXPECT_NE(dom.find("the whole range is", curves), std::string::npos);
    // Decided by non-inferiority: its band is open toward the better side.
    size_t shuffled = dom.find("id=\"claim-readme/shuffled/cnn\"");
    ASSERT_NE(shuffled, std::string::npos);
    EXPECT_NE(dom.find(">allowed: at least 53.5 (higher is better)<", shuffled), std::string::npos);
  }

  std::vector<std::string> shot = Chromium(work.path());
  fs::path png = Shots() / (GetParam().fixture + "-report.png");
  shot.insert(shot.end(), {"--window-size=1000,3000", "--hide-scrollbars", "--screenshot=" + png.string(),
                           "file://" + page.string()});
  EXPECT_EQ(RunTool(shot, work.path(), "shot").exit_code, 0) << ReadText(work / "shot.err");
}

TEST_P(PrintTest, ThePdfHasPageNumbersTheTitleAndNoClaimSplitAcrossPages) {
  REPRO_REQUIRE(fs::exists("/usr/bin/chromium"), "Debian's chromium (scripts/install-deps installs it)");
  REPRO_REQUIRE(fs::exists("/usr/bin/pdftotext") && fs::exists("/usr/bin/pdfinfo") && fs::exists("/usr/bin/pdftoppm"),
                "poppler-utils (pdftotext, pdfinfo, pdftoppm)");
  fs::path pdf = dir_ / "report.pdf";
  ASSERT_EQ(Report("pdf", pdf).rfind("%PDF-", 0), 0u);
  ScopedTempDir work;
  ASSERT_EQ(RunTool({"/usr/bin/pdfinfo", pdf.string()}, work.path(), "info").exit_code, 0)
      << ReadText(work / "info.err");
  std::smatch pages_match;
  std::string info = ReadText(work / "info.out");
  ASSERT_TRUE(std::regex_search(info, pages_match, std::regex(R"(Pages:\s+(\d+))"))) << info;
  int pages = std::stoi(pages_match[1]);
  EXPECT_GE(pages, 2);
  EXPECT_LE(pages, 40) << "a report a reviewer can print";
  ASSERT_EQ(RunTool({"/usr/bin/pdftotext", "-enc", "UTF-8", pdf.string(), (work / "report.txt").string()}, work.path(),
                    "text")
                .exit_code,
            0);
  std::vector<std::string> text;  // pdftotext ends each page with a form feed
  std::string all = ReadText(work / "report.txt");
  for (size_t start = 0, end; (end = all.find('\f', start)) != std::string::npos; start = end + 1)
    text.push_back(Squeezed(all.substr(start, end - start)));
  ASSERT_EQ(static_cast<int>(text.size()), pages);
  for (int i = 0; i < pages; ++i) {
    EXPECT_NE(text[i].find(fmt::format("page {} of {}", i + 1, pages)), std::string::npos)
        << "page " << i + 1 << ": " << text[i];
    EXPECT_NE(text[i].find("Reproduction report: "), std::string::npos) << "the title on page " << i + 1;
  }
  // A claim's block runs from its heading ("id — ✓ reproduced") to its compute line: both on
  // one page, with its reason.
  for (const ClaimText& claim : Claims()) {
    std::string heading = fmt::format("{} — ", claim.id);
    int page = -1;
    size_t at = std::string::npos;
    for (int i = 0; i < pages && page < 0; ++i) {
      for (at = text[i].find(heading); at != std::string::npos; at = text[i].find(heading, at + 1)) {
        if (text[i].substr(at + heading.size(), claim.verdict.size() + 6).find(claim.verdict) != std::string::npos)
          break;
      }
      if (at != std::string::npos) page = i;
    }
    ASSERT_GE(page, 0) << "the heading of " << claim.id;
    EXPECT_NE(text[page].find(Squeezed(claim.reason).substr(0, 60), at), std::string::npos)
        << claim.id << ": its reason on page " << page + 1;
    EXPECT_NE(text[page].find("Compute: ", at), std::string::npos)
        << claim.id << ": its block ends on page " << page + 1 << ":\n"
        << text[page];
  }

  // The environment is a table in the PDF too.
  std::string whole = Squeezed(all);
  EXPECT_NE(whole.find("Environment Where the runs ran"), std::string::npos) << whole;
  EXPECT_NE(whole.find(" OS "), std::string::npos);
  // Every integrity hash is on one line, its last characters not wrapped to the next.
  std::string html = Report("html", dir_ / "report.html");
  size_t integrity = all.find("Integrity: sha256");
  ASSERT_NE(integrity, std::string::npos);
  static const std::regex kHash("[0-9a-f]{64}");
  std::string integrity_text = all.substr(integrity), integrity_html = html.substr(html.find("id=\"integrity\""));
  auto hashes = [](const std::string& text) {
    return std::distance(std::sregex_iterator(text.begin(), text.end(), kHash), std::sregex_iterator());
  };
  EXPECT_GT(hashes(integrity_html), 1);
  EXPECT_EQ(hashes(integrity_text), hashes(integrity_html)) << integrity_text;
  // The "Where in the paper" column does not wrap a cell past three lines.
  ASSERT_EQ(RunTool({"/usr/bin/pdftotext", "-bbox", "-enc", "UTF-8", pdf.string(), (work / "bbox.html").string()},
                    work.path(), "bbox")
                .exit_code,
            0);
  std::vector<std::vector<Word>> words = WordsByPage(ReadText(work / "bbox.html"));
  const std::vector<Word>* table = nullptr;
  double x_low = 0, x_high = 0;
  for (const std::vector<Word>& page : words) {
    for (size_t i = 0; i + 4 < page.size() && table == nullptr; ++i) {
      if (page[i].text == "Where" && page[i + 3].text == "paper" && page[i + 4].text == "Paper")
        table = &page, x_low = page[i].x, x_high = page[i + 4].x;
    }
  }
  ASSERT_NE(table, nullptr) << "the claims table's header";
  int cells = 0;
  for (const ClaimText& claim : Claims()) {
    if (claim.source.empty()) continue;
    int lines = LinesOfCell(*table, x_low, x_high, claim.source);
    if (lines == 0) continue;  // on a later page of the table
    ++cells;
    EXPECT_LE(lines, 3) << claim.id << ": " << claim.source;
  }
  EXPECT_GT(cells, 0) << "no claim's source found in the column";

  // pdftoppm: Chromium's --screenshot of a .pdf is a blank page.
  fs::path png = Shots() / (GetParam().fixture + "-report-pdf");
  ASSERT_EQ(RunTool({"/usr/bin/pdftoppm", "-f", "1", "-l", "1", "-png", "-r", "60", "-singlefile", pdf.string(),
                     png.string()},
                    work.path(), "shot")
                .exit_code,
            0)
      << ReadText(work / "shot.err");
  EXPECT_GT(fs::file_size(png.string() + ".png"), 10000u) << "a page with something on it";
}

INSTANTIATE_TEST_SUITE_P(Papers, PrintTest,
                         ::testing::Values(Paper{"toy", "toy.yaml"}, Paper{"mnist1d-replay", "mnist1d.yaml"}),
                         [](const ::testing::TestParamInfo<Paper>& info) {
                           return info.param.fixture == "toy" ? std::string("Toy") : std::string("Mnist1d");
                         });

}  // namespace
}  // namespace repro
