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
  ManifestLoad load = LoadManifest(std::filesystem::path(REPRO_SOURCE_DIR) / "experiments/examples/sklearn-svm/repro.yaml");
  ASSERT_TRUE(load.ok());
  nlohmann::json machine = nlohmann::json::parse(TakeFingerprint(&load.manifest).json);
  REPRO_REQUIRE(machine["interpreters"].contains("/usr/bin/python3"), "/usr/bin/python3 (Debian package python3)");
  const nlohmann::json& python = machine["interpreters"]["/usr/bin/python3"];
  EXPECT_EQ(python["version"].get<std::string>().rfind("Python 3.", 0), 0u) << python;
  REPRO_REQUIRE(python["probe"]["packages"].contains("numpy"), "numpy for /usr/bin/python3 (Debian package python3-numpy)");
  EXPECT_FALSE(python["probe"]["blas"].empty()) << "numpy's BLAS is named: " << python;
  EXPECT_TRUE(python["probe"]["packages"].contains("scikit-learn")) << python;
}

}  // namespace
}  // namespace repro
