// Every report format rendered from one database, made by running the toy fixture paper:
// Markdown, LaTeX and JUnit against golden files (times, sizes, hashes and paths masked),
// the JSON against its schema (docs/report.schema.json), and the HTML in headless Chromium
// with the network cut off. REPRO_UPDATE_GOLDEN=1 rewrites the golden files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;

// What changes from one run of the same paper to the next, replaced by a placeholder.
std::string Masked(std::string text, const fs::path& dir) {
  for (size_t at = text.find(dir.string()); at != std::string::npos; at = text.find(dir.string(), at)) {
    text.replace(at, dir.string().size(), "<dir>");
  }
  static const std::vector<std::pair<std::regex, std::string>> kMasks = {
      {std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"), "<time>"},
      {std::regex(R"((tree sha256 )[0-9a-f]{12})"), "$1<tree>"},
      {std::regex(R"(\b[0-9a-f]{64}\b)"), "<sha256>"},
      {std::regex(R"(_[0-9a-f]{8}/attempt)"), "_<key>/attempt"},
      {std::regex(R"(\b\d+(\.\d+)?(ms|s)\b)"), "<duration>"},
      {std::regex(R"(\b\d+m\d\ds\b)"), "<duration>"},
      {std::regex(R"(\b\d+(\.\d+)? (B|KiB|MiB|GiB)\b)"), "<bytes>"},
      {std::regex(R"(time="[0-9.]+")"), "time=\"<seconds>\""},
      // The machine's fingerprint (CPU, memory, kernel) differs from one machine to the next.
      {std::regex(R"((## Environment\n\n)[\s\S]*?(\n\n<details><summary>Integrity))"), "$1<environment>$2"},
  };
  for (const auto& [pattern, replacement] : kMasks) text = std::regex_replace(text, pattern, replacement);
  return text;
}

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScopedTempDir();
    fs::copy(fs::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy", dir_->path(), fs::copy_options::recursive);
    RunRepro({"run", "toy.yaml", "-j", "2"}, dir_->path());
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string Render(const std::string& format) {
    testing::CommandResult report = RunRepro({"report", "toy.yaml", "--format", format}, dir_->path());
    EXPECT_EQ(report.exit_code, 0) << report.err;
    return report.out;
  }

  static void ExpectGolden(const std::string& format, const std::string& file) {
    std::string masked = Masked(Render(format), dir_->path());
    fs::path golden = fs::path(REPRO_SOURCE_DIR) / "tests/golden" / file;
    if (const char* update = std::getenv("REPRO_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
      testing::WriteText(golden, masked);
    }
    EXPECT_EQ(masked, ReadText(golden)) << "differs from " << golden
                                        << " (REPRO_UPDATE_GOLDEN=1 rewrites it after a deliberate change)";
  }

  static ScopedTempDir* dir_;
};
ScopedTempDir* ReportTest::dir_ = nullptr;

TEST_F(ReportTest, MarkdownMatchesItsGoldenFile) { ExpectGolden("md", "toy.md"); }
TEST_F(ReportTest, LatexMatchesItsGoldenFile) { ExpectGolden("latex", "toy.tex"); }
TEST_F(ReportTest, JunitMatchesItsGoldenFile) { ExpectGolden("junit", "toy.junit.xml"); }

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

TEST_F(ReportTest, JsonFollowsItsSchema) {
  ScopedTempDir work;
  testing::WriteText(work / "report.json", Render("json"));
  bool has_validator = RunTool({"/usr/bin/python3", "-c", "import jsonschema"}, work.path(), "probe").exit_code == 0;
  REPRO_REQUIRE(has_validator,
                "python3-jsonschema (Debian package) to validate the report against docs/report.schema.json");
  ProcessResult checked =
      RunTool({"/usr/bin/python3", "-c",
               "import json, sys, jsonschema\n"
               "schema = json.load(open(sys.argv[1])); report = json.load(open(sys.argv[2]))\n"
               "jsonschema.Draft7Validator.check_schema(schema)\n"
               "jsonschema.validate(report, schema)\n",
               (fs::path(REPRO_SOURCE_DIR) / "docs/report.schema.json").string(), (work / "report.json").string()},
              work.path(), "validate");
  EXPECT_EQ(checked.exit_code, 0) << ReadText(work / "validate.err");
  testing::WriteText(work / "broken.json", "{\"format\": \"repro-report\", \"version\": 1}");
  ProcessResult broken =
      RunTool({"/usr/bin/python3", "-c",
               "import json, sys, jsonschema\n"
               "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))\n",
               (fs::path(REPRO_SOURCE_DIR) / "docs/report.schema.json").string(), (work / "broken.json").string()},
              work.path(), "broken");
  EXPECT_NE(broken.exit_code, 0) << "the schema rejects a report without its fields";
}

TEST_F(ReportTest, HtmlOpensInHeadlessChromiumWithoutNetworkAndShowsTableAndCharts) {
  REPRO_REQUIRE(fs::exists("/usr/bin/chromium"), "Debian's chromium (scripts/install-deps installs it)");
  ScopedTempDir work;
  fs::path page = work / "report.html";
  testing::WriteText(page, Render("html"));
  std::vector<std::string> chromium = {
      "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--user-data-dir=" + (work / "profile").string(),
      // No network: every host is unknown and every connection goes nowhere.
      "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--enable-logging=stderr", "--v=0"};
  std::vector<std::string> dump = chromium;
  dump.insert(dump.end(), {"--dump-dom", "file://" + page.string()});
  ProcessResult dumped = RunTool(dump, work.path(), "dom");
  ASSERT_EQ(dumped.exit_code, 0) << ReadText(work / "dom.err");
  std::string dom = ReadText(work / "dom.out"), log = ReadText(work / "dom.err");
  EXPECT_NE(dom.find("<table id=\"claims\">"), std::string::npos) << "the claims table";
  EXPECT_NE(dom.find("<svg class=\"dotplot\""), std::string::npos) << "a claim's chart";
  EXPECT_NE(dom.find("id=\"table-table1\""), std::string::npos) << "the paper's table";
  EXPECT_EQ(log.find("Failed to load resource"), std::string::npos) << log;
  EXPECT_EQ(log.find(":CONSOLE("), std::string::npos) << "no console message: " << log;

  fs::path shots = fs::path(REPRO_BINARY).parent_path() / "test-output";
  fs::create_directories(shots);
  std::vector<std::string> shot = chromium;
  shot.insert(shot.end(), {"--window-size=1000,2000", "--screenshot=" + (shots / "report.png").string(),
                           "file://" + page.string()});
  EXPECT_EQ(RunTool(shot, work.path(), "shot").exit_code, 0) << ReadText(work / "shot.err");
  EXPECT_GT(fs::file_size(shots / "report.png"), 10000u) << "a screenshot in " << shots;
}

TEST_F(ReportTest, ABundleVerifiesAndNamesTheOneLogChangedInIt) {
  ScopedTempDir work;
  fs::path archive = work / "toy.tar.gz";
  testing::CommandResult bundled = RunRepro({"bundle", "toy.yaml", "-o", archive.string()}, dir_->path());
  ASSERT_EQ(bundled.exit_code, 0) << bundled.err;
  testing::CommandResult verified = RunRepro({"verify", archive.string()}, work.path());
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("files as bundled\n"), std::string::npos) << verified.out;

  ASSERT_EQ(RunTool({"tar", "-xzf", archive.string()}, work.path(), "untar").exit_code, 0);
  for (const char* expected : {"toy/manifest/toy.yaml", "toy/report.md", "toy/report.html", "toy/report.json",
                               "toy/repro.db", "toy/SHA256SUMS"}) {
    EXPECT_TRUE(fs::exists(work / expected)) << expected;
  }
  fs::path log;
  for (const auto& entry : fs::recursive_directory_iterator(work / "toy/logs")) {
    if (entry.path().filename() == "stdout.log" && fs::file_size(entry.path()) > 0) log = entry.path();
  }
  ASSERT_FALSE(log.empty());
  std::string text = ReadText(log);
  text[0] = static_cast<char>(text[0] ^ 1);  // one byte
  testing::WriteText(log, text);
  fs::remove(archive);
  ASSERT_EQ(RunTool({"tar", "-czf", archive.string(), "toy"}, work.path(), "tar").exit_code, 0);
  testing::CommandResult tampered = RunRepro({"verify", archive.string()}, work.path());
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_NE(tampered.out.find("changed: " + log.lexically_relative(work / "toy").string() + " (sha256 expected"),
            std::string::npos)
      << tampered.out;
  EXPECT_NE(tampered.out.find("this bundle was changed after it was made"), std::string::npos) << tampered.out;
}

}  // namespace
}  // namespace repro
