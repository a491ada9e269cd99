// Issue #14, "every deviation and every step in the report": files beside the manifest that
// commands and setup steps run are deviations with their sha256 in every format and in the
// bundle; setup steps are shown with their commands, ends, durations and log tails and
// counted in the compute used; each run's command as it ran and the environment are in the
// Markdown report; inconclusive claims are listed apart; and a checkout missing a file of its
// commit (a mirror that lacked the object, a file deleted from the cache) is a deviation.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/manifest/parser.h"
#include "harness/manifest/plan.h"
#include "harness/report/evaluation.h"
#include "harness/util/hash.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;
using testing::WriteText;

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

std::string Report(const fs::path& dir, const std::string& format, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"report", "paper.yaml", "--format", format};
  args.insert(args.end(), extra.begin(), extra.end());
  testing::CommandResult report = RunRepro(args, dir);
  EXPECT_EQ(report.exit_code, 0) << report.err;
  return report.out;
}

Json JsonReport(const fs::path& dir, const std::vector<std::string>& extra = {}) {
  Json json = Json::parse(Report(dir, "json", extra), nullptr, false);
  EXPECT_TRUE(json.is_object());
  return json;
}

bool Contains(const Json& list, const std::string& part) {
  for (const Json& item : list) {
    if (item.is_string() && item.get<std::string>().find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(ReportCompleteness, TheMnist1dDriverBesideItsManifestIsFoundForEveryExperiment) {
  ManifestLoad load = LoadManifest(fs::path(REPRO_SOURCE_DIR) / "experiments/mnist1d.yaml");
  ASSERT_TRUE(load.ok());
  Result<std::vector<RunSpec>> runs = PlanRuns(load.manifest, "git:x");
  ASSERT_TRUE(runs.ok());
  std::vector<ManifestFile> files = FilesBesideManifest(load.manifest, *runs);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, "mnist1d/driver.py");
  EXPECT_EQ(files[0].sha256, Sha256File(fs::path(REPRO_SOURCE_DIR) / "experiments/mnist1d/driver.py").value_or("?"));
  EXPECT_EQ(files[0].used_by,
            (std::vector<std::string>{"experiment logistic", "experiment mlp", "experiment cnn", "experiment gru"}));
}

// A driver and a setup script beside the manifest, a setup that takes a second and writes
// to both streams: what every report and the bundle must name.
class BesideTheManifest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(dir_ / "code/README", "released code\n");
    WriteText(dir_ / "tools/driver.sh", "echo \"final acc=0.9\"\n");
    WriteText(dir_ / "tools/prepare.sh", "echo building the package\nsleep 1\necho built-it >&2\n");
    WriteText(dir_ / "paper.yaml",
              "paper: {title: Beside}\n"
              "source: {path: code}\n"
              "setup:\n  - [/bin/sh, " +
                  (dir_ / "tools/prepare.sh").string() +
                  "]\n"
                  "defaults: {timeout: 30s, seeds: [0]}\n"
                  "experiments:\n"
                  "  - id: e\n"
                  "    command: [/bin/sh, \"{manifest_dir}/tools/driver.sh\", --out, \"{out}\"]\n"
                  "    metrics: {acc: {stdout: 'final acc=(?<value>\\S+)'}}\n"
                  "claims:\n  - {id: c, experiment: e, metric: acc, reported: \"0.9\", tolerance: {abs: 0.05}}\n");
    run_ = RunRepro({"run", "paper.yaml"}, dir_.path());
    ASSERT_NE(run_.exit_code, 2) << run_.err;
    ASSERT_NE(run_.exit_code, 3) << run_.err;
    driver_hash_ = Sha256File(dir_ / "tools/driver.sh").value_or("?");
    prepare_hash_ = Sha256File(dir_ / "tools/prepare.sh").value_or("?");
  }

  ScopedTempDir dir_;
  testing::CommandResult run_;
  std::string driver_hash_, prepare_hash_;
};

