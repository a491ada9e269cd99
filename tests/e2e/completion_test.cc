// End-to-end: the bash completion completes commands, flags, manifest files and run keys.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

// What the completion offers for the command line "words" (the last one being completed),
// in "cwd": one candidate per line.
std::string Complete(const std::vector<std::string>& words, const fs::path& cwd) {
  std::string array;
  for (const std::string& word : words) array += " '" + word + "'";
  std::string script =
      "cd '" + cwd.string() + "' && source '" + REPRO_SOURCE_DIR + "/completion/repro.bash' && COMP_WORDS=(" + array +
      ") && COMP_CWORD=" + std::to_string(words.size() - 1) + " && _repro && printf '%s\\n' \"${COMPREPLY[@]}\" | sort";
  testing::WriteText(cwd / "complete.sh", script);
  std::string command =
      "bash '" + (cwd / "complete.sh").string() + "' > '" + (cwd / "complete.out").string() + "' 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << testing::ReadText(cwd / "complete.out");
  return testing::ReadText(cwd / "complete.out");
}

TEST(CompletionTest, CompletesCommandsFlagsManifestsAndRunKeys) {
  REPRO_REQUIRE(std::system("bash --version >/dev/null 2>&1") == 0, "bash");
  testing::ScopedTempDir dir;
  testing::WriteText(dir / "paper.yaml", "paper: {}\n");
  testing::WriteText(dir / "notes.txt", "x\n");
  fs::create_directories(dir / "results/paper/e/lr-1_seed-0_abcdef12/attempt-1");
  EXPECT_EQ(Complete({"repro", "ru"}, dir.path()), "run\n");
  EXPECT_EQ(Complete({"repro", "run", "--dr"}, dir.path()), "--dry-run\n");
  EXPECT_NE(Complete({"repro", "compare", "--"}, dir.path()).find("--claim\n"), std::string::npos);
  std::string manifests = Complete({"repro", "run", ""}, dir.path());
  EXPECT_NE(manifests.find("paper.yaml"), std::string::npos) << manifests;
  EXPECT_EQ(manifests.find("notes.txt"), std::string::npos) << manifests;
  EXPECT_EQ(Complete({"repro", "show", ""}, dir.path()), "abcdef12\n");
  EXPECT_EQ(Complete({"repro", "report", "--format", "ht"}, dir.path()), "html\n");
}

}  // namespace
}  // namespace repro
