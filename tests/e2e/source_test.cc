// End-to-end: where the code comes from. A local git repository made by each test is the
// remote; HOME (and with it git's config and repro's cache) is a folder of the test's own.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/util/hash.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

class SourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* home = std::getenv("HOME");
    old_home_ = home != nullptr ? home : "";
    ::setenv("HOME", (dir_ / "home").c_str(), 1);
    fs::create_directories(dir_ / "home");
  }
  void TearDown() override { ::setenv("HOME", old_home_.c_str(), 1); }

  std::string Git(const fs::path& cwd, std::vector<std::string> args) {
    return testing::RunGit(cwd, args, dir_.path());
  }

  // A repository whose train.sh prints "version=N"; returns the commit of each version.
  std::vector<std::string> MakeRepository(int versions) {
    fs::path repo = dir_ / "upstream";
    fs::create_directories(repo);
    Git(repo, {"init", "--quiet", "--initial-branch=main"});
    std::vector<std::string> commits;
    for (int v = 1; v <= versions; ++v) {
      WriteText(repo / "train.sh",
                "echo version=" + std::to_string(v) +
                    "\ncat data/extra.txt 2>/dev/null\n"
                    "if [ -f data/input.bin ]; then echo input_bytes=$(wc -c < data/input.bin); fi\n");
      Git(repo, {"add", "train.sh"});
      Git(repo, {"commit", "--quiet", "-m", "version " + std::to_string(v)});
      commits.push_back(Git(repo, {"rev-parse", "HEAD"}));
    }
    return commits;
  }

  std::string Manifest(const std::string& source, const std::string& extra = "") {
    // The fixture prints fixed numbers: declared deterministic, one run decides (docs/claims.md).
    return "paper: {title: Sources}\nsource: " + source + "\n" + extra + "defaults: {deterministic: true}\n" +
           "experiments:\n  - id: e\n    command: [/bin/sh, train.sh]\n"
           "    metrics:\n      version: {stdout: 'version=(?<value>\\d+)'}\n      extra: {stdout: "
           "'extra=(?<value>\\d+)'}\n"
           "      input_bytes: {stdout: 'input_bytes=(?<value>\\d+)'}\n"
           "claims:\n  - {id: v, experiment: e, metric: version, reported: \"1\"}\n";
  }

  testing::CommandResult Run(const std::string& manifest_text, std::vector<std::string> extra = {}) {
    WriteText(dir_ / "m.yaml", manifest_text);
    std::vector<std::string> args = {"run", "m.yaml", "--force"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRepro(args, dir_.path());
  }

  // The metric values of the newest attempt.
  std::map<std::string, double> Newest() {
    std::map<std::string, double> values;
    SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READONLY);
    SQLite::Statement query(db,
                            "SELECT name, value FROM metric_values WHERE value IS NOT NULL AND "
                            "attempt_id = (SELECT max(id) FROM attempts)");
    while (query.executeStep()) values[query.getColumn(0).getString()] = query.getColumn(1).getDouble();
    return values;
  }

  ScopedTempDir dir_;
  std::string old_home_;
};

TEST_F(SourceTest, AGitSourceRunsAtItsPinnedCommitAndIsClonedOnce) {
  std::vector<std::string> commits = MakeRepository(2);
  std::string url = "file://" + (dir_ / "upstream").string();
  testing::CommandResult first = Run(Manifest("{git: " + url + ", commit: " + commits[0] + "}"));
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(Newest()["version"], 1) << "the pinned commit, not the branch's newest";
  fs::remove_all(dir_ / "upstream");  // offline from now on: the cached clone must do
  testing::CommandResult again = Run(Manifest("{git: " + url + ", commit: " + commits[0] + "}"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  int clones = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "home/.cache/repro/git")) clones += entry.is_directory();
  EXPECT_EQ(clones, 1);
}

