#include <gtest/gtest.h>

#include "harness/manifest/parser.h"
#include "harness/source/source.h"
#include "harness/util/hash.h"
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

// An experiment's own commit or patches: SourceOf gives the code its runs use, and the
// deviations name each override beside the manifest's.
TEST(DeviationsTest, PerExperimentOverridesAreTheirRunsCodeAndAreEachNamed) {
  testing::ScopedTempDir dir;
  testing::WriteText(dir / "base.patch", "base\n");
  testing::WriteText(dir / "fix.patch", "fix\n");
  std::string c0(40, 'a'), c1(40, 'b');
  std::string text = "paper: {title: t}\nsource: {git: https://example.org/x, commit: " + c0 +
                     ", patches: [base.patch]}\nexperiments:\n"
                     "  - {id: a, command: [p], metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
                     "  - {id: b, command: [p], source: {commit: " +
                     c1 +
                     "}, metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
                     "  - {id: c, command: [p], source: {patches: [fix.patch]}, metrics: {m: {stdout: "
                     "'(?<value>\\d+)'}}}\n"
                     "  - {id: d, command: [p], source: {patches: []}, metrics: {m: {stdout: '(?<value>\\d+)'}}}\n"
                     "claims:\n  - {id: c, experiment: a, metric: m, reported: 1}\n";
  ManifestLoad load = ParseManifest(text, "m.yaml", dir.path());
  ASSERT_TRUE(load.ok()) << load.errors.front().ToString();
  const Manifest& m = load.manifest;
  Source a = m.SourceOf(*m.FindExperiment("a")), b = m.SourceOf(*m.FindExperiment("b"));
  Source c = m.SourceOf(*m.FindExperiment("c")), d = m.SourceOf(*m.FindExperiment("d"));
  EXPECT_EQ(a.commit, c0);
  EXPECT_EQ(a.patches, (std::vector<std::filesystem::path>{dir / "base.patch"}));
  EXPECT_EQ(b.commit, c1) << "its own commit";
  EXPECT_EQ(b.git, "https://example.org/x");
  EXPECT_EQ(b.patches, a.patches) << "the manifest's patches, not overridden";
  EXPECT_EQ(c.commit, c0);
  EXPECT_EQ(c.patches, (std::vector<std::filesystem::path>{dir / "fix.patch"})) << "its patches replace the manifest's";
  EXPECT_TRUE(d.patches.empty());
  EXPECT_EQ(Deviations(m), (std::vector<std::string>{
                               "patch base.patch applied (sha256 " + Sha256Hex("base\n") + ")",
                               "experiment 'b' runs commit " + c1 + " (the manifest's: " + c0 + ")",
                               "experiment 'c': patch fix.patch applied (sha256 " + Sha256Hex("fix\n") + ")",
                               "experiment 'd' applies no patch",
                           }));
}

}  // namespace
}  // namespace repro
