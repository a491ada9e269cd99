// Issue #14, "a bundle whose tampering shows": SHA256SUMS alone is rewritten as easily as the
// file it lists. A log edited together with its SHA256SUMS line disagrees with the hashes
// report.json lists; a bundle rewritten consistently (log, report and SHA256SUMS) has another
// root digest than the one published, and its SSH signature no longer verifies.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

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

struct Tool {
  int exit_code = -1;
  std::string out;
};
Tool RunTool(std::vector<std::string> argv, const fs::path& cwd, const EnvPairs& env = {}) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.cwd = cwd;
  spec.env = BuildChildEnvironment(env, {});
  spec.stdout_path = cwd / "tool.out";
  spec.stderr_path = cwd / "tool.err";
  spec.timeout_seconds = 60;
  ProcessResult result = RunProcess(spec);
  return {result.exit_code.value_or(-1), ReadText(spec.stdout_path) + ReadText(spec.stderr_path)};
}

// `repro verify` with its own empty TMPDIR: what it leaves behind is seen.
struct Verified {
  int exit_code = -1;
  std::string out;
  std::vector<fs::path> left_in_tmp;
};
Verified Verify(const fs::path& archive, const fs::path& work, const std::vector<std::string>& options = {}) {
  fs::path tmp = work / "verify-tmp";
  fs::create_directories(tmp);
  std::vector<std::string> argv = {REPRO_BINARY, "verify", archive.string()};
  argv.insert(argv.end(), options.begin(), options.end());
  Tool tool = RunTool(argv, work, {{"TMPDIR", tmp.string()}, {"NO_COLOR", "1"}});
  Verified verified{tool.exit_code, tool.out, {}};
  for (const auto& entry : fs::directory_iterator(tmp)) verified.left_in_tmp.push_back(entry.path());
  return verified;
}

bool HasSshKeygen() {
  ScopedTempDir dir;
  return RunTool({"ssh-keygen", "-?"}, dir.path()).exit_code != -1;  // usage, exit 1; -1: it did not start
}

class BundleSigning : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(dir_ / "code/train.sh", "echo acc=0.9\n");
    WriteText(dir_ / "paper.yaml",
              "paper: {title: Signed}\nsource: {path: code}\ndefaults: {timeout: 30s, seeds: [0]}\n"
              "experiments:\n  - id: e\n    command: [/bin/sh, train.sh]\n"
              "    metrics: {acc: {stdout: 'acc=(?<value>\\S+)'}}\n"
              "claims:\n  - {id: c, experiment: e, metric: acc, reported: \"0.9\", tolerance: {abs: 0.05}}\n");
    testing::CommandResult run = RunRepro({"run", "paper.yaml", "--isolation", "none"}, dir_.path());
    ASSERT_NE(run.exit_code, 3) << run.err;
  }

  // Bundles into dir_/b.tar.gz and returns the root digest it printed.
  std::string Bundle(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"bundle", "paper.yaml", "-o", (dir_ / "b.tar.gz").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    bundled_ = RunRepro(args, dir_.path());
    EXPECT_EQ(bundled_.exit_code, 0) << bundled_.err;
    std::smatch match;
    EXPECT_TRUE(std::regex_search(bundled_.out, match, std::regex("root digest: ([0-9a-f]{64})\n"))) << bundled_.out;
    return match.size() > 1 ? match[1].str() : "";
  }

  // Unpacks the bundle, lets "edit" change files in b/, rewrites SHA256SUMS to match every
  // file as it now is (a careful forger), and packs it again as tampered.tar.gz.
  template <typename Edit>
  fs::path Tamper(Edit edit) {
    fs::path work = dir_ / "tamper";
    fs::remove_all(work);
    fs::create_directories(work);
    EXPECT_EQ(RunTool({"tar", "-xzf", (dir_ / "b.tar.gz").string()}, work).exit_code, 0);
    edit(work / "b");
    std::string sums = ReadText(work / "b/SHA256SUMS"), rewritten;
    std::istringstream lines(sums);
    for (std::string line; std::getline(lines, line);) {
      std::string name = line.substr(66);
      rewritten += Sha256File(work / "b" / name).value_or("?") + "  " + name + "\n";
    }
    WriteText(work / "b/SHA256SUMS", rewritten);
    fs::path tampered = work / "tampered.tar.gz";
    EXPECT_EQ(RunTool({"tar", "-czf", tampered.string(), "b"}, work).exit_code, 0);
    return tampered;
  }

  // The stdout.log of the bundle's one attempt.
  static fs::path Log(const fs::path& bundle) {
    for (const auto& entry : fs::recursive_directory_iterator(bundle / "logs")) {
      if (entry.path().filename() == "stdout.log") return entry.path();
    }
    return {};
  }

  // An ed25519 key pair in dir_/name and an allowed_signers file naming "identity" for it.
  fs::path MakeKey(const std::string& name, const std::string& identity) {
    Tool made = RunTool({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", identity, "-f", (dir_ / name).string()},
                        dir_.path());
    EXPECT_EQ(made.exit_code, 0) << made.out;
    WriteText(dir_ / (name + ".allowed"),
              identity + " namespaces=\"repro-bundle\" " + ReadText(dir_ / (name + ".pub")));
    return dir_ / name;
  }

  ScopedTempDir dir_;
  testing::CommandResult bundled_;
};