TEST_F(SourceTest, ABranchOrShortHashIsResolvedWarnedAboutAndFollowsTheBranch) {
  std::vector<std::string> commits = MakeRepository(2);
  std::string url = "file://" + (dir_ / "upstream").string();
  testing::CommandResult run = Run(Manifest("{git: " + url + ", commit: main}"));
  EXPECT_EQ(run.exit_code, 1) << "version 2 is not the claimed 1: " << run.err;
  testing::CommandResult validated = RunRepro({"validate", "m.yaml"}, dir_.path());
  EXPECT_EQ(validated.exit_code, 0);
  EXPECT_NE(validated.err.find("m.yaml: warning: source commit 'main' is a branch, tag or short hash"),
            std::string::npos)
      << validated.err;
  EXPECT_NE(run.err.find("source commit 'main' resolved to " + commits[1] +
                         "; a branch, tag or short hash can move: pin 'commit: " + commits[1] + "'"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(Newest()["version"], 2);
  testing::CommandResult report = RunRepro({"report", "m.yaml"}, dir_.path());
  EXPECT_NE(report.out.find(url + " @ main (resolved to " + commits[1] + ")"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("commit 'main' is a ref, resolved to " + commits[1] + " when run; it can move"),
            std::string::npos)
      << report.out;

  WriteText(dir_ / "upstream/train.sh", "echo version=3\n");
  Git(dir_ / "upstream", {"commit", "--quiet", "-am", "version 3"});
  EXPECT_EQ(Run(Manifest("{git: " + url + ", commit: main}")).exit_code, 1);
  EXPECT_EQ(Newest()["version"], 3) << "the branch moved, and the run followed it";

  testing::CommandResult short_hash = Run(Manifest("{git: " + url + ", commit: " + commits[0].substr(0, 8) + "}"));
  EXPECT_EQ(short_hash.exit_code, 0) << short_hash.err;
  EXPECT_EQ(Newest()["version"], 1);
  testing::CommandResult missing = Run(Manifest("{git: " + url + ", commit: no-such-branch}"));
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("'no-such-branch' is not a branch, tag or commit of " + url), std::string::npos)
      << missing.err;
}

TEST_F(SourceTest, ACheckoutGivenWithSourceIsCheckedAgainstThePinnedCommit) {
  std::vector<std::string> commits = MakeRepository(2);
  std::string url = "file://" + (dir_ / "upstream").string();
  WriteText(dir_ / "upstream/notes.txt", "local notes\n");  // untracked: an uncommitted change
  testing::CommandResult run =
      Run(Manifest("{git: " + url + ", commit: " + commits[0] + "}"), {"--source", "upstream"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(Newest()["version"], 2) << "the checkout's code ran, at its own HEAD";
  std::string checkout = (dir_ / "upstream").string();
  EXPECT_NE(run.err.find("deviation: checkout " + checkout + " is at " + commits[1] +
                         ", not at the manifest's commit " + commits[0]),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("deviation: checkout " + checkout + " has uncommitted changes in 1 file(s): notes.txt"),
            std::string::npos)
      << run.err;
  testing::CommandResult report = RunRepro({"report", "m.yaml", "--source", "upstream"}, dir_.path());
  EXPECT_NE(report.out.find("has uncommitted changes in 1 file(s): notes.txt"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("| `v` | — | 1 | 2.00 (n=1) |"), std::string::npos)
      << "the same runs are found again: " << report.out;
}

TEST_F(SourceTest, SubmodulesAreCheckedOutWhenAsked) {
  fs::path sub = dir_ / "sub";
  fs::create_directories(sub);
  Git(sub, {"init", "--quiet", "--initial-branch=main"});
  WriteText(sub / "value", "extra=5\n");
  Git(sub, {"add", "value"});
  Git(sub, {"commit", "--quiet", "-m", "sub"});
  std::vector<std::string> commits = MakeRepository(1);
  fs::path repo = dir_ / "upstream";
  WriteText(repo / "train.sh", "echo version=1\ncat lib/value 2>/dev/null; true\n");
  // git refuses file:// submodules unless told (CVE-2022-39253); real ones are https.
  WriteText(dir_ / "home/.gitconfig", "[protocol \"file\"]\n\tallow = always\n");
  Git(repo, {"submodule", "--quiet", "add", "file://" + sub.string(), "lib"});
  Git(repo, {"commit", "--quiet", "-am", "with a submodule"});
  std::string commit = Git(repo, {"rev-parse", "HEAD"});
  std::string url = "file://" + repo.string();
  EXPECT_EQ(Run(Manifest("{git: " + url + ", commit: " + commit + "}")).exit_code, 0);
  EXPECT_EQ(Newest().count("extra"), 0u) << "without 'submodules: true' lib/ is empty";
  testing::CommandResult with = Run(Manifest("{git: " + url + ", commit: " + commit + ", submodules: true}"));
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(Newest()["extra"], 5);
}

TEST_F(SourceTest, AnUnreachableUrlIsNamedWithTheTwoWaysAroundIt) {
  std::string url = "file://" + (dir_ / "nowhere.git").string();
  testing::CommandResult run = Run(Manifest("{git: " + url + ", commit: " + std::string(40, 'a') + "}"));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("cannot clone " + url), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("url.<mirror>.insteadOf " + url), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("'source: {path: <checkout>}'"), std::string::npos) << run.err;
}

TEST_F(SourceTest, AMirrorThroughInsteadOfServesAnUnreachableUrl) {
  std::vector<std::string> commits = MakeRepository(1);
  WriteText(dir_ / "home/.gitconfig", "[url \"file://" + (dir_ / "upstream").string() +
                                          "\"]\n"
                                          "\tinsteadOf = https://github.invalid/author/paper\n");
  testing::CommandResult run = Run(Manifest("{git: https://github.invalid/author/paper, commit: " + commits[0] + "}"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Newest()["version"], 1);
}

TEST_F(SourceTest, ACommitTheRepositoryLacksIsNamed) {
  MakeRepository(1);
  std::string url = "file://" + (dir_ / "upstream").string();
  std::string missing(40, 'b');
  testing::CommandResult run = Run(Manifest("{git: " + url + ", commit: " + missing + "}"));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("commit " + missing + " is not in " + url), std::string::npos) << run.err;
}

TEST_F(SourceTest, AddedFilesPatchesAndInputsAreAppliedAndReportedAsDeviations) {
  std::vector<std::string> commits = MakeRepository(1);
  std::string url = "file://" + (dir_ / "upstream").string();
  WriteText(dir_ / "extra.txt", "extra=7\n");
  WriteText(dir_ / "input.bin", std::string(1234, 'x'));
  std::string input_sha = Sha256Hex(std::string(1234, 'x'));
  WriteText(dir_ / "v3.patch",
            "--- a/train.sh\n+++ b/train.sh\n@@ -1,3 +1,3 @@\n-echo version=1\n+echo version=3\n"
            " cat data/extra.txt 2>/dev/null\n if [ -f data/input.bin ]; then echo input_bytes=$(wc -c < "
            "data/input.bin); fi\n");
  std::string source = "{git: " + url + ", commit: " + commits[0] +
                       ", files: [{from: extra.txt, to: data/extra.txt}], patches: [v3.patch]}";
  std::string inputs = "inputs:\n  - {path: data/input.bin, sha256: " + input_sha + ", from: input.bin}\n";
  testing::CommandResult run = Run(Manifest(source, inputs));
  EXPECT_EQ(run.exit_code, 1) << "the patch makes it print 3: " << run.err;
  std::map<std::string, double> values = Newest();
  EXPECT_EQ(values["version"], 3);
  EXPECT_EQ(values["extra"], 7);
  EXPECT_EQ(values["input_bytes"], 1234);
  EXPECT_NE(run.err.find("deviation: patch v3.patch applied (sha256 " + Sha256File(dir_ / "v3.patch").value() + ")"),
            std::string::npos)
      << run.err;
  testing::CommandResult report = RunRepro({"report", "m.yaml"}, dir_.path());
  EXPECT_NE(report.out.find("- Deviations from the released code:"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("file extra.txt added as data/extra.txt"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("input data/input.bin (sha256 " + input_sha + ") from input.bin"), std::string::npos)
      << report.out;
  for (const auto& entry : fs::directory_iterator(dir_ / "home/.cache/repro/git")) {
    if (entry.is_directory()) {
      EXPECT_EQ(ReadText(entry.path() / "train.sh").substr(0, 14), "echo version=1")
          << "the cached checkout is never patched";
    }
  }
}

TEST_F(SourceTest, AWrongInputHashStopsBeforeAnyRunAndSaysWhatItFound) {
  WriteText(dir_ / "code/train.sh", "echo version=1\n");
  WriteText(dir_ / "input.bin", "not what the paper used");
  std::string wrong(64, 'c');
  testing::CommandResult run =
      Run(Manifest("{path: code}", "inputs:\n  - {path: data/input.bin, sha256: " + wrong + ", from: input.bin}\n"));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(
      run.err.find("input 'data/input.bin' (manifest line 4): sha256 mismatch for " + (dir_ / "input.bin").string() +
                   ": expected " + wrong + ", found " + Sha256Hex("not what the paper used")),
      std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "results/repro.db") && fs::exists(dir_ / "results/m")) << "no attempt was started";

  testing::CommandResult missing =
      Run(Manifest("{path: code}", "inputs:\n  - {path: data/input.bin, sha256: " + wrong + ", from: gone.bin}\n"));
  EXPECT_EQ(missing.exit_code, 2) << "a mistake in the manifest, said before anything runs";
  EXPECT_NE(missing.err.find("m.yaml:4: input 'data/input.bin': 'from: gone.bin' does not exist (" +
                             (dir_ / "gone.bin").string() + ")"),
            std::string::npos)
      << missing.err;
  testing::CommandResult validated = RunRepro({"validate", "m.yaml"}, dir_.path());
  EXPECT_EQ(validated.exit_code, 2) << validated.out;
  EXPECT_NE(validated.err.find("'from: gone.bin' does not exist"), std::string::npos) << validated.err;
}

TEST_F(SourceTest, FetchCachesInputsOnceAndVerifiesThem) {
  WriteText(dir_ / "code/train.sh", "echo version=1\n");
  WriteText(dir_ / "input.bin", "dataset");
  std::string sha = Sha256Hex("dataset");
  WriteText(dir_ / "m.yaml",
            Manifest("{path: code}", "inputs:\n  - {path: data/input.bin, sha256: " + sha + ", from: input.bin}\n"));
  testing::CommandResult fetched = RunRepro({"fetch", "m.yaml"}, dir_.path());
  EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
  EXPECT_NE(fetched.out.find("data/input.bin: ok (sha256 " + sha.substr(0, 12) + ")"), std::string::npos)
      << fetched.out;
  fs::remove(dir_ / "input.bin");  // cached now: the original is no longer needed
  testing::CommandResult run = RunRepro({"run", "m.yaml"}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST_F(SourceTest, AnInputIsDownloadedFromItsUrlOnce) {
  REPRO_REQUIRE(fs::exists("/usr/bin/curl"), "curl (Debian package curl) to download inputs");
  WriteText(dir_ / "code/train.sh",
            "if [ -f data/input.bin ]; then echo input_bytes=$(wc -c < data/input.bin); fi\necho version=1\n");
  WriteText(dir_ / "served/input.bin", std::string(4321, 'd'));
  std::string sha = Sha256Hex(std::string(4321, 'd'));
  std::string inputs = "inputs:\n  - {path: data/input.bin, sha256: " + sha + ", url: \"file://" +
                       (dir_ / "served/input.bin").string() + "\"}\n";
  testing::CommandResult run = Run(Manifest("{path: code}", inputs));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Newest()["input_bytes"], 4321);
  fs::remove_all(dir_ / "served");  // the URL is gone: the cached copy serves
  EXPECT_EQ(Run(Manifest("{path: code}", inputs)).exit_code, 0);

  std::string missing = "inputs:\n  - {path: data/other.bin, sha256: " + std::string(64, 'e') + ", url: \"file://" +
                        (dir_ / "nowhere.bin").string() + "\"}\n";
  testing::CommandResult failed = Run(Manifest("{path: code}", missing));
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_NE(failed.err.find("cannot download file://" + (dir_ / "nowhere.bin").string()), std::string::npos)
      << failed.err;
}

TEST_F(SourceTest, APatchThatDoesNotApplyIsNamed) {
  WriteText(dir_ / "code/train.sh", "echo version=1\n");
  WriteText(dir_ / "bad.patch", "--- a/train.sh\n+++ b/train.sh\n@@ -1 +1 @@\n-echo something else\n+echo version=2\n");
  testing::CommandResult run = Run(Manifest("{path: code, patches: [bad.patch]}"));
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("patch " + (dir_ / "bad.patch").string() + " does not apply"), std::string::npos) << run.err;
}

TEST_F(SourceTest, GitLfsPointersAreNamed) {
  WriteText(dir_ / "code/train.sh", "echo version=1\n");
  WriteText(dir_ / "code/weights.pt", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12345\n");
  testing::CommandResult run = Run(Manifest("{path: code}"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("1 file(s) of the code are Git LFS pointers, not their content: weights.pt"),
            std::string::npos)
      << run.err;
}

}  // namespace
}  // namespace repro
