#include <gtest/gtest.h>

#include "harness/util/atomic_file.h"
#include "harness/util/hash.h"
#include "harness/util/read_file.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;
using testing::WriteText;

TEST(Sha256Test, MatchesTheStandardTestVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256TreeTest, ChangesWithContentAndIgnoresToolState) {
  ScopedTempDir dir;
  WriteText(dir / "train.py", "print(1)\n");
  WriteText(dir / "sub/util.py", "x = 1\n");
  Result<std::string> first = Sha256Tree(dir.path());
  ASSERT_TRUE(first.ok()) << first.error();
  WriteText(dir / "__pycache__/util.cpython-311.pyc", "junk");
  WriteText(dir / ".git/HEAD", "ref: refs/heads/main\n");
  EXPECT_EQ(*Sha256Tree(dir.path()), *first);
  WriteText(dir / "sub/util.py", "x = 2\n");
  EXPECT_NE(*Sha256Tree(dir.path()), *first);
}

TEST(AtomicFileTest, ReplacesContentAndLeavesNoTemporaryFile) {
  ScopedTempDir dir;
  std::filesystem::path file = dir / "record.json";
  ASSERT_TRUE(WriteFileAtomically(file, "old").ok());
  ASSERT_TRUE(WriteFileAtomically(file, "new").ok());
  EXPECT_EQ(*ReadFile(file), "new");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(AtomicFileTest, FailureLeavesTheOldFileUntouched) {
  ScopedTempDir dir;
  std::filesystem::path file = dir / "missing-folder" / "record.json";
  Status status = WriteFileAtomically(file, "x");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.error().find("missing-folder"), std::string::npos) << status.error();
}

}  // namespace
}  // namespace repro

#include "harness/util/process_identity.h"

namespace repro {
namespace {

TEST(ProcessIdentityTest, RecognisesLiveDeadReusedAndForeignProcesses) {
  std::string self = ThisProcessIdentity();
  EXPECT_EQ(ProcessLiveness(self), Liveness::kAlive);
  // Same pid, other start time: the pid was reused by another process.
  std::string reused = self.substr(0, self.rfind(':')) + ":1";
  EXPECT_EQ(ProcessLiveness(reused), Liveness::kDead);
  std::string host = self.substr(0, self.find(':'));
  EXPECT_EQ(ProcessLiveness(host + ":999999999:1"), Liveness::kDead);
  EXPECT_EQ(ProcessLiveness("some-other-host:1:1"), Liveness::kUnknown);
  EXPECT_EQ(ProcessLiveness("garbage"), Liveness::kUnknown);
}

}  // namespace
}  // namespace repro
