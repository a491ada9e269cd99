#include "harness/fingerprint/fingerprint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/manifest/parser.h"
#include "tests/test_util.h"

namespace repro {
namespace {

TEST(FingerprintTest, DescribesTheMachineTheSameWayTwice) {
  Fingerprint first = TakeFingerprint(nullptr), second = TakeFingerprint(nullptr);
  EXPECT_EQ(first.json, second.json);
  EXPECT_EQ(first.sha256, second.sha256);
  EXPECT_EQ(first.sha256.size(), 64u);
  nlohmann::json machine = nlohmann::json::parse(first.json);
  EXPECT_FALSE(machine["os"].get<std::string>().empty());
  EXPECT_EQ(machine["kernel"].get<std::string>().rfind("Linux ", 0), 0u) << machine["kernel"];
  EXPECT_FALSE(machine["cpu"]["model"].get<std::string>().empty());
  EXPECT_GT(machine["cpu"]["cores"].get<int>(), 0);
  EXPECT_GT(machine["memory_bytes"].get<int64_t>(), int64_t{1} << 20);
  EXPECT_EQ(machine["repro"], REPRO_VERSION);
  EXPECT_TRUE(machine["gpus"].is_array());
  EXPECT_TRUE(machine["interpreters"].empty()) << "no manifest, no interpreters";
}

TEST(FingerprintTest, APythonCommandBringsItsPackagesAndBlas) {
  ManifestLoad load =
      LoadManifest(std::filesystem::path(REPRO_SOURCE_DIR) / "experiments/examples/sklearn-svm/repro.yaml");
  ASSERT_TRUE(load.ok());
  nlohmann::json machine = nlohmann::json::parse(TakeFingerprint(&load.manifest).json);
  REPRO_REQUIRE(machine["interpreters"].contains("/usr/bin/python3"), "/usr/bin/python3 (Debian package python3)");
  const nlohmann::json& python = machine["interpreters"]["/usr/bin/python3"];
  EXPECT_EQ(python["version"].get<std::string>().rfind("Python 3.", 0), 0u) << python;
  REPRO_REQUIRE(python["probe"]["packages"].contains("numpy"),
                "numpy for /usr/bin/python3 (Debian package python3-numpy)");
  EXPECT_FALSE(python["probe"]["blas"].empty()) << "numpy's BLAS is named: " << python;
  EXPECT_TRUE(python["probe"]["packages"].contains("scikit-learn")) << python;
}

// The packages the code imports are recorded, also those it finds on its PYTHONPATH (an
// input or a setup step put them there), and never the code's own modules or the stdlib.
TEST(FingerprintTest, ThePackagesTheCodeImportsAreRecorded) {
  REPRO_REQUIRE(std::filesystem::exists("/usr/bin/python3"), "/usr/bin/python3 (Debian package python3)");
  testing::ScopedTempDir dir;
  testing::WriteText(dir / "code/train.py",
                     "import json\nimport helpers\nfrom vendored_pkg.sub import x\nimport not_installed_pkg\n");
  testing::WriteText(dir / "code/helpers.py", "X = 1\n");
  testing::WriteText(dir / "code/vendor/vendored_pkg/__init__.py", "");
  testing::WriteText(dir / "code/vendor/vendored_pkg-1.2.dist-info/METADATA",
                     "Metadata-Version: 2.1\nName: vendored_pkg\nVersion: 1.2\n");
  testing::WriteText(dir / "code/vendor/vendored_pkg-1.2.dist-info/top_level.txt", "vendored_pkg\n");
  std::string text =
      "paper: {title: t}\nsource: {path: code}\nenv: {PYTHONPATH: vendor}\nexperiments:\n"
      "  - {id: e, command: [/usr/bin/python3, train.py], metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
      "claims:\n  - {id: c, experiment: e, metric: m, reported: 1}\n";
  ManifestLoad load = ParseManifest(text, "m.yaml", dir.path());
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  nlohmann::json machine = nlohmann::json::parse(TakeFingerprint(&load.manifest, dir / "code").json);
  const nlohmann::json& probe = machine["interpreters"]["/usr/bin/python3"]["probe"];
  ASSERT_TRUE(probe.contains("packages")) << probe;
  EXPECT_EQ(probe["packages"].value("vendored_pkg", ""), "1.2") << probe;
  EXPECT_EQ(probe["imports_without_version"], nlohmann::json::array({"not_installed_pkg"})) << probe;
  EXPECT_FALSE(probe["packages"].contains("helpers")) << probe;
}

// A repro copied without its data, or pointed at the wrong folder, says so once rather than
// storing the probe's error in every fingerprint.
TEST(FingerprintTest, MissingProbesAreNamedWithWhereReproLookedAndTheVariable) {
  EXPECT_EQ(MissingProbes(nullptr), std::nullopt) << "the build tree's configs/ has them";
  testing::ScopedTempDir empty;
  ::setenv("REPRO_CONFIG_DIR", empty.path().c_str(), 1);
  std::optional<std::string> missing = MissingProbes(nullptr);
  ManifestLoad python = ParseManifest(
      "paper: {title: t}\nsource: {path: .}\nexperiments:\n"
      "  - {id: e, command: [python3, train.py], metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
      "claims:\n  - {id: c, experiment: e, metric: m, reported: 1}\n",
      "m.yaml", empty.path());
  ManifestLoad shell = ParseManifest(
      "paper: {title: t}\nsource: {path: .}\nexperiments:\n"
      "  - {id: e, command: [/bin/sh, train.sh], metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
      "claims:\n  - {id: c, experiment: e, metric: m, reported: 1}\n",
      "m.yaml", empty.path());
  ASSERT_TRUE(python.ok() && shell.ok());
  std::optional<std::string> for_python = MissingProbes(&python.manifest);
  std::optional<std::string> for_shell = MissingProbes(&shell.manifest);
  ::unsetenv("REPRO_CONFIG_DIR");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->rfind("REPRO_CONFIG_DIR=" + empty.path().string() + " holds no probes/ folder", 0), 0u)
      << *missing;
  EXPECT_NE(missing->find("without package versions"), std::string::npos) << *missing;
  EXPECT_TRUE(for_python.has_value());
  EXPECT_EQ(for_shell, std::nullopt) << "no probe would run: nothing to warn about";
}

TEST(FingerprintTest, AnRCommandRecordsThePackagesItsCodeLoads) {
  REPRO_REQUIRE(std::filesystem::exists("/usr/bin/Rscript"), "/usr/bin/Rscript (Debian package r-base-core)");
  testing::ScopedTempDir dir;
  testing::WriteText(dir / "code/fit.R", "library(stats)\nx <- utils::head(1:3)\n");
  std::string text =
      "paper: {title: t}\nsource: {path: code}\nexperiments:\n"
      "  - {id: e, command: [/usr/bin/Rscript, fit.R], metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
      "claims:\n  - {id: c, experiment: e, metric: m, reported: 1}\n";
  ManifestLoad load = ParseManifest(text, "m.yaml", dir.path());
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  nlohmann::json machine = nlohmann::json::parse(TakeFingerprint(&load.manifest, dir / "code").json);
  const nlohmann::json& probe = machine["interpreters"]["/usr/bin/Rscript"]["probe"];
  ASSERT_TRUE(probe.is_object() && probe.contains("packages")) << probe;
  EXPECT_TRUE(probe["packages"].contains("stats")) << probe;
  EXPECT_TRUE(probe["packages"].contains("utils")) << "named with ::, " << probe;
  EXPECT_EQ(probe["implementation"], "R");
}

}  // namespace
}  // namespace repro
