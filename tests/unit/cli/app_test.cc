#include "harness/cli/app.h"

#include <gtest/gtest.h>

#include "harness/cli/cli_error.h"
#include "tests/test_util.h"
#include "tests/unit/cli/string_console.h"

namespace repro::cli {
namespace {

int Repro(std::vector<const char*> argv, const testing::StringConsole& console) {
  argv.insert(argv.begin(), "repro");
  return RunCommandLine(static_cast<int>(argv.size()), argv.data(), console.console());
}

TEST(AppTest, AnUnknownCommandIsNamedWithTheCommands) {
  testing::StringConsole console;
  EXPECT_EQ(Repro({"valdate", "x.yaml"}, console), kExitBadInput);
  EXPECT_EQ(
      console.err().rfind(
          "repro: unknown command 'valdate' (did you mean 'validate'?); the commands are: validate, plan, run,", 0),
      0u)
      << console.err();
}

TEST(AppTest, AMissingArgumentIsAUsageError) {
  testing::StringConsole console;
  EXPECT_EQ(Repro({"run"}, console), kExitBadInput);
  EXPECT_NE(console.err().find("manifest is required"), std::string::npos) << console.err();
}

TEST(AppTest, HelpGoesToTheConsoleAndIsNoError) {
  testing::StringConsole console;
  EXPECT_EQ(Repro({"--help"}, console), 0);
  EXPECT_NE(console.out().find("Exit codes: 0 all claims reproduced"), std::string::npos) << console.out();
}

// A command's CliError becomes the process's exit code, its text what stderr says.
TEST(AppTest, ACommandsErrorIsItsExitCodeAndItsText) {
  repro::testing::ScopedTempDir dir;
  std::string results = (dir / "results").string();
  testing::StringConsole console;
  EXPECT_EQ(Repro({"show", "abc", "--results", results.c_str()}, console), kExitBadInput);
  EXPECT_EQ(console.err().rfind("repro: no database at ", 0), 0u) << console.err();
  EXPECT_EQ(console.out(), "");
}

// --source stands for the manifest's code; an experiment pinning its own commit cannot follow
// it. That is a usage error (2), said before anything is cloned or run.
TEST(AppTest, SourceFlagIsRefusedWhileAnExperimentPinsItsOwnCommit) {
  repro::testing::ScopedTempDir dir;
  std::filesystem::create_directories(dir / "checkout");
  std::string c0(40, 'a'), c1(40, 'b');
  repro::testing::WriteText(dir / "m.yaml", "paper: {title: t}\nsource: {git: https://example.org/x, commit: " + c0 +
                                                "}\nexperiments:\n"
                                                "  - {id: old, command: [p], source: {commit: " +
                                                c1 +
                                                "}, metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
                                                "claims:\n  - {id: c, experiment: old, metric: m, reported: 1}\n");
  std::string manifest = (dir / "m.yaml").string(), checkout = (dir / "checkout").string();
  std::string results = (dir / "results").string();
  testing::StringConsole console;
  EXPECT_EQ(Repro({"plan", manifest.c_str(), "--source", checkout.c_str(), "--results", results.c_str()}, console),
            kExitBadInput);
  EXPECT_EQ(console.err(), "repro: experiment 'old' pins its own commit " + c1 +
                               "; --source replaces only the manifest's code: run without --source, or remove the "
                               "experiment's 'commit'\n");
}

// A repro whose data folder is missing warns once, naming the folder and REPRO_CONFIG_DIR.
TEST(AppTest, FingerprintWarnsWhenItsProbesAreMissing) {
  repro::testing::ScopedTempDir empty;
  ::setenv("REPRO_CONFIG_DIR", empty.path().c_str(), 1);
  testing::StringConsole console;
  int code = Repro({"fingerprint"}, console);
  ::unsetenv("REPRO_CONFIG_DIR");
  EXPECT_EQ(code, 0) << console.err();
  std::string warning = "repro: warning: REPRO_CONFIG_DIR=" + empty.path().string() + " holds no probes/ folder";
  EXPECT_EQ(console.err().rfind(warning, 0), 0u) << console.err();
  EXPECT_EQ(console.err().find(warning, 1), std::string::npos) << "once: " << console.err();
}

}  // namespace
}  // namespace repro::cli
