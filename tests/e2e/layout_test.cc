// End-to-end: the layouts a newcomer reaches for first. A repro.yaml at the top of the git
// repository it describes (`source: {path: .}`), run from there with the default results
// folder inside the tree; and a --source checkout holding gitignored leftovers.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness/source/git.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

class LayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* home = std::getenv("HOME");
    old_home_ = home != nullptr ? home : "";
    ::setenv("HOME", (dir_ / "home").c_str(), 1);  // repro's cache and git's config are the test's own
    fs::create_directories(dir_ / "home");
  }
  void TearDown() override { ::setenv("HOME", old_home_.c_str(), 1); }

  void Git(const fs::path& cwd, std::vector<std::string> args) {
    std::vector<std::string> full = {"-c", "user.name=t", "-c", "user.email=t@example.org"};
    full.insert(full.end(), args.begin(), args.end());
    Status status = RunGitQuietly(full, cwd);
    ASSERT_TRUE(status.ok()) << status.error();
  }

  // A paper's repository: train.sh prints the result it keeps in result.txt (gitignored), or
  // 0.37 when there is none, as code that caches its outputs does.
  fs::path MakePaper(const std::string& manifest) {
    fs::path repo = dir_ / "paper";
    WriteText(repo / "train.sh", "[ -f result.txt ] || echo 'acc=0.37' > result.txt\ncat result.txt\n");
    WriteText(repo / ".gitignore", "result.txt\n");
    WriteText(repo / "repro.yaml", manifest);
    Git(repo, {"init", "--quiet"});
    Git(repo, {"add", "."});
    Git(repo, {"commit", "--quiet", "-m", "paper"});
    return repo;
  }

  static std::string Manifest(const std::string& source) {
    return "paper: {title: Layout}\nsource: " + source +
           "\ndefaults: {deterministic: true}\n"
           "experiments:\n  - id: e\n    command: [/bin/sh, train.sh]\n"
           "    metrics: {acc: {stdout: 'acc=(?<value>[0-9.]+)'}}\n"
           "claims:\n  - {id: acc, experiment: e, metric: acc, reported: \"0.37\"}\n";
  }

  ScopedTempDir dir_;
  std::string old_home_;
};

bool HasGit() { return RunGitQuietly({"--version"}, fs::temp_directory_path()).ok(); }

TEST_F(LayoutTest, AManifestAtTheTopOfItsRepositoryRunsWithResultsInsideTheTree) {
  REPRO_REQUIRE(HasGit(), "git");
  fs::path repo = MakePaper(Manifest("{path: .}"));
  testing::CommandResult run = RunRepro({"run", "repro.yaml"}, repo);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.err.find("start-failed"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("reproduced"), std::string::npos) << run.out;
  EXPECT_TRUE(fs::exists(repo / "results/repro.db")) << "the default results folder, inside the tree";
  // A manifest called repro.yaml is named after its folder, not "repro" like every other one.
  ASSERT_TRUE(fs::is_directory(repo / "results/paper/e")) << run.err;
  for (const auto& entry : fs::recursive_directory_iterator(repo / "results/paper/e")) {
    if (entry.path().filename() != "attempt.json") continue;
    std::string record = testing::ReadText(entry.path());
    EXPECT_EQ(record.find("\"finished_at\": \"\""), std::string::npos) << record;
    EXPECT_NE(record.find("\"finished_at\": \"20"), std::string::npos) << record;
  }

  // What repro writes into the tree, and the manifest itself, are not code: nothing changed.
  WriteText(repo / "results/compare.txt", "a redirected compare\n");
  WriteText(repo / "repro.yaml", Manifest("{path: .}") + "# a comment\n");
  testing::CommandResult same = RunRepro({"compare", "repro.yaml"}, repo);
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;

  // A file the code's folder gained since the runs is named, instead of a table of pending.
  WriteText(repo / "notes.txt", "to do\n");
  testing::CommandResult changed = RunRepro({"compare", "repro.yaml"}, repo);
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_NE(changed.err.find("1 file differs since the runs: notes.txt (new)"), std::string::npos) << changed.err;
  EXPECT_NE(changed.err.find("1 of 1 run(s) are stored for the code as it was then"), std::string::npos) << changed.err;
  EXPECT_EQ(testing::ReasonsByClaim(changed.out)["acc"],
            "1 of 1 runs not run on the code as it is now; runs stored for other code of this folder; see above")
      << changed.out;

  // .reproignore leaves it out, and the runs count again.
  WriteText(repo / ".reproignore", "notes.txt\n");
  testing::CommandResult ignored = RunRepro({"compare", "repro.yaml"}, repo);
  EXPECT_EQ(ignored.exit_code, 0) << ignored.out << ignored.err;
  testing::CommandResult plan = RunRepro({"plan", "repro.yaml"}, repo);
  EXPECT_NE(plan.out.find("1 runs planned, 0 to run"), std::string::npos) << plan.out;
}