TEST_F(BundleSigning, ALogEditedWithItsSumsLineDisagreesWithTheReportAndTheRootDigest) {
  std::string digest = Bundle();
  ASSERT_EQ(digest.size(), 64u);
  Verified clean = Verify(dir_ / "b.tar.gz", dir_.path(), {"--digest", digest});
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_NE(clean.out.find("root digest: " + digest + " (matches --digest)"), std::string::npos) << clean.out;
  EXPECT_NE(clean.out.find("report.json: 4 file hash(es) it lists match the bundled files"), std::string::npos)
      << "manifest, stdout.log, stderr.log, attempt.json: " << clean.out;

  fs::path tampered = Tamper([](const fs::path& b) { WriteText(Log(b), "acc=0.99\n"); });
  Verified verified = Verify(tampered, dir_.path());
  EXPECT_EQ(verified.exit_code, 1) << verified.out;
  std::smatch listed;
  ASSERT_TRUE(
      std::regex_search(verified.out, listed, std::regex(R"(tampered\.tar\.gz: (\d+) of (\d+) files as bundled)")))
      << verified.out;
  EXPECT_EQ(listed[1], listed[2]) << "SHA256SUMS was rewritten to match: every listed file is 'intact'";
  EXPECT_NE(verified.out.find("report.json vouches for " + (dir_ / "results").string()), std::string::npos)
      << verified.out;
  EXPECT_NE(verified.out.find("stdout.log with sha256"), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find("this bundle was changed after it was made"), std::string::npos) << verified.out;

  // The forger who rewrites report.json too is left with another root digest.
  fs::path thorough = Tamper([](const fs::path& b) {
    std::string before = Sha256File(Log(b)).value_or("?");
    WriteText(Log(b), "acc=0.99\n");
    std::string report = ReadText(b / "report.json");
    for (size_t at = report.find(before); at != std::string::npos; at = report.find(before, at)) {
      report.replace(at, before.size(), Sha256Hex("acc=0.99\n"));
    }
    WriteText(b / "report.json", report);
  });
  Verified consistent = Verify(thorough, dir_.path());
  EXPECT_EQ(consistent.exit_code, 0) << "nothing inside disagrees any more: " << consistent.out;
  Verified against_digest = Verify(thorough, dir_.path(), {"--digest", digest});
  EXPECT_EQ(against_digest.exit_code, 1) << against_digest.out;
  EXPECT_NE(against_digest.out.find("is not the one given (" + digest + ")"), std::string::npos) << against_digest.out;
}

