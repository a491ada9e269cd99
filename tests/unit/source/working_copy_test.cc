#include <gtest/gtest.h>

#include "harness/source/source.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::ScopedTempDir;
using testing::WriteText;

TEST(WorkingCopyTest, CopiesFilesLinksAndModesButNotHistory) {
  ScopedTempDir dir;
  fs::path code = dir / "code";
  WriteText(code / "train.py", "print(1)\n");
  WriteText(code / "configs/base.yaml", "lr: 0.1\n");
  WriteText(code / ".git/HEAD", "ref: refs/heads/main\n");
  fs::permissions(code / "train.py", fs::perms::owner_all | fs::perms::group_read);
  fs::create_symlink("configs/base.yaml", code / "default.yaml");

  Result<uint64_t> bytes = MakeWorkingCopy(code, dir / "work");
  ASSERT_TRUE(bytes) << bytes.error();
  EXPECT_EQ(*bytes, 9u + 8u);
  EXPECT_EQ(ReadText(dir / "work/train.py"), "print(1)\n");
  EXPECT_EQ(fs::status(dir / "work/train.py").permissions(), fs::perms::owner_all | fs::perms::group_read);
  EXPECT_EQ(ReadText(dir / "work/configs/base.yaml"), "lr: 0.1\n");
  EXPECT_TRUE(fs::is_symlink(dir / "work/default.yaml"));
  EXPECT_EQ(fs::read_symlink(dir / "work/default.yaml"), "configs/base.yaml");
  EXPECT_FALSE(fs::exists(dir / "work/.git"));

  WriteText(dir / "work/train.py", "changed\n");
  EXPECT_EQ(ReadText(code / "train.py"), "print(1)\n") << "writes stay in the copy";
}

TEST(WorkingCopyTest, RefusesAFolderThatExists) {
  ScopedTempDir dir;
  WriteText(dir / "code/a", "x");
  fs::create_directories(dir / "work");
  Result<uint64_t> bytes = MakeWorkingCopy(dir / "code", dir / "work");
  ASSERT_FALSE(bytes);
  EXPECT_NE(bytes.error().find("it exists"), std::string::npos) << bytes.error();
}

}  // namespace
}  // namespace repro
