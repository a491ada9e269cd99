// End-to-end: repro installed like any other tool, into a scratch prefix with cmake --install
// and from its .deb unpacked with dpkg -x, then run on a manifest in a folder outside the
// source tree: it must find its probes and profiles beside itself.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::ScopedTempDir;
using testing::WriteText;

class InstallTest : public ::testing::Test {
 protected:
  // Runs "argv" in "cwd"; its stdout and stderr together.
  testing::CommandResult Run(const std::vector<std::string>& argv, const fs::path& cwd, double timeout = 240) {
    ProcessSpec spec;
    spec.argv = argv;
    spec.cwd = cwd;
    spec.env = BuildChildEnvironment({{"NO_COLOR", "1"}, {"HOME", (dir_ / "home").string()}}, {});
    spec.stdout_path = dir_ / "out.log";
    spec.stderr_path = dir_ / "err.log";
    spec.timeout_seconds = timeout;
    ProcessResult result = RunProcess(spec);
    return {result.exit_code.value_or(-1), ReadText(spec.stdout_path), ReadText(spec.stderr_path)};
  }

  // A paper in a folder of its own, outside repro's source tree, whose command is Python: the
  // fingerprint then runs the installed probe.
  fs::path MakePaper() {
    fs::path paper = dir_ / "elsewhere/paper";
    WriteText(paper / "repro.yaml",
              "paper: {title: Installed}\nsource: {path: .}\ndefaults: {deterministic: true}\n"
              "experiments:\n  - {id: e, command: [/usr/bin/python3, -c, \"print('acc=0.5')\"], "
              "metrics: {acc: {stdout: 'acc=(?<value>\\S+)'}}}\n"
              "claims:\n  - {id: acc, experiment: e, metric: acc, reported: \"0.5\"}\n");
    return paper;
  }

  // The installed binary finds its data under "prefix"/share/repro and runs a paper.
  void CheckInstalled(const fs::path& prefix) {
    for (const char* file : {"bin/repro", "share/repro/probes/python.py", "share/repro/probes/R.R",
                             "share/repro/slurm/default.yaml", "share/repro/notebook/run_notebook.py",
                             "share/bash-completion/completions/repro", "share/man/man1/repro.1"}) {
      EXPECT_TRUE(fs::exists(prefix / file)) << file;
    }
    fs::path repro = prefix / "bin/repro";
    testing::CommandResult version = Run({repro.string(), "--version"}, dir_.path());
    EXPECT_NE(version.out.find("(data: " + (prefix / "share/repro").string() + ")"), std::string::npos) << version.out;
    fs::path paper = MakePaper();
    testing::CommandResult run =
        Run({repro.string(), "run", "repro.yaml", "--results", (dir_ / prefix.filename()).string()}, paper);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    testing::CommandResult fingerprint = Run({repro.string(), "fingerprint", "repro.yaml"}, paper);
    EXPECT_EQ(fingerprint.out.find("can't open file"), std::string::npos) << "the probe was found: " << fingerprint.out;
    EXPECT_NE(ReadText(prefix / "share/man/man1/repro.1").find(".SS run"), std::string::npos);
  }

  ScopedTempDir dir_;
};

bool Has(const std::string& tool) { return std::system((tool + " --version >/dev/null 2>&1").c_str()) == 0; }

TEST_F(InstallTest, CmakeInstallGivesARunnableReproWithItsData) {
  REPRO_REQUIRE(Has("cmake") && fs::exists("/usr/bin/python3"), "cmake and python3");
  testing::CommandResult installed =
      Run({"cmake", "--install", REPRO_BUILD_DIR, "--prefix", (dir_ / "prefix").string()}, dir_.path());
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  CheckInstalled(dir_ / "prefix");
}

TEST_F(InstallTest, TheDebianPackageUnpacksToARunnableRepro) {
  REPRO_REQUIRE(Has("cpack") && Has("dpkg-deb") && fs::exists("/usr/bin/python3"), "cpack, dpkg-deb and python3");
  testing::CommandResult packed = Run({"cpack", "-G", "DEB", "-B", (dir_ / "deb").string(), "--config",
                                       std::string(REPRO_BUILD_DIR) + "/CPackConfig.cmake"},
                                      dir_.path(), 280);
  ASSERT_EQ(packed.exit_code, 0) << packed.out << packed.err;
  fs::path deb;
  for (const auto& entry : fs::directory_iterator(dir_ / "deb")) {
    if (entry.path().extension() == ".deb") deb = entry.path();
  }
  ASSERT_FALSE(deb.empty()) << packed.out;
  testing::CommandResult control = Run({"dpkg-deb", "--field", deb.string(), "Depends"}, dir_.path());
  EXPECT_NE(control.out.find("libc6"), std::string::npos)
      << "shared library dependencies are declared: " << control.out;
  testing::CommandResult unpacked = Run({"dpkg-deb", "-x", deb.string(), (dir_ / "root").string()}, dir_.path());
  ASSERT_EQ(unpacked.exit_code, 0) << unpacked.err;
  CheckInstalled(dir_ / "root/usr");
}

}  // namespace
}  // namespace repro