TEST_F(BesideTheManifest, EachFileIsADeviationWithItsHashInEveryFormat) {
  for (std::string format : {"md", "html", "latex", "junit", "json"}) {
    std::string text = Report(dir_.path(), format);
    EXPECT_NE(text.find("tools/driver.sh"), std::string::npos) << format << ":\n" << text;
    EXPECT_NE(text.find(driver_hash_), std::string::npos) << format << ":\n" << text;
    EXPECT_NE(text.find(prepare_hash_), std::string::npos) << format << ":\n" << text;
  }
  // The run's own verdict table says so too.
  EXPECT_NE(run_.out.find("2 deviation(s) from the released code:"), std::string::npos) << run_.out;
  EXPECT_NE(
      run_.out.find("file tools/driver.sh beside the manifest, used by experiment e (sha256 " + driver_hash_ + ")"),
      std::string::npos)
      << run_.out;
  std::string md = Report(dir_.path(), "md");
  EXPECT_NE(md.find("; 2 deviation(s) from the released code."), std::string::npos) << md;
  EXPECT_EQ(md.find("0 deviation(s)"), std::string::npos) << md;

  Json json = JsonReport(dir_.path());
  EXPECT_TRUE(
      Contains(json["source"]["deviations"],
               "file tools/prepare.sh beside the manifest, used by setup step 1 (sha256 " + prepare_hash_ + ")"))
      << json["source"].dump(2);
  const Json& files = json["source"]["files_beside_manifest"];
  ASSERT_EQ(files.size(), 2u) << files.dump(2);
  EXPECT_EQ(files[0]["path"], "tools/prepare.sh");
  EXPECT_EQ(files[1]["path"], "tools/driver.sh");
  EXPECT_EQ(files[1]["sha256"], driver_hash_);
  EXPECT_EQ(files[1]["used_by"], Json::array({"experiment e"}));
}

TEST_F(BesideTheManifest, TheBundleCarriesTheFilesAndTheSetupLogs) {
  fs::path archive = dir_ / "b.tar.gz";
  testing::CommandResult bundled = RunRepro({"bundle", "paper.yaml", "-o", archive.string()}, dir_.path());
  ASSERT_EQ(bundled.exit_code, 0) << bundled.err;
  ScopedTempDir unpacked;
  ASSERT_EQ(RunTool({"tar", "-xzf", archive.string()}, unpacked.path()).exit_code, 0);
  EXPECT_EQ(ReadText(unpacked / "b/manifest/tools/driver.sh"), ReadText(dir_ / "tools/driver.sh"));
  EXPECT_EQ(ReadText(unpacked / "b/manifest/tools/prepare.sh"), ReadText(dir_ / "tools/prepare.sh"));
  std::string sums = ReadText(unpacked / "b/SHA256SUMS");
  EXPECT_NE(sums.find(driver_hash_ + "  manifest/tools/driver.sh\n"), std::string::npos) << sums;
  bool setup_logs = false;
  for (const auto& entry : fs::recursive_directory_iterator(unpacked / "b/setup")) {
    if (entry.path().filename() == "step-1.stderr.log") setup_logs = ReadText(entry.path()) == "built-it\n";
  }
  EXPECT_TRUE(setup_logs) << sums;
}

