#include "harness/source/tree.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "harness/source/git.h"
#include "harness/util/hash.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ScopedTempDir;
using testing::WriteText;

std::vector<std::string> Paths(const SourceTree& tree) {
  std::vector<std::string> paths;
  for (const TreeFile& file : tree.files) paths.push_back(file.path);
  return paths;
}

bool HasGit() { return RunGitQuietly({"--version"}, fs::temp_directory_path()).ok(); }

void Git(const fs::path& dir, std::vector<std::string> args) {
  std::vector<std::string> full = {"-c", "user.name=t", "-c", "user.email=t@example.org"};
  full.insert(full.end(), args.begin(), args.end());
  Status status = RunGitQuietly(full, dir);
  ASSERT_TRUE(status.ok()) << status.error();
}

TEST(ReproIgnoreTest, MatchesLikeGitignore) {
  std::vector<std::string> patterns = {"*.ckpt", "data/", "/notes.txt", "docs/*.pdf"};
  EXPECT_TRUE(ReproIgnores(patterns, "model.ckpt", false));
  EXPECT_TRUE(ReproIgnores(patterns, "runs/a/model.ckpt", false));
  EXPECT_TRUE(ReproIgnores(patterns, "data", true));
  EXPECT_TRUE(ReproIgnores(patterns, "data/train.csv", false)) << "beneath an ignored folder";
  EXPECT_FALSE(ReproIgnores(patterns, "data", false)) << "'data/' names folders only";
  EXPECT_TRUE(ReproIgnores(patterns, "notes.txt", false));
  EXPECT_FALSE(ReproIgnores(patterns, "sub/notes.txt", false)) << "a leading '/' anchors at the top";
  EXPECT_TRUE(ReproIgnores(patterns, "docs/paper.pdf", false));
  EXPECT_FALSE(ReproIgnores(patterns, "docs/sub/paper.pdf", false));
  EXPECT_FALSE(ReproIgnores(patterns, "train.py", false));
}

TEST(SourceTreeTest, OutsideGitItKeepsTheFolderDigestAndLeavesOutReprosOutputs) {
  ScopedTempDir dir;
  WriteText(dir / "train.py", "print(1)\n");
  WriteText(dir / "sub/util.py", "x = 1\n");
  Result<SourceTree> tree = ReadSourceTree(dir.path(), {});
  ASSERT_TRUE(tree.ok()) << tree.error();
  EXPECT_FALSE(tree->from_git);
  EXPECT_EQ(tree->digest, *Sha256Tree(dir.path())) << "a folder outside git keeps the identity it had";
  EXPECT_EQ(Paths(*tree), (std::vector<std::string>{"sub/util.py", "train.py"}));
  EXPECT_EQ(tree->files[1].sha256, Sha256Hex("print(1)\n"));

  // repro's results, database and cache inside the folder, and what .reproignore names, are not code.
  WriteText(dir / "results/repro.db", "db");
  WriteText(dir / "results/m/e/attempt-1/work/train.py", "copy");
  WriteText(dir / "repro.db-wal", "wal");
  WriteText(dir / "big.ckpt", "weights");
  WriteText(dir / ".reproignore", "# weights\n*.ckpt\n");
  Result<SourceTree> again = ReadSourceTree(dir.path(), {dir / "results", dir / "repro.db-wal"});
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->digest, tree->digest);
  EXPECT_EQ(again->left_out, (std::vector<std::string>{"big.ckpt"}));
}

