// Bundles from hostile input (issue #13, #14): released code that swaps its own logs for a
// symlink or a FIFO gets nothing else packed, and `repro verify` of an archive made by
// anyone reads only regular members inside the bundle, never blocks, never follows a link,
// never hashes a path SHA256SUMS names outside the bundle, and leaves nothing behind.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "harness/util/hash.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

constexpr const char* kSecret = "SECRET-5e2b9d";

std::string Manifest() {
  return "paper: {title: \"Hostile bundle\"}\n"
         "source: {path: code}\n"
         "defaults: {timeout: 30s, seeds: [0], deterministic: true}\n"
         "experiments:\n"
         "  - id: e\n"
         "    command: [/bin/sh, train.sh]\n"
         "    metrics: {acc: {stdout: 'acc=(?<value>\\S+)'}}\n"
         "claims:\n"
         "  - {id: c, experiment: e, metric: acc, reported: \"0.9\"}\n";
}

ProcessResult RunTool(std::vector<std::string> argv, const fs::path& cwd, const EnvPairs& env = {}) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.cwd = cwd;
  spec.env = BuildChildEnvironment(env, {});
  spec.stdout_path = cwd / "tool.out";
  spec.stderr_path = cwd / "tool.err";
  spec.timeout_seconds = 60;
  return RunProcess(spec);
}

// Every regular file's text under "dir", concatenated.
std::string AllText(const fs::path& dir) {
  std::string text;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) text += ReadText(entry.path());
  }
  return text;
}

// `repro verify` with its own empty TMPDIR, so a test sees anything it leaves behind.
struct Verified {
  int exit_code = -1;
  std::string out;
  std::chrono::steady_clock::duration took{};
  std::vector<fs::path> left_in_tmp;
};
Verified Verify(const fs::path& archive, const fs::path& work) {
  fs::path tmp = work / "verify-tmp";
  fs::create_directories(tmp);
  auto start = std::chrono::steady_clock::now();
  ProcessResult result =
      RunTool({REPRO_BINARY, "verify", archive.string()}, work, {{"TMPDIR", tmp.string()}, {"NO_COLOR", "1"}});
  Verified verified{result.exit_code.value_or(-1),
                    ReadText(work / "tool.out") + ReadText(work / "tool.err"),
                    std::chrono::steady_clock::now() - start,
                    {}};
  for (const auto& entry : fs::directory_iterator(tmp)) verified.left_in_tmp.push_back(entry.path());
  return verified;
}

TEST(HostileBundle, ASymlinkOrFifoTheChildPlantsForItsLogsIsRefusedByName) {
  ScopedTempDir dir;
  WriteText(dir / "secret.txt", std::string(kSecret) + "\n");
  // The child's working folder is attempt-N/work: its logs are one level up.
  WriteText(dir / "code/train.sh",
            "rm -f ../stderr.log ../stdout.log\n"
            "ln -s " +
                (dir / "secret.txt").string() +
                " ../stderr.log\n"
                "mkfifo ../stdout.log\n"
                "echo acc=0.9\n");
  WriteText(dir / "paper.yaml", Manifest());
  testing::CommandResult run = RunRepro({"run", "paper.yaml", "--isolation", "none"}, dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  fs::path archive = dir / "b.tar.gz";
  auto start = std::chrono::steady_clock::now();
  testing::CommandResult bundled = RunRepro({"bundle", "paper.yaml", "-o", archive.string()}, dir.path());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30)) << "a FIFO is never opened for reading";
  ASSERT_EQ(bundled.exit_code, 0) << bundled.err;
  EXPECT_NE(bundled.err.find("/stderr.log: not a regular file (a symbolic link)\n"), std::string::npos) << bundled.err;
  EXPECT_NE(bundled.err.find("/stdout.log: not a regular file (a FIFO)\n"), std::string::npos) << bundled.err;

  ScopedTempDir unpacked;
  ASSERT_EQ(RunTool({"tar", "-xzf", archive.string()}, unpacked.path()).exit_code, 0);
  EXPECT_EQ(AllText(unpacked / "b").find(kSecret), std::string::npos) << "the symlink's target is not in the bundle";
  std::string sums = ReadText(unpacked / "b/SHA256SUMS");
  EXPECT_EQ(sums.find("stderr.log"), std::string::npos) << sums;
  EXPECT_NE(sums.find("attempt.json"), std::string::npos) << "the attempt's own regular files are bundled: " << sums;

  testing::CommandResult html = RunRepro({"report", "paper.yaml", "--format", "html"}, dir.path());
  EXPECT_EQ(html.out.find(kSecret), std::string::npos);
  EXPECT_EQ(html.out.find(Sha256Hex(std::string(kSecret) + "\n")), std::string::npos) << "no hash of the link's target";

  Verified verified = Verify(archive, dir.path());
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
}

