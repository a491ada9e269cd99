#include <gtest/gtest.h>

#include "harness/manifest/parser.h"
#include "harness/source/source.h"
#include "tests/test_util.h"

namespace repro {
namespace {

TEST(DeviationsTest, AnInputIsShownFromWhereTheManifestSaysNotAsADeepRelativePath) {
  testing::ScopedTempDir dir;
  std::filesystem::create_directories(dir / "code");
  std::string sha(64, 'a');
  std::string text =
      "paper: {title: t}\nsource: {path: code}\ninputs:\n"
      "  - {path: data.csv, sha256: " +
      sha +
      ", from: /tmp/x/data.csv}\n"
      "  - {path: more.csv, sha256: " +
      sha +
      ", from: ../shared/more.csv}\n"
      "experiments:\n  - {id: e, command: [p], metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
      "claims:\n  - {id: c, experiment: e, metric: m, reported: 1}\n";
  ManifestLoad load = ParseManifest(text, "m.yaml", dir.path());
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  std::vector<std::string> lines = Deviations(load.manifest);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "input data.csv (sha256 " + sha + ") from /tmp/x/data.csv");
  EXPECT_EQ(lines[1], "input more.csv (sha256 " + sha + ") from ../shared/more.csv");
}

}  // namespace
}  // namespace repro
