// The set-up the runner's tests share: a manifest of one experiment "e" over seeds 0-2 whose
// code is the empty folder dir/code, planned, with an in-memory store and results under dir.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness/manifest/parser.h"
#include "harness/runner/runner.h"
#include "harness/store/store.h"
#include "tests/test_util.h"

namespace repro::testing {

// "command" is the experiment's YAML command list; "extra" adds keys to the experiment.
inline std::string ToyManifest(const std::string& command, const std::string& extra = "") {
  return "paper: {title: t}\nsource: {path: code}\nexperiments:\n  - id: e\n    command: " + command +
         "\n    seeds: [0, 1, 2]\n" + extra +
         "    metrics: {acc: {stdout: 'acc=(?<value>\\S+)'}}\n"
         "claims:\n  - {id: c, experiment: e, metric: acc, reported: \"0.9\"}\n";
}

template <typename Base = ::testing::Test>
class ToyRunTest : public Base {
 protected:
  // Parses and plans "text" as m.yaml in dir_, with the code folder dir_/code.
  void Load(const std::string& text) {
    std::filesystem::create_directories(dir_ / "code");
    ManifestLoad load = ParseManifest(text, "m.yaml", dir_.path());
    ASSERT_TRUE(load.ok());
    manifest_ = load.manifest;
    runs_ = *PlanRuns(manifest_, "tree:abc");
    source_ = {dir_ / "code", "tree:abc", "code", {}};
    store_ = std::move(Store::Open(":memory:")).value();
    options_.results_dir = dir_ / "results";
    options_.cache_dir = dir_ / "cache";
  }

  ScopedTempDir dir_;
  Manifest manifest_;
  std::vector<RunSpec> runs_;
  PreparedSource source_;
  std::unique_ptr<Store> store_;
  RunOptions options_;
};

}  // namespace repro::testing