TEST(HostileBundle, VerifyReadsOnlyRegularFilesInsideTheBundleAndNeverBlocks) {
  ScopedTempDir dir;
  fs::path outside = dir / "outside.txt";
  WriteText(outside, "outside\n");
  std::string outside_hash = Sha256Hex("outside\n");
  WriteText(dir / "b/good.txt", "good\n");
  fs::create_symlink(outside, dir / "b/report.html");
  ASSERT_EQ(::mkfifo((dir / "b/pipe").c_str(), 0600), 0);
  WriteText(dir / "b/SHA256SUMS", Sha256Hex("good\n") + "  good.txt\n" + outside_hash + "  report.html\n" +
                                      Sha256Hex("") + "  pipe\n" + std::string(64, '0') + "  ../../../../etc/shadow\n" +
                                      outside_hash + "  " + outside.string() + "\n");
  // -P keeps "b/../outside.txt" as it is: a member that would land outside the folder.
  fs::path archive = dir / "bad.tar.gz";
  ProcessResult packed = RunTool({"tar", "-czPf", archive.string(), "b", "b/../outside.txt"}, dir.path());
  ASSERT_EQ(packed.exit_code, 0) << ReadText(dir / "tool.err");

  Verified verified = Verify(archive, dir.path());
  EXPECT_LT(verified.took, std::chrono::seconds(20)) << "a FIFO member does not block";
  EXPECT_EQ(verified.exit_code, 1) << verified.out;
  for (const std::string& expected : std::vector<std::string>{
           "outside the bundle: b/../outside.txt (not read)\n",
           "not a regular file: report.html (a symbolic link to " + outside.string() + ")\n",
           std::string("not a regular file: pipe (a FIFO)\n"),
           std::string("outside the bundle: ../../../../etc/shadow (listed in SHA256SUMS, not read)\n"),
           "outside the bundle: " + outside.string() + " (listed in SHA256SUMS, not read)\n",
           "bad.tar.gz: 1 of 5 files as bundled; this bundle was changed after it was made\n"}) {
    EXPECT_NE(verified.out.find(expected), std::string::npos) << "expected: " << expected << "in:\n" << verified.out;
  }
  EXPECT_TRUE(verified.left_in_tmp.empty()) << "verify unpacks nothing: " << verified.left_in_tmp.front();
}

TEST(HostileBundle, AFileSlippedInIsNamedWithoutChangingTheCountOfIntactFiles) {
  ScopedTempDir dir;
  WriteText(dir / "code/train.sh", "echo acc=0.9\n");
  WriteText(dir / "paper.yaml", Manifest());
  ASSERT_EQ(RunRepro({"run", "paper.yaml", "--isolation", "none"}, dir.path()).exit_code, 0);
  fs::path archive = dir / "b.tar.gz";
  ASSERT_EQ(RunRepro({"bundle", "paper.yaml", "-o", archive.string()}, dir.path()).exit_code, 0);
  Verified clean = Verify(archive, dir.path());
  EXPECT_EQ(clean.exit_code, 0) << clean.out;

  ScopedTempDir work;
  ASSERT_EQ(RunTool({"tar", "-xzf", archive.string()}, work.path()).exit_code, 0);
  std::string sums = ReadText(work / "b/SHA256SUMS");
  long listed = std::count(sums.begin(), sums.end(), '\n');
  ASSERT_GT(listed, 3);
  EXPECT_NE(clean.out.find(fmt::format("b.tar.gz: {0} of {0} files as bundled\n", listed)), std::string::npos)
      << clean.out;
  WriteText(work / "b/extra.txt", "slipped in\n");
  fs::path tampered = work / "tampered.tar.gz";
  ASSERT_EQ(RunTool({"tar", "-czf", tampered.string(), "b"}, work.path()).exit_code, 0);
  Verified verified = Verify(tampered, work.path());
  EXPECT_EQ(verified.exit_code, 1) << verified.out;
  EXPECT_NE(verified.out.find("not listed: extra.txt (added after bundling)\n"), std::string::npos) << verified.out;
  EXPECT_NE(
      verified.out.find(fmt::format("tampered.tar.gz: {0} of {0} files as bundled; this bundle was changed", listed)),
      std::string::npos)
      << "every listed file is intact: " << verified.out;
  EXPECT_TRUE(verified.left_in_tmp.empty());
}

TEST(HostileBundle, MemberNamesAreShownNotSentToTheTerminal) {
  ScopedTempDir dir;
  WriteText(dir / "b/SHA256SUMS", Sha256Hex("x") + "  x\x1b[2J.txt\n");
  WriteText(dir / "b/x\x1b[2J.txt", "changed");
  fs::path archive = dir / "esc.tar.gz";
  ASSERT_EQ(RunTool({"tar", "-czf", archive.string(), "b"}, dir.path()).exit_code, 0);
  Verified verified = Verify(archive, dir.path());
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_EQ(verified.out.find('\x1b'), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find("changed: x\\x1b[2J.txt (sha256 expected"), std::string::npos) << verified.out;
}

}  // namespace
}  // namespace repro