TEST_F(BundleSigning, ASignedBundleVerifiesForItsSignerOnlyAndNotOnceRewritten) {
  REPRO_REQUIRE(HasSshKeygen(), "ssh-keygen (openssh-client)");
  fs::path key = MakeKey("author", "author@example.org");
  MakeKey("stranger", "stranger@example.org");
  std::string digest = Bundle({"--sign", key.string()});
  EXPECT_NE(bundled_.out.find("SHA256SUMS signed (SHA256SUMS.sig)"), std::string::npos) << bundled_.out;
  Tool listing = RunTool({"tar", "-tzf", (dir_ / "b.tar.gz").string()}, dir_.path());
  EXPECT_NE(listing.out.find("b/SHA256SUMS.sig\n"), std::string::npos) << listing.out;

  std::string allowed = (dir_ / "author.allowed").string();
  Verified good =
      Verify(dir_ / "b.tar.gz", dir_.path(), {"--allowed-signers", allowed, "--identity", "author@example.org"});
  EXPECT_EQ(good.exit_code, 0) << good.out;
  EXPECT_NE(good.out.find("signature: Good \"repro-bundle\" signature for author@example.org"), std::string::npos)
      << good.out;
  EXPECT_EQ(good.out.find("not listed"), std::string::npos) << "the signature is not a slipped-in file: " << good.out;
  EXPECT_TRUE(good.left_in_tmp.empty()) << "nothing left behind: " << good.left_in_tmp.front();

  Verified unsigned_check = Verify(dir_ / "b.tar.gz", dir_.path());
  EXPECT_EQ(unsigned_check.exit_code, 0) << unsigned_check.out;
  EXPECT_NE(unsigned_check.out.find("SHA256SUMS.sig present, not checked"), std::string::npos) << unsigned_check.out;

  Verified other_signer =
      Verify(dir_ / "b.tar.gz", dir_.path(),
             {"--allowed-signers", (dir_ / "stranger.allowed").string(), "--identity", "stranger@example.org"});
  EXPECT_EQ(other_signer.exit_code, 1) << other_signer.out;
  EXPECT_NE(other_signer.out.find("bad signature: SHA256SUMS.sig does not verify for stranger@example.org"),
            std::string::npos)
      << other_signer.out;

  // Rewritten consistently, signature kept: SHA256SUMS is no longer what was signed.
  fs::path tampered = Tamper([](const fs::path& b) {
    std::string before = Sha256File(Log(b)).value_or("?");
    WriteText(Log(b), "acc=0.99\n");
    std::string report = ReadText(b / "report.json");
    for (size_t at = report.find(before); at != std::string::npos; at = report.find(before, at)) {
      report.replace(at, before.size(), Sha256Hex("acc=0.99\n"));
    }
    WriteText(b / "report.json", report);
  });
  Verified rewritten =
      Verify(tampered, dir_.path(), {"--allowed-signers", allowed, "--identity", "author@example.org"});
  EXPECT_EQ(rewritten.exit_code, 1) << rewritten.out;
  EXPECT_NE(rewritten.out.find("bad signature: SHA256SUMS.sig does not verify for author@example.org"),
            std::string::npos)
      << rewritten.out;
  EXPECT_TRUE(rewritten.left_in_tmp.empty());
}

TEST_F(BundleSigning, AnUnsignedBundleFailsASignatureCheck) {
  REPRO_REQUIRE(HasSshKeygen(), "ssh-keygen (openssh-client)");
  MakeKey("author", "author@example.org");
  Bundle();
  Verified verified =
      Verify(dir_ / "b.tar.gz", dir_.path(),
             {"--allowed-signers", (dir_ / "author.allowed").string(), "--identity", "author@example.org"});
  EXPECT_EQ(verified.exit_code, 1) << verified.out;
  EXPECT_NE(verified.out.find("no signature: the bundle has no SHA256SUMS.sig"), std::string::npos) << verified.out;
}

}  // namespace
}  // namespace repro