TEST(SourceTreeTest, InAGitWorkTreeItIsWhatGitTracksAndDoesNotIgnore) {
  REPRO_REQUIRE(HasGit(), "git");
  ScopedTempDir dir;
  Git(dir.path(), {"init", "--quiet"});
  WriteText(dir / "train.py", "print(1)\n");
  WriteText(dir / "gone.py", "x\n");
  WriteText(dir / ".gitignore", "result.txt\nbuild/\n");
  Git(dir.path(), {"add", "."});
  Git(dir.path(), {"commit", "--quiet", "-m", "code"});
  fs::remove(dir / "gone.py");                // deleted but still tracked: not there, not listed
  WriteText(dir / "new.py", "y\n");           // untracked, not ignored: code
  WriteText(dir / "result.txt", "5.18\n");    // ignored: a stale output of the user's own run
  WriteText(dir / "build/lib.so", "elf");     // ignored folder
  WriteText(dir / "results/repro.db", "db");  // repro's own, not ignored by git
  WriteText(dir / ".reproignore", "new.py\n");
  Result<SourceTree> tree = ReadSourceTree(dir.path(), {dir / "results"});
  ASSERT_TRUE(tree.ok()) << tree.error();
  EXPECT_TRUE(tree->from_git);
  EXPECT_EQ(Paths(*tree), (std::vector<std::string>{".gitignore", "train.py"}));
  EXPECT_EQ(tree->left_out, (std::vector<std::string>{"build/", "new.py", "result.txt"}));

  fs::remove(dir / ".reproignore");
  Result<SourceTree> with_new = ReadSourceTree(dir.path(), {dir / "results"});
  ASSERT_TRUE(with_new.ok());
  EXPECT_EQ(Paths(*with_new), (std::vector<std::string>{".gitignore", "new.py", "train.py"}));
  EXPECT_NE(with_new->digest, tree->digest);
}

// A results folder of another invocation (another --results, a --db kept elsewhere) is known
// by the marker repro writes into it, or by its repro.db, inside git or not; the top of the
// folder itself may hold a database and stays code.
TEST(SourceTreeTest, AnyResultsFolderInsideIsLeftOutWhoeverMadeIt) {
  for (bool in_git : {false, true}) {
    if (in_git) REPRO_REQUIRE(HasGit(), "git");
    ScopedTempDir dir;
    if (in_git) Git(dir.path(), {"init", "--quiet"});
    WriteText(dir / "train.py", "print(1)\n");
    Result<SourceTree> before = ReadSourceTree(dir.path(), {});
    ASSERT_TRUE(before.ok()) << before.error();
    ASSERT_TRUE(MarkResultsFolder(dir / "results2").ok());
    EXPECT_TRUE(IsResultsFolder(dir / "results2"));
    WriteText(dir / "results2/m/e/seed-0/attempt-1/stdout.log", "acc=1\n");
    WriteText(dir / "old-results/repro.db", "db");  // made before repro wrote markers
    WriteText(dir / "old-results/m/e/attempt.json", "{}");
    WriteText(dir / "runs/repro.db", "db");
    WriteText(dir / "repro.db", "a database at the top");
    Result<SourceTree> after = ReadSourceTree(dir.path(), {dir / "repro.db"});
    ASSERT_TRUE(after.ok()) << after.error();
    EXPECT_EQ(Paths(*after), (std::vector<std::string>{"train.py"})) << "in git: " << in_git;
    EXPECT_EQ(after->digest, before->digest);
    EXPECT_TRUE(after->left_out.empty()) << after->left_out.front();
    WriteText(dir / "data/notes.txt", "a folder that is no results folder stays code\n");
    EXPECT_EQ(Paths(*ReadSourceTree(dir.path(), {dir / "repro.db"})),
              (std::vector<std::string>{"data/notes.txt", "train.py"}));
  }
}

TEST(SourceTreeTest, ChangesAreNamedFileByFile) {
  std::vector<TreeFile> then = {{"a.py", "1"}, {"b.py", "2"}, {"c.py", "3"}};
  std::vector<TreeFile> now = {{"a.py", "1"}, {"b.py", "9"}, {"out.txt", "4"}};
  EXPECT_EQ(DescribeTreeChange(then, now),
            "3 files differ since the runs: b.py (changed), out.txt (new), c.py (removed)");
  EXPECT_EQ(DescribeTreeChange(then, then), "");
  EXPECT_EQ(DescribeTreeChange({{"a.py", "1"}}, {{"a.py", "2"}}), "1 file differs since the runs: a.py (changed)");
  EXPECT_EQ(ParseTreeFiles(TreeFilesText(now)).size(), 3u);
  EXPECT_EQ(ParseTreeFiles(TreeFilesText(now))[2].path, "out.txt");
}

}  // namespace
}  // namespace repro