TEST_F(BesideTheManifest, SetupStepsAreShownWithTheirEndDurationAndLogsAndCountedInCompute) {
  Json json = JsonReport(dir_.path());
  const Json& setup = json["setup"];
  ASSERT_EQ(setup["steps"].size(), 1u) << setup.dump(2);
  const Json& step = setup["steps"][0];
  EXPECT_EQ(step["command"], Json::array({"/bin/sh", (dir_ / "tools/prepare.sh").string()}));
  EXPECT_EQ(step["status"], "completed");
  EXPECT_EQ(step["exit_code"], 0);
  EXPECT_GE(step["wall_seconds"].get<double>(), 0.9) << "the step sleeps a second";
  EXPECT_TRUE(Contains(step["stderr_tail"], "built-it")) << step.dump(2);
  EXPECT_TRUE(Contains(step["stdout_tail"], "building the package")) << step.dump(2);
  EXPECT_EQ(setup["executions"], 1);
  double attempts_wall = 0;
  for (const Json& claim : json["claims"]) attempts_wall += claim["compute"]["wall_seconds"].get<double>();
  EXPECT_GE(json["review"]["compute_total"]["wall_seconds"].get<double>(), attempts_wall + 0.9)
      << "the total counts the setup's second: " << json["review"]["compute_total"].dump();
  EXPECT_NE(json["review"]["summary"]["What was run"].get<std::string>().find("after 1 setup step(s)"),
            std::string::npos);

  std::string md = Report(dir_.path(), "md");
  EXPECT_NE(md.find("## Setup"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1 | `/bin/sh " + (dir_ / "tools/prepare.sh").string() + "` | completed |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("built-it"), std::string::npos) << md;
  EXPECT_NE(md.find("| setup, every step run | 1 |"), std::string::npos) << md;
  std::string html = Report(dir_.path(), "html");
  EXPECT_NE(html.find("<table id=\"setup\">"), std::string::npos) << html;
  EXPECT_NE(html.find("built-it"), std::string::npos) << html;
  EXPECT_NE(run_.out.find("setup: 1 step(s) completed in"), std::string::npos) << run_.out;
}

TEST_F(BesideTheManifest, EachRunsCommandAsItRanAndTheEnvironmentAreInTheMarkdownReport) {
  Json json = JsonReport(dir_.path());
  ASSERT_EQ(json["commands"].size(), 1u);
  std::string out = json["claims"][0]["runs"][0]["dir"].get<std::string>() + "/out";
  EXPECT_EQ(json["commands"][0]["argv"], Json::array({"/bin/sh", (dir_ / "tools/driver.sh").string(), "--out", out}));
  std::string md = Report(dir_.path(), "md");
  EXPECT_NE(md.find("- e seed=0: `/bin/sh " + (dir_ / "tools/driver.sh").string() + " --out " + out + "`"),
            std::string::npos)
      << md;
  size_t environment = md.find("## Environment");
  ASSERT_NE(environment, std::string::npos) << md;
  EXPECT_NE(md.find("| Interpreter /bin/sh |", environment), std::string::npos)
      << "the fingerprint itself, not only a heading:\n"
      << md;
  EXPECT_NE(md.find("| OS |", environment), std::string::npos) << "as a table a reviewer reads:\n" << md;
}

TEST(ReportCompleteness, ASymlinkBesideTheManifestIsNamedButNeitherHashedNorBundled) {
  ScopedTempDir dir;
  WriteText(dir / "secret.txt", "SECRET-41c7\n");
  WriteText(dir / "m/code/README", "released code\n");
  fs::create_directories(dir / "m/tools");
  fs::create_symlink(dir / "secret.txt", dir / "m/tools/driver.sh");
  WriteText(dir / "m/paper.yaml",
            "paper: {title: Link}\nsource: {path: code}\n"
            "experiments:\n  - id: e\n    command: [/bin/echo, \"{manifest_dir}/tools/driver.sh\", \"final acc=0.9\"]\n"
            "    metrics: {acc: {stdout: 'final acc=(?<value>\\S+)'}}\n"
            "claims:\n  - {id: c, experiment: e, metric: acc, reported: \"0.9\"}\n");
  RunRepro({"run", "paper.yaml"}, dir / "m");
  Json json = JsonReport(dir / "m");
  EXPECT_TRUE(Contains(json["source"]["deviations"],
                       "file tools/driver.sh beside the manifest, used by experiment e (sha256 unreadable)"))
      << json["source"].dump(2);
  EXPECT_EQ(json.dump().find(Sha256Hex("SECRET-41c7\n")), std::string::npos);
  fs::path archive = dir / "b.tar.gz";
  ASSERT_EQ(RunRepro({"bundle", "paper.yaml", "-o", archive.string()}, dir / "m").exit_code, 0);
  ScopedTempDir unpacked;
  ASSERT_EQ(RunTool({"tar", "-xzf", archive.string()}, unpacked.path()).exit_code, 0);
  EXPECT_FALSE(fs::exists(fs::symlink_status(unpacked / "b/manifest/tools/driver.sh")));
  testing::CommandResult verified = RunRepro({"verify", archive.string()}, dir / "m");
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
}

TEST(ReportCompleteness, AFailedSetupStepIsShownWithItsExitCode) {
  ScopedTempDir dir;
  WriteText(dir / "code/README", "released code\n");
  WriteText(dir / "paper.yaml",
            "paper: {title: Setup fails}\nsource: {path: code}\n"
            "setup:\n  - [/bin/sh, -c, \"echo no compiler >&2; exit 3\"]\n"
            "experiments:\n  - id: e\n    command: [/bin/echo, \"final acc=0.9\"]\n"
            "    metrics: {acc: {stdout: 'final acc=(?<value>\\S+)'}}\n"
            "claims:\n  - {id: c, experiment: e, metric: acc, reported: \"0.9\"}\n");
  testing::CommandResult run = RunRepro({"run", "paper.yaml"}, dir.path());
  EXPECT_NE(run.out.find("setup: step 1 of 1 failed (exit 3)"), std::string::npos) << run.out << run.err;
  Json json = JsonReport(dir.path());
  ASSERT_EQ(json["setup"]["steps"].size(), 1u) << json["setup"].dump(2);
  EXPECT_EQ(json["setup"]["steps"][0]["status"], "failed");
  EXPECT_EQ(json["setup"]["steps"][0]["exit_code"], 3);
  EXPECT_TRUE(Contains(json["setup"]["steps"][0]["stderr_tail"], "no compiler"));
  std::string md = Report(dir.path(), "md");
  EXPECT_NE(md.find("| failed (exit 3) |"), std::string::npos) << md;

  // A failed setup runs again next time; both executions cost compute.
  RunRepro({"run", "paper.yaml"}, dir.path());
  Json again = JsonReport(dir.path());
  EXPECT_EQ(again["setup"]["executions"], 2);
  EXPECT_EQ(again["setup"]["steps"].size(), 1u) << "the newest execution's steps";
  EXPECT_EQ(again["setup"]["compute"]["attempts"], 2) << again["setup"].dump(2);
}

TEST(ReportCompleteness, InconclusiveClaimsAreListedApartFromThoseThatDidNotReproduce) {
  ScopedTempDir dir;
  WriteText(dir / "code/train.sh", "if [ \"$1\" = 0 ]; then echo 'final acc=0.80'; else echo 'final acc=0.82'; fi\n");
  WriteText(dir / "paper.yaml",
            "paper: {title: Apart}\nsource: {path: code}\n"
            "experiments:\n  - id: e\n    command: [/bin/sh, train.sh, \"{seed}\"]\n    seeds: [0, 1]\n"
            "    metrics: {acc: {stdout: 'final acc=(?<value>\\S+)'}}\n"
            "claims:\n"
            "  - {id: far, experiment: e, metric: acc, reported: \"0.5\", tolerance: {abs: 0.001}}\n"
            "  - {id: tight, experiment: e, metric: acc, reported: \"0.81\", tolerance: {abs: 0.001}}\n");
  RunRepro({"run", "paper.yaml"}, dir.path());
  Json json = JsonReport(dir.path());
  std::vector<std::string> inconclusive;
  for (const Json& claim : json["claims"]) {
    if (claim["verdict"] == "inconclusive") inconclusive.push_back(claim["id"]);
  }
  ASSERT_FALSE(inconclusive.empty()) << "the test needs an inconclusive claim: " << json["claims"].dump(2);
  const Json& summary = json["review"]["summary"];
  for (const std::string& id : inconclusive) {
    EXPECT_NE(summary["Inconclusive"].get<std::string>().find(id + " (inconclusive"), std::string::npos)
        << summary.dump(2);
    EXPECT_EQ(summary["What did not"].get<std::string>().find(id + " ("), std::string::npos) << summary.dump(2);
  }
  EXPECT_NE(summary["What did not"].get<std::string>().find("far (not-reproduced)"), std::string::npos)
      << summary.dump(2);
  std::string md = Report(dir.path(), "md");
  EXPECT_NE(md.find("- Inconclusive: tight (inconclusive"), std::string::npos) << md;
}

// A local git repository is the remote; HOME (git's config) is the test's own.
class CheckoutTree : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* home = std::getenv("HOME");
    old_home_ = home != nullptr ? home : "";
    ::setenv("HOME", (dir_ / "home").c_str(), 1);
    fs::create_directories(dir_ / "home");
    fs::create_directories(dir_ / "upstream");
    Git(dir_ / "upstream", {"init", "--quiet", "--initial-branch=main"});
    WriteText(dir_ / "upstream/train.sh", "echo \"final acc=0.9\"\n");
    WriteText(dir_ / "upstream/data.txt", "weights the code needs\n");
    WriteText(dir_ / "upstream/README", "read me\n");
    Git(dir_ / "upstream", {"add", "."});
    Git(dir_ / "upstream", {"commit", "--quiet", "-m", "release"});
    commit_ = Git(dir_ / "upstream", {"rev-parse", "HEAD"});
  }
  void TearDown() override { ::setenv("HOME", old_home_.c_str(), 1); }

  std::string Git(const fs::path& cwd, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result = RunTool(argv, cwd,
                                   {{"GIT_AUTHOR_NAME", "t"},
                                    {"GIT_AUTHOR_EMAIL", "t@example.org"},
                                    {"GIT_COMMITTER_NAME", "t"},
                                    {"GIT_COMMITTER_EMAIL", "t@example.org"}});
    EXPECT_EQ(result.exit_code, 0) << "git " << args.front() << ": " << ReadText(cwd / "tool.err");
    std::string out = ReadText(cwd / "tool.out");
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  void WriteManifest(const std::string& url) {
    WriteText(dir_ / "paper.yaml",
              "paper: {title: Checkout}\nsource: {git: " + url + ", commit: " + commit_ +
                  "}\n"
                  "experiments:\n  - id: e\n    command: [/bin/sh, train.sh]\n"
                  "    metrics: {acc: {stdout: 'final acc=(?<value>\\S+)'}}\n"
                  "claims:\n  - {id: c, experiment: e, metric: acc, reported: \"0.9\", tolerance: {abs: 0.05}}\n");
  }

  ScopedTempDir dir_;
  std::string old_home_, commit_;
};

