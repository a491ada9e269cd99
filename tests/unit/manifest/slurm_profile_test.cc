#include "harness/manifest/slurm_profile.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

TEST(SlurmProfileTest, EveryKeyIsRead) {
  ScopedTempDir dir;
  testing::WriteText(
      dir / "p.yaml",
      "partition: gpu\naccount: lab\nqos: high\nsbatch: [--exclusive, --constraint=a100]\nmax_running: 4\n"
      "warning: 2m\npoll: {min: 0.5s, max: 1m}\nlost_after: 1h\nrecord_grace: 10s\nsettle: 2s\n");
  SlurmProfileLoad load = LoadSlurmProfile(dir / "p.yaml");
  ASSERT_TRUE(load.errors.empty()) << load.errors.front().ToString();
  EXPECT_EQ(load.profile.partition, "gpu");
  EXPECT_EQ(load.profile.account, "lab");
  EXPECT_EQ(load.profile.qos, "high");
  EXPECT_EQ(load.profile.extra, (std::vector<std::string>{"--exclusive", "--constraint=a100"}));
  EXPECT_EQ(load.profile.max_running, 4);
  EXPECT_EQ(load.profile.warning_seconds, 120);
  EXPECT_EQ(load.profile.poll_min_seconds, 0.5);
  EXPECT_EQ(load.profile.poll_max_seconds, 60);
  EXPECT_EQ(load.profile.lost_after_seconds, 3600);
  EXPECT_EQ(load.profile.record_grace_seconds, 10);
  EXPECT_EQ(load.profile.settle_seconds, 2);
}

TEST(SlurmProfileTest, MistakesAreReportedWithTheirLines) {
  ScopedTempDir dir;
  testing::WriteText(dir / "p.yaml", "partiton: gpu\nsbatch: [exclusive]\npoll: {min: 10s, max: 1s}\nwarning: soon\n");
  SlurmProfileLoad load = LoadSlurmProfile(dir / "p.yaml");
  std::string all;
  for (const Diagnostic& d : load.errors) all += d.ToString() + "\n";
  ASSERT_EQ(load.errors.size(), 4u) << all;
  EXPECT_NE(all.find(":1:"), std::string::npos) << all;
  EXPECT_NE(all.find("partition"), std::string::npos) << "a did-you-mean\n" << all;
  EXPECT_NE(all.find("starts with --"), std::string::npos) << all;
  EXPECT_NE(all.find("'poll: max' must not be shorter"), std::string::npos) << all;
  EXPECT_NE(all.find("90s, 30m"), std::string::npos) << all;
}

TEST(SlurmProfileTest, AMissingProfileSaysWhereProfilesLive) {
  SlurmProfileLoad load = LoadSlurmProfile("/nonexistent/none.yaml");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_NE(load.errors.front().message.find("configs/slurm/NAME.yaml"), std::string::npos);
}

TEST(SlurmProfileTest, TheShippedProfilesAreValid) {
  for (const char* name : {"default", "local"}) {
    SlurmProfileLoad load =
        LoadSlurmProfile(std::filesystem::path(REPRO_SOURCE_DIR) / "configs/slurm" / (std::string(name) + ".yaml"));
    EXPECT_TRUE(load.errors.empty()) << name << ": " << load.errors.front().ToString();
  }
}

}  // namespace
}  // namespace repro