// `repro compare repro.yaml > out.txt 2> err.txt` at the top of the code: the shell made both
// files before repro started. A second results folder inside the tree (another --results, or
// one whose database is kept elsewhere with --db) is not code either.
TEST_F(LayoutTest, RedirectsAndOtherResultsFoldersInsideTheTreeAreNotCode) {
  REPRO_REQUIRE(HasGit(), "git");
  fs::path repo = MakePaper(Manifest("{path: .}"));
  testing::CommandResult run = RunRepro({"run", "repro.yaml"}, repo);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  testing::CommandResult second = RunRepro({"run", "repro.yaml", "--results", "results2"}, repo);
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  testing::CommandResult third =
      RunRepro({"run", "repro.yaml", "--results", "results3", "--db", (dir_ / "elsewhere.db").string()}, repo);
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_FALSE(fs::exists(repo / "results3/repro.db"));
  for (const char* results : {"results", "results2"}) {
    testing::CommandResult same = RunRepro({"compare", "repro.yaml", "--results", results}, repo);
    EXPECT_EQ(same.exit_code, 0) << results << ": " << same.out << same.err;
    EXPECT_EQ(same.err.find("changed"), std::string::npos) << same.err;
  }

  // The shell makes the files and hands them to repro as its fd 1 and 2, as a user's does.
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "exec \"$0\" compare repro.yaml > out.txt 2> err.txt", REPRO_BINARY};
  spec.cwd = repo;
  spec.env = BuildChildEnvironment({{"NO_COLOR", "1"}}, {});
  spec.stdout_path = dir_ / "sh.out";
  spec.stderr_path = dir_ / "sh.err";
  spec.timeout_seconds = 120;
  ProcessResult redirected = RunProcess(spec);
  std::string out = testing::ReadText(repo / "out.txt"), err = testing::ReadText(repo / "err.txt");
  EXPECT_EQ(redirected.exit_code, 0) << out << err;
  EXPECT_NE(out.find("1 of 1 claims reproduced"), std::string::npos) << out << err;
  EXPECT_EQ(err.find("pending"), std::string::npos) << err;
}

TEST_F(LayoutTest, ACheckoutGivenWithSourceLeavesOutWhatGitIgnoresAndSaysSo) {
  REPRO_REQUIRE(HasGit(), "git");
  fs::path repo = MakePaper(Manifest("{path: .}"));
  WriteText(repo / "result.txt", "acc=5.18\n");  // a stale output of the user's own run, gitignored
  fs::create_directories(dir_ / "elsewhere/code");
  WriteText(dir_ / "elsewhere/m.yaml", Manifest("{path: code}"));
  testing::CommandResult run = RunRepro({"run", "m.yaml", "--source", repo.string()}, dir_ / "elsewhere");
  EXPECT_EQ(run.exit_code, 0) << "0.37 measured, not the stale 5.18: " << run.out << run.err;
  EXPECT_NE(run.err.find("left out (ignored by git or .reproignore): result.txt"), std::string::npos) << run.err;
  EXPECT_EQ(testing::ReadText(repo / "result.txt"), "acc=5.18\n") << "the user's checkout is never written";
}

}  // namespace
}  // namespace repro