TEST_F(CheckoutTree, AMirrorLackingAnObjectIsNamedInTheRunAndTheReport) {
  // A mirror that lost the blob of data.txt: a local clone copies what is there, and the
  // checkout exits 0 after "unable to read sha1 file", leaving data.txt out.
  ASSERT_EQ(RunTool({"git", "clone", "--quiet", "--bare", (dir_ / "upstream").string(), (dir_ / "mirror.git").string()},
                    dir_.path())
                .exit_code,
            0);
  std::string blob = Git(dir_ / "upstream", {"rev-parse", "HEAD:data.txt"});
  ASSERT_TRUE(fs::remove(dir_ / "mirror.git/objects" / blob.substr(0, 2) / blob.substr(2)));
  WriteText(dir_ / "home/.gitconfig",
            "[url \"" + (dir_ / "mirror.git").string() + "\"]\n\tinsteadOf = https://github.invalid/author/paper\n");
  WriteManifest("https://github.invalid/author/paper");

  testing::CommandResult run = RunRepro({"run", "paper.yaml"}, dir_.path());
  std::string missing = "the checkout of commit " + commit_ + " lacks 1 file(s) of that commit: data.txt";
  EXPECT_NE(run.err.find(missing), std::string::npos) << "named while it runs:\n" << run.err;
  EXPECT_NE(run.out.find(missing), std::string::npos) << "and under the verdicts:\n" << run.out;
  EXPECT_NE(Report(dir_.path(), "md").find(missing), std::string::npos);
  Json json = JsonReport(dir_.path());
  EXPECT_TRUE(Contains(json["source"]["deviations"], missing)) << json["source"].dump(2);
}

