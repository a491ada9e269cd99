// repro report --index (#17): a ledger of several manifests read from their stored results,
// as a Markdown table or a static HTML folder whose index links each manifest's report.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "harness/util/time.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

const char* kSecond = R"yaml(schema: 1
paper: {title: "A second paper", url: "https://example.org/second"}
source: {path: code}
defaults: {deterministic: true, timeout: 30s, seeds: [0]}
experiments:
  - id: good
    command: [/bin/sh, train.sh, good, "{seed}", "{out}"]
    metrics: {acc: {stdout: 'final acc=(?<value>\S+)'}}
claims:
  - {id: good, experiment: good, metric: acc, reported: "0.91", tolerance: {abs: 0.02}}
  - {id: too-good, experiment: good, metric: acc, reported: "0.99", tolerance: {abs: 0.001}}
)yaml";

class LedgerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScopedTempDir();
    fs::copy(fs::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy", dir_->path(), fs::copy_options::recursive);
    WriteText(dir_->path() / "second.yaml", kSecond);
    WriteText(dir_->path() / "never.yaml", kSecond);
    // Each manifest's runs in a folder of its own, as a lab keeps them.
    RunRepro({"run", "toy.yaml", "-j", "2", "--results", "stores/toy"}, dir_->path());
    RunRepro({"run", "second.yaml", "--results", "stores/second"}, dir_->path());
  }
  static void TearDownTestSuite() { delete dir_; }
  static ScopedTempDir* dir_;
};
ScopedTempDir* LedgerTest::dir_ = nullptr;

TEST_F(LedgerTest, AMarkdownRowPerManifestWithItsVerdictsTimeAndVersion) {
  testing::CommandResult ledger = RunRepro(
      {"report", "--index", "toy.yaml", "second.yaml", "never.yaml", "--results", "stores/{manifest}"}, dir_->path());
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  const std::string& md = ledger.out;
  EXPECT_NE(md.find("| [A toy paper](<https://arxiv.org/abs/0000.00000>) (`toy.yaml`) |"), std::string::npos) << md;
  EXPECT_NE(md.find("[A second paper](<https://example.org/second>)"), std::string::npos) << md;
  EXPECT_NE(md.find("1 of 2 claims reproduced; 1 not-reproduced"), std::string::npos) << md;
  EXPECT_NE(md.find("no database at stores/never/repro.db"), std::string::npos) << md;
  EXPECT_NE(md.find("| " REPRO_VERSION " |"), std::string::npos) << md;
  EXPECT_NE(md.find("2 manifest(s) with results"), std::string::npos) << md;
  EXPECT_NE(md.find("| " + NowUtcIso8601().substr(0, 10) + " |"), std::string::npos) << md;  // last run
}

TEST_F(LedgerTest, AnHtmlFolderWhoseIndexLinksEachReport) {
  testing::CommandResult ledger = RunRepro({"report", "--index", "toy.yaml", "second.yaml", "--results",
                                            "stores/{manifest}", "--format", "html", "-o", "site"},
                                           dir_->path());
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  std::string index = testing::ReadText(dir_->path() / "site/index.html");
  EXPECT_NE(index.find("href=\"toy.html\""), std::string::npos) << index;
  EXPECT_NE(index.find("href=\"second.html\""), std::string::npos) << index;
  EXPECT_NE(testing::ReadText(dir_->path() / "site/second.html").find("A second paper"), std::string::npos);
  EXPECT_NE(testing::ReadText(dir_->path() / "site/toy.html").find("A toy paper"), std::string::npos);
}

TEST_F(LedgerTest, ALedgerWrittenToAFileLinksManifestsFromItsFolder) {
  fs::create_directories(dir_->path() / "docs");
  testing::CommandResult ledger = RunRepro(
      {"report", "--index", "second.yaml", "--results", "stores/{manifest}", "-o", "docs/LEDGER.md"}, dir_->path());
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  EXPECT_NE(testing::ReadText(dir_->path() / "docs/LEDGER.md").find("(`../second.yaml`)"), std::string::npos);
}

TEST_F(LedgerTest, MisusesAreBadInput) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"report", "toy.yaml", "second.yaml"},                  // several without --index
           {"report", "--index", "toy.yaml", "--format", "json"},  // a ledger is md or html
           {"report", "--index", "toy.yaml", "--format", "html"},  // html needs a folder
       }) {
    testing::CommandResult result = RunRepro(args, dir_->path());
    EXPECT_EQ(result.exit_code, 2) << args.back() << ": " << result.err;
  }
}

}  // namespace
}  // namespace repro