TEST_F(CheckoutTree, AFileRemovedOrChangedInTheCachedCheckoutIsNamedByTheReport) {
  WriteManifest("file://" + (dir_ / "upstream").string());
  testing::CommandResult run = RunRepro({"run", "paper.yaml"}, dir_.path());
  ASSERT_EQ(run.err.find("lacks"), std::string::npos) << run.err;
  EXPECT_FALSE(Contains(JsonReport(dir_.path())["source"]["deviations"], "checkout"))
      << "a clean checkout has no deviation";

  fs::path checkout;
  for (const auto& entry : fs::directory_iterator(dir_ / "home/.cache/repro/git")) {
    if (entry.path().filename().string().ends_with(commit_)) checkout = entry.path();
  }
  ASSERT_FALSE(checkout.empty());
  fs::remove(checkout / "data.txt");
  WriteText(checkout / "README", "changed after the clone\n");
  Json json = JsonReport(dir_.path());
  EXPECT_TRUE(Contains(json["source"]["deviations"],
                       "the checkout of commit " + commit_ + " lacks 1 file(s) of that commit: data.txt"))
      << json["source"].dump(2);
  EXPECT_TRUE(Contains(json["source"]["deviations"], "has 1 file(s) that differ from that commit: README"))
      << json["source"].dump(2);
  EXPECT_NE(Report(dir_.path(), "html").find("lacks 1 file(s) of that commit: data.txt"), std::string::npos);
}

}  // namespace
}  // namespace repro
